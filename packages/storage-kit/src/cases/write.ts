import assert from 'node:assert/strict';

import { RecordNotFoundError } from '@machinable/core/storage';

import { expectBytes, expectError, walked } from '../answers.js';
import type { DefineCase } from '../case-context.js';

/** `writeFile()`: a file replaced whole, never a record made by it. */
export function writeCases(define: DefineCase): void {
  define('writeFile: writes a new file and replaces an existing one whole, a shorter text leaving no tail of the longer', async ({ storage, record }) => {
    const location = await record(['kit', 'record'], { 'result.json': '{"loss": 1.0, "accuracy": 0.5}' });
    await storage.writeFile(location, 'new.txt', 'new');
    expectBytes(await storage.readFile(location, 'new.txt'), 'new', 'a new file');
    await storage.writeFile(location, 'result.json', '{"loss": 0.1}');
    expectBytes(await storage.readFile(location, 'result.json'), '{"loss": 0.1}', 'a replaced file');
    await storage.writeFile(location, 'result.json', Uint8Array.from([0, 1, 2, 255]));
    expectBytes(await storage.readFile(location, 'result.json'), Uint8Array.from([0, 1, 2, 255]), 'a file replaced by bytes');
    await storage.writeFile(location, 'result.json', '');
    expectBytes(await storage.readFile(location, 'result.json'), '', 'a file replaced by nothing');
  });

  define('writeFile: writes at nested paths, creating their directories', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    await storage.writeFile(location, 'plots/2026/loss.svg', '<svg/>');
    await storage.writeFile(location, 'plots/2026/accuracy.svg', '<svg></svg>');
    expectBytes(await storage.readFile(location, 'plots/2026/loss.svg'), '<svg/>', 'plots/2026/loss.svg');
    const files = await storage.files(location);
    assert.ok(files.includes('plots/2026/loss.svg') && files.includes('plots/2026/accuracy.svg'), `files() lists ${files.join(', ')}`);
  });

  define('writeFile: throws RecordNotFoundError for a location without a record, and creates nothing', async ({ storage, record }) => {
    const missing = storage.locate(['kit', 'missing']);
    await expectError('writeFile() without a record', RecordNotFoundError, () => storage.writeFile(missing, 'result.json', '{}'));
    await expectError('writeFile() of a nested path without a record', RecordNotFoundError, () => storage.writeFile(missing, 'plots/loss.svg', '<svg/>'));
    const parent = await record(['kit', 'record']);
    const child = storage.locate(['child'], parent);
    await expectError('writeFile() into a child record that was never created', RecordNotFoundError, () => storage.writeFile(child, 'result.json', '{}'));
    for (const location of [missing, child]) {
      assert.equal(await storage.exists(location), false);
      assert.deepEqual(await storage.files(location), [], 'a refused write left files');
    }
    assert.deepEqual(await walked(storage), [{ location: parent, sentinel: true }], 'a refused write left something walk() finds');
  });

  define('writeFile: of concurrent writes of one file in one process, one is kept whole', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    const texts = Array.from({ length: 16 }, (_, i) => `writer ${i} `.repeat(1000 + i * 37));
    await Promise.all(texts.map((text) => Promise.resolve().then(() => storage.writeFile(location, 'result.txt', text))));
    const read = (await storage.readFile(location, 'result.txt'))?.toString('utf8');
    assert.ok(read !== undefined && texts.includes(read), `the file holds none of the texts written whole (${read?.length} characters)`);
  });
}
