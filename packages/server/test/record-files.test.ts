/**
 * Which files of a record the server names and shows, whatever the storage: a requested path must
 * be one the storage lists (`recordFile`), and a symlink out of a record kept in a local directory
 * is not shown (`shownFiles`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '@machinable/core';
import { HttpError, recordFile, shownFiles } from '@machinable/server';

/** The two members `shownFiles` reads of a storage: its root and where a location's files are. */
function storageAt(root: string, directory: (location: string) => string): Storage {
  const partial: Pick<Storage, 'root' | 'directory'> = { root, directory };
  return partial as Storage;
}

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
  it('leaves out dot files, and keeps every other file of a storage without local directories', () => {
    const memory = storageAt('memory://', (location) => location);
    assert.deepEqual(shownFiles(memory, 'memory://a/b', ['.machinable', 'id.json', 'link.txt', 'sub/.hidden', 'sub/x.txt']), ['id.json', 'link.txt', 'sub/x.txt']);
  });

  it('leaves out a symlink that leaves a local record, and keeps one that stays in it', () => {
    const root = mkdtempSync(join(tmpdir(), 'machinable-shown-'));
    try {
      const storage = join(root, 'storage');
      const record = join(storage, 'a', 'b');
      mkdirSync(record, { recursive: true });
      writeFileSync(join(record, 'result.json'), '{}');
      writeFileSync(join(root, 'outside.txt'), 'secret');
      symlinkSync(join(root, 'outside.txt'), join(record, 'leak.txt'));
      symlinkSync(join(record, 'result.json'), join(record, 'alias.json'));
      symlinkSync(root, join(record, 'outside-dir'));
      const local = storageAt(storage, () => record);
      assert.deepEqual(shownFiles(local, 'file://x', ['alias.json', 'leak.txt', 'outside-dir', 'result.json']), ['alias.json', 'result.json']);
      assert.deepEqual(shownFiles(storageAt(join(root, 'elsewhere'), () => record), 'file://x', ['result.json']), [], 'a record outside the storage root shows nothing');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
