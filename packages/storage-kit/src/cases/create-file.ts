import assert from 'node:assert/strict';

import { RecordNotFoundError } from '@machinable/core/storage';

import { expectBytes, expectError, walked } from '../answers.js';
import type { DefineCase } from '../case-context.js';

/** `createFile()`: the claim that a run is computed once rests on it. */
export function createFileCases(define: DefineCase): void {
  define('createFile: creates an absent file and answers true, then answers false and leaves it as it was', async ({ storage, record }) => {
    const location = await record(['kit', 'record'], { existing: 'there' });
    assert.equal(await storage.createFile(location, 'claim', 'first'), true);
    expectBytes(await storage.readFile(location, 'claim'), 'first', 'the created file');
    assert.equal(await storage.createFile(location, 'claim', 'second'), false);
    expectBytes(await storage.readFile(location, 'claim'), 'first', 'the file after a second createFile()');
    assert.equal(await storage.createFile(location, 'existing', 'replaced'), false, 'a file create() wrote is there');
    expectBytes(await storage.readFile(location, 'existing'), 'there', 'a file create() wrote');
    assert.equal(await storage.createFile(location, 'claims/nested/bytes.bin', Uint8Array.from([1, 2, 3])), true, 'at a nested path');
    expectBytes(await storage.readFile(location, 'claims/nested/bytes.bin'), Uint8Array.from([1, 2, 3]), 'a nested created file');
    await storage.removeFile(location, 'claim');
    assert.equal(await storage.createFile(location, 'claim', 'third'), true, 'a removed file can be created again');
  });

  define('createFile: throws RecordNotFoundError for a location without a record, and creates nothing', async ({ storage }) => {
    const missing = storage.locate(['kit', 'missing']);
    await expectError('createFile() without a record', RecordNotFoundError, () => storage.createFile(missing, 'claim', 'me'));
    assert.equal(await storage.exists(missing), false);
    assert.deepEqual(await storage.files(missing), []);
    assert.deepEqual(await walked(storage), []);
  });

  define('createFile: of many concurrent callers in one process, exactly one gets true, and the file holds its data', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    for (const path of ['claim', 'claims/run']) {
      const callers = Array.from({ length: 32 }, (_, i) => `caller ${i}`);
      const answers = await Promise.all(callers.map((data) => Promise.resolve().then(() => storage.createFile(location, path, data))));
      const winners = callers.filter((_, i) => answers[i] === true);
      assert.equal(winners.length, 1, `${winners.length} of ${callers.length} concurrent createFile(${path}) calls answered true`);
      assert.ok(answers.every((answer) => answer === true || answer === false), 'createFile() answers true or false');
      expectBytes(await storage.readFile(location, path), winners[0]!, `${path}, created by the one that got true`);
    }
  });
}
