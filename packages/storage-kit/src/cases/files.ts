import assert from 'node:assert/strict';

import { RecordPathError } from '@machinable/core/storage';

import { describeError, expectBytes } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { recordFiles } from '../record-files.js';

/** `files()` and `removeFile()`: what a record holds. */
export function filesCases(define: DefineCase): void {
  define('files: lists every file of a record, sorted, nested paths and the format\'s own included', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    // Given out of order, upper and lower case, with names that sort before and after '/'.
    const files = recordFiles({ 'z.txt': 'z', 'b/c.txt': 'c', 'B.txt': 'B', 'a.txt': 'a', 'b-c.txt': 'b-c', 'b/a/d.txt': 'd', '_x': 'x' });
    await storage.create(location, files);
    await storage.writeFile(location, 'm/n.txt', 'n');
    await storage.appendFile(location, 'l.txt', 'l');
    await storage.createFile(location, 'k.txt', 'k');
    const expected = [...files.keys(), 'm/n.txt', 'l.txt', 'k.txt'].sort();
    assert.deepEqual(await storage.files(location), expected);
  });

  define('files: leaves out child records, and lists a child\'s own files for the child', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'result.json': 'parent' });
    const before = await storage.files(parent);
    const child = await record(['child'], { 'result.json': 'child', 'plots/a.svg': 'a' }, parent);
    await record(['grandchild'], {}, child);
    assert.deepEqual(await storage.files(parent), before);
    assert.deepEqual(await storage.files(child), [...recordFiles({ 'result.json': '', 'plots/a.svg': '' }).keys()].sort());
  });

  define('files: lists every file a write accepted, names holding ".tmp-" included (or the write refuses such a name with RecordPathError)', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    // Not temporary names by the contract (they do not start with ".tmp-"), but shaped like the
    // names an adapter may give its own temporary files: listed whole, or refused, never lost.
    const names = ['report.tmp-final.txt', 'backup.tmp-2024-01', 'copy.tmp-abc-def', 'a.tmp-1-2'];
    const writes: readonly (readonly [string, string, (path: string) => unknown])[] = [
      ['writeFile', '', (path) => storage.writeFile(location, path, path)],
      ['appendFile', 'appended/', (path) => storage.appendFile(location, path, path)],
      ['createFile', 'created/', (path) => storage.createFile(location, path, path)],
    ];
    const accepted: string[] = [];
    for (const [method, folder, write] of writes) {
      for (const path of names.map((name) => folder + name)) {
        try {
          await write(path);
          accepted.push(path);
        } catch (error) {
          assert.ok(error instanceof RecordPathError, `${method}(${JSON.stringify(path)}) should write or throw RecordPathError, but threw ${describeError(error)}`);
        }
      }
    }
    const files = await storage.files(location);
    for (const path of accepted) {
      assert.ok(files.includes(path), `${path} was written, but files() leaves it out: ${files.join(', ')}`);
      expectBytes(await storage.readFile(location, path), path, path);
    }
  });

  define('files: is empty for a location without a record', async ({ storage, record }) => {
    assert.deepEqual(await storage.files(storage.locate(['kit', 'missing'])), []);
    const parent = await record(['kit', 'record']);
    assert.deepEqual(await storage.files(storage.locate(['child'], parent)), []);
  });

  define('removeFile: removes a file and answers true; answers false for a missing file and a location without a record', async ({ storage, record }) => {
    const location = await record(['kit', 'record'], { 'result.json': '{}', 'plots/loss.svg': '<svg/>', keep: 'kept' });
    assert.equal(await storage.removeFile(location, 'result.json'), true);
    assert.equal(await storage.readFile(location, 'result.json'), undefined);
    assert.equal(await storage.removeFile(location, 'plots/loss.svg'), true);
    assert.equal(await storage.removeFile(location, 'result.json'), false, 'a file removed already');
    assert.equal(await storage.removeFile(location, 'missing'), false);
    assert.equal(await storage.removeFile(storage.locate(['kit', 'other']), 'result.json'), false, 'a location without a record');
    const files = await storage.files(location);
    assert.ok(!files.includes('result.json') && !files.includes('plots/loss.svg') && files.includes('keep'), `files() lists ${files.join(', ')}`);
    assert.equal(await storage.exists(location), true, 'the record is still there');
  });
}
