import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Storage } from '@machinable/core';
import { HttpError } from '../errors.js';
import { safeRecordFile } from './safe-path.js';

/**
 * The files of a record the server lists and serves, of those its storage lists (`files`, paths
 * relative to the record): none under a dot segment (`.machinable` and the like are the store's
 * own; the reference does not list them either), and, for a record its storage keeps in a
 * directory of this machine, none that a symlink takes out of the record (or a record outside the
 * storage root). The storage contract has no word for a symlink: the filesystem storage lists one
 * as a file and reads through it (it trusts the record's owner, who alone can place one), but a
 * server must not hand a browser what the link points at. So the one thing the contract cannot
 * show is judged where it lives, by resolving paths (`safeRecordFile`); every byte is still read
 * through the storage. A record of a storage without local directories (`directory()` is then the
 * location itself, not an absolute path) has no symlinks to judge.
 *
 * @example
 * shownFiles(storage, location, ['.machinable', 'id.json', 'leak.txt']); // ['id.json'] (leak.txt links to /etc/passwd)
 */
export function shownFiles(storage: Storage, location: string, files: readonly string[]): string[] {
  const visible = files.filter((path) => !path.split('/').some((segment) => segment.startsWith('.')));
  const directory = storage.directory(location);
  if (!isAbsolute(directory) || !existsSync(directory)) return visible;
  return visible.filter((path) => {
    try {
      safeRecordFile(storage.root, directory, path);
      return true;
    } catch (error) {
      if (error instanceof HttpError) return false;
      throw error;
    }
  });
}
