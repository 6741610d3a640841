import assert from 'node:assert/strict';

import { expectBytes } from '../answers.js';
import type { DefineCase } from '../case-context.js';

/** `readFile()` and the optional `hasFile()`. */
export function readCases(define: DefineCase): void {
  define('readFile: answers the bytes of a file as a Buffer', async ({ storage, record }) => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const location = await record(['kit', 'record'], { 'result.json': '{"loss": 0.1}', 'raw.bin': bytes, 'empty.txt': '' });
    expectBytes(await storage.readFile(location, 'result.json'), '{"loss": 0.1}', 'result.json');
    expectBytes(await storage.readFile(location, 'raw.bin'), bytes, 'raw.bin');
    expectBytes(await storage.readFile(location, 'empty.txt'), '', 'an empty file');
  });

  define('readFile: answers undefined for a missing file, and for a location without a record', async ({ storage, record }) => {
    const location = await record(['kit', 'record'], { 'plots/loss.svg': '<svg/>' });
    assert.equal(await storage.readFile(location, 'missing.json'), undefined);
    assert.equal(await storage.readFile(location, 'plots/missing.svg'), undefined);
    assert.equal(await storage.readFile(location, 'missing/deeper.json'), undefined);
    assert.equal(await storage.readFile(storage.locate(['kit', 'other']), 'result.json'), undefined);
    assert.equal(await storage.readFile(storage.locate(['child'], location), 'result.json'), undefined);
  });

  define('hasFile (optional): is true for a file of the record, empty or not, and false for a missing file or a location without a record', async ({ storage, record, skip }) => {
    if (storage.hasFile === undefined) return skip('the adapter has no hasFile() (it is optional)');
    const location = await record(['kit', 'record'], { cached: '', 'plots/loss.svg': '<svg/>' });
    assert.equal(await storage.hasFile(location, 'cached'), true, 'an empty file is there');
    assert.equal(await storage.hasFile(location, 'plots/loss.svg'), true);
    assert.equal(await storage.hasFile(location, 'missing'), false);
    assert.equal(await storage.hasFile(storage.locate(['kit', 'other']), 'cached'), false);
    await storage.removeFile(location, 'cached');
    assert.equal(await storage.hasFile(location, 'cached'), false, 'a removed file is gone');
  });
}
