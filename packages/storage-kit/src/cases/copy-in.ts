import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { HEADER_FILE, RecordExistsError, SENTINEL_FILE } from '@machinable/core/storage';

import { expectBytes, expectError, walkedLocations } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { newRecordId } from '../record-files.js';

/** Writes `files` under `directory` on the local filesystem. */
function writeLocal(directory: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
}

/** The optional `copyIn()`: a local record directory brought in whole. */
export function copyInCases(define: DefineCase): void {
  define('copyIn (optional): copies a local record directory to a location whole, nested files and child records included', async ({ storage, temporaryFolder, skip }) => {
    if (storage.copyIn === undefined) return skip('the adapter has no copyIn() (it is optional)');
    const source = join(temporaryFolder(), 'record');
    const files = { [SENTINEL_FILE]: newRecordId(), [HEADER_FILE]: '{"format": 1}', 'result.json': '{"loss": 0.1}', 'plots/loss.svg': '<svg/>' };
    const childFiles = { [SENTINEL_FILE]: newRecordId(), [HEADER_FILE]: '{"format": 1}', 'output.txt': 'child' };
    writeLocal(source, { ...files, ...Object.fromEntries(Object.entries(childFiles).map(([path, text]) => [`child/${path}`, text])) });
    const location = storage.locate(['kit', 'copied']);
    await storage.copyIn(source, location);
    const child = storage.locate(['child'], location);
    assert.equal(await storage.exists(location), true);
    assert.equal(await storage.exists(child), true);
    assert.deepEqual(await storage.files(location), Object.keys(files).sort());
    assert.deepEqual(await storage.files(child), Object.keys(childFiles).sort());
    for (const [path, text] of Object.entries(files)) expectBytes(await storage.readFile(location, path), text, path);
    expectBytes(await storage.readFile(child, 'output.txt'), 'child', 'the child\'s output.txt');
    assert.deepEqual(await walkedLocations(storage), [location, child]);
    assert.ok(existsSync(join(source, 'result.json')), 'the source is left where it was');
  });

  define('copyIn (optional): refuses a location where a record is with RecordExistsError, leaving it as it was', async ({ storage, record, temporaryFolder, skip }) => {
    if (storage.copyIn === undefined) return skip('the adapter has no copyIn() (it is optional)');
    const location = await record(['kit', 'record'], { 'result.json': 'kept' });
    const before = await storage.files(location);
    const source = join(temporaryFolder(), 'record');
    writeLocal(source, { [SENTINEL_FILE]: newRecordId(), [HEADER_FILE]: '{}', 'result.json': 'copied', 'extra.txt': 'extra' });
    await expectError('copyIn() to a location where a record is', RecordExistsError, () => storage.copyIn!(source, location));
    assert.deepEqual(await storage.files(location), before);
    expectBytes(await storage.readFile(location, 'result.json'), 'kept', 'result.json of the record that was there');
  });
}
