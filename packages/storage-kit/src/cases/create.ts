import assert from 'node:assert/strict';

import { HEADER_FILE, RecordExistsError, SENTINEL_FILE } from '@machinable/core/storage';

import { describeError, expectBytes, expectError, walked, walkedLocations } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { recordFiles, unreadableBytes } from '../record-files.js';

/** `create()` and `exists()`: a record appears whole, once, or not at all. */
export function createCases(define: DefineCase): void {
  define('create: makes a record holding exactly the given files, text and bytes, nested paths and the sentinel included', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const files = recordFiles({ 'result.json': '{"loss": 0.1}', 'plots/loss.bin': bytes, 'a/b/c/deep.txt': 'deep', 'empty.txt': '' });
    await storage.create(location, files);
    assert.equal(await storage.exists(location), true);
    assert.deepEqual(await storage.files(location), [...files.keys()].sort());
    for (const [path, data] of files) expectBytes(await storage.readFile(location, path), data, `readFile(${path})`);
    assert.deepEqual(await walked(storage), [{ location, sentinel: true }]);
  });

  define('exists: is false where nothing was created, true for a created record, false once it is removed', async ({ storage, record }) => {
    const location = storage.locate(['kit', 'record']);
    assert.equal(await storage.exists(location), false);
    await record(['kit', 'record']);
    assert.equal(await storage.exists(location), true);
    assert.equal(await storage.exists(storage.locate(['kit', 'other'])), false);
    assert.equal(await storage.exists(storage.locate(['kit'])), false, 'the directory above a record is no record');
    await storage.remove(location);
    assert.equal(await storage.exists(location), false);
  });

  define('create: refuses a second record at the same location with RecordExistsError, leaving the first as it was', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    const first = recordFiles({ 'result.json': 'first' });
    await storage.create(location, first);
    await expectError('a second create() at one location', RecordExistsError, () => storage.create(location, recordFiles({ 'result.json': 'second', 'other.txt': 'x' })));
    assert.deepEqual(await storage.files(location), [...first.keys()].sort());
    expectBytes(await storage.readFile(location, 'result.json'), 'first', 'the first record\'s result.json');
    expectBytes(await storage.readFile(location, SENTINEL_FILE), first.get(SENTINEL_FILE)!, 'the first record\'s sentinel');
  });

  define('create: refuses a location where something else is (a file, or a folder of files, of the enclosing record) with RecordExistsError, leaving it as it was', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'result.json': 'result', 'plots/loss.svg': '<svg/>' });
    for (const name of ['result.json', 'plots']) {
      const location = storage.locate([name], parent);
      await expectError(`create() where the parent's ${name} is`, RecordExistsError, () => storage.create(location, recordFiles()));
      assert.equal(await storage.exists(location), false);
    }
    expectBytes(await storage.readFile(parent, 'result.json'), 'result', 'the parent\'s result.json');
    expectBytes(await storage.readFile(parent, 'plots/loss.svg'), '<svg/>', 'the parent\'s plots/loss.svg');
    assert.deepEqual(await walkedLocations(storage), [parent]);
  });

  define('create: refuses a location where a directory without a sentinel is, with RecordExistsError', async ({ storage, subject, options }) => {
    const location = storage.locate(['kit', 'copied']);
    const files = recordFiles({ 'result.json': 'copied' });
    files.delete(SENTINEL_FILE);
    await options.sentinelless!(subject, location, files);
    await expectError('create() where a directory without a sentinel is', RecordExistsError, () => storage.create(location, recordFiles()));
    assert.equal(await storage.exists(location), false);
    expectBytes(await storage.readFile(location, 'result.json'), 'copied', 'the result.json of the directory that was there');
  }, { sentinelless: true });

  define('create: makes a child record inside its parent, leaving the parent\'s files as they were', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'result.json': 'parent' });
    const before = await storage.files(parent);
    const child = await record(['child'], { 'result.json': 'child' }, parent);
    assert.equal(await storage.exists(child), true);
    assert.deepEqual(await storage.files(parent), before);
    expectBytes(await storage.readFile(parent, 'result.json'), 'parent', 'the parent\'s result.json');
    expectBytes(await storage.readFile(child, 'result.json'), 'child', 'the child\'s result.json');
  });

  define('create: of many concurrent creates of one location in one process, exactly one succeeds and the others get RecordExistsError', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    const attempts = Array.from({ length: 16 }, (_, i) => recordFiles({ 'writer.txt': `writer ${i}`, 'data/a.txt': `a ${i}`, 'data/b.txt': `b ${i}` }));
    const outcomes = await Promise.allSettled(attempts.map((files) => Promise.resolve().then(() => storage.create(location, files))));
    const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
    assert.equal(won.length, 1, `${won.length} of ${attempts.length} concurrent creates succeeded`);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        assert.ok(outcome.reason instanceof RecordExistsError, `a losing create() should throw RecordExistsError, but threw ${describeError(outcome.reason)}`);
      }
    }
    const winner = attempts[won[0]!]!;
    assert.deepEqual(await storage.files(location), [...winner.keys()].sort());
    for (const [path, data] of winner) expectBytes(await storage.readFile(location, path), data, `the winner's ${path}`);
  });

  define('create: a create that fails midway (a file that cannot be read) leaves no record and nothing at the location, and a later create there succeeds', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    // The sentinel and the header first, a failing file in the middle, more files after it.
    const files = recordFiles({ 'a.txt': 'a', 'nested/b.txt': 'b', 'broken.bin': unreadableBytes(), 'z.txt': 'z' });
    let failed = false;
    try {
      await storage.create(location, files);
    } catch {
      failed = true;
    }
    assert.ok(failed, 'create() should fail when a file\'s bytes cannot be read');
    assert.equal(await storage.exists(location), false, 'a failed create() left a record');
    assert.deepEqual(await storage.files(location), [], 'a failed create() left files');
    assert.equal(await storage.readFile(location, HEADER_FILE), undefined, 'a failed create() left id.json');
    assert.deepEqual(await walked(storage), [], 'a failed create() left something walk() finds');
    const again = recordFiles({ 'a.txt': 'again' });
    await storage.create(location, again);
    assert.deepEqual(await storage.files(location), [...again.keys()].sort());
    expectBytes(await storage.readFile(location, 'a.txt'), 'again', 'a.txt of the later create()');
  });
}
