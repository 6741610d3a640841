import assert from 'node:assert/strict';

import { HEADER_FILE, RecordPathError, SENTINEL_FILE, type Storage } from '@machinable/core/storage';

import { describeError, expectBytes, expectError } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { recordFiles } from '../record-files.js';

/**
 * Paths no method takes: empty, escaping the record (`..`), absolute, naming a temporary entry.
 * Each is tried in a child record, so a write that escaped would land in its parent.
 */
export const OUTSIDE_PATHS: readonly string[] = ['', '..', '../outside.txt', 'a/../../outside.txt', '/absolute.txt', '.tmp-x', 'a/.tmp-x/b.txt'];

/** The state of a parent and a child record, to show that a refused call changed neither. */
async function snapshot(storage: Storage, parent: string, child: string): Promise<string> {
  const files = async (location: string): Promise<string[]> => {
    const out: string[] = [];
    for (const path of await storage.files(location)) out.push(`${path}=${(await storage.readFile(location, path))?.toString('base64')}`);
    return out;
  };
  return JSON.stringify([await files(parent), await files(child)]);
}

/** The contract's `RecordPathError`, method by method. */
export function pathCases(define: DefineCase): void {
  const operations: readonly (readonly [string, (storage: Storage, location: string, path: string) => unknown])[] = [
    ['readFile', (storage, location, path) => storage.readFile(location, path)],
    ['writeFile', (storage, location, path) => storage.writeFile(location, path, 'escaped')],
    ['appendFile', (storage, location, path) => storage.appendFile(location, path, 'escaped\n')],
    ['createFile', (storage, location, path) => storage.createFile(location, path, 'escaped')],
    ['removeFile', (storage, location, path) => storage.removeFile(location, path)],
    ['hasFile', (storage, location, path) => storage.hasFile?.(location, path)],
  ];
  for (const [method, call] of operations) {
    define(`${method}: refuses a path that is empty, absolute, leaves the record or names a temporary entry with RecordPathError, changing nothing`, async ({ storage, record, skip }) => {
      if (method === 'hasFile' && storage.hasFile === undefined) return skip('the adapter has no hasFile() (it is optional)');
      const parent = await record(['kit', 'record'], { 'outside.txt': 'parent' });
      const child = await record(['child'], { 'inside.txt': 'child' }, parent);
      const before = await snapshot(storage, parent, child);
      for (const path of OUTSIDE_PATHS) await expectError(`${method}(location, ${JSON.stringify(path)})`, RecordPathError, () => call(storage, child, path));
      assert.equal(await snapshot(storage, parent, child), before, `a refused ${method}() changed the records`);
    });
  }

  define('create: refuses a file path that is empty, absolute, leaves the record or names a temporary entry with RecordPathError, creating nothing', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'outside.txt': 'parent' });
    const parentFiles = await storage.files(parent);
    for (const path of OUTSIDE_PATHS) {
      const child = storage.locate(['child'], parent);
      await expectError(`create() with the file ${JSON.stringify(path)}`, RecordPathError, () => storage.create(child, recordFiles({ 'fine.txt': 'fine', [path]: 'escaped' })));
      assert.equal(await storage.exists(child), false, `create() with the file ${JSON.stringify(path)} left a record`);
      assert.deepEqual(await storage.files(child), [], `create() with the file ${JSON.stringify(path)} left files`);
    }
    assert.deepEqual(await storage.files(parent), parentFiles);
    expectBytes(await storage.readFile(parent, 'outside.txt'), 'parent', 'the parent\'s outside.txt');
  });

  for (const method of ['writeFile', 'appendFile'] as const) {
    define(`${method}: refuses .machinable and id.json with RecordPathError, leaving them as they were`, async ({ storage }) => {
      const location = storage.locate(['kit', 'record']);
      const files = recordFiles();
      await storage.create(location, files);
      for (const path of [SENTINEL_FILE, HEADER_FILE]) {
        await expectError(`${method}(location, ${JSON.stringify(path)})`, RecordPathError, () =>
          method === 'writeFile' ? storage.writeFile(location, path, 'rewritten') : storage.appendFile(location, path, 'appended'),
        );
        expectBytes(await storage.readFile(location, path), files.get(path)!, path);
      }
    });
  }

  define('createFile: never replaces .machinable or id.json (RecordPathError, or false)', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    const files = recordFiles();
    await storage.create(location, files);
    for (const path of [SENTINEL_FILE, HEADER_FILE]) {
      let answer: unknown;
      try {
        answer = await storage.createFile(location, path, 'rewritten');
      } catch (error) {
        assert.ok(error instanceof RecordPathError, `createFile(location, ${JSON.stringify(path)}) should answer false or throw RecordPathError, but threw ${describeError(error)}`);
        answer = false;
      }
      assert.equal(answer, false, `createFile(location, ${JSON.stringify(path)}) answered true for a file every record has`);
      expectBytes(await storage.readFile(location, path), files.get(path)!, path);
    }
  });
}
