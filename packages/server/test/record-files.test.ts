/**
 * Which files of a record the server names and shows, whatever the storage: a requested path must
 * be one the storage lists (`recordFile`), and the store's own dot files are not shown
 * (`shownFiles`). What a storage lists is the record's: the filesystem storage leaves out a link
 * leading out of the record (storage-fs's spec of files()).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpError, recordFile, shownFiles } from '@machinable/server';

describe('recordFile: a path the storage lists for the record', () => {
  const files = ['.machinable', 'id.json', 'result.json', 'sub/x.txt'];

  it('gives a listed file', () => {
    assert.equal(recordFile('result.json', files), 'result.json');
    assert.equal(recordFile('sub/x.txt', files), 'sub/x.txt');
  });

  for (const path of ['missing.json', '../id.json', 'sub/../result.json', './result.json', '/etc/passwd', 'sub\\x.txt', 'result.json\0', '', 'sub', 'sub/', '.machinable']) {
    it(`refuses ${JSON.stringify(path)} with a 404`, () => {
      assert.throws(() => recordFile(path, files), (error: unknown) => error instanceof HttpError && error.statusCode === 404);
    });
  }
});

describe('shownFiles: what the server lists and serves of a record', () => {
  it('leaves out dot files (the store\'s own), and keeps every other file the storage lists', () => {
    assert.deepEqual(shownFiles(['.machinable', 'id.json', 'link.txt', 'sub/.hidden', 'sub/x.txt']), ['id.json', 'link.txt', 'sub/x.txt']);
  });
});
