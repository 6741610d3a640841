import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

import { MachinableError } from '@machinable/core/storage';

import { errorCode } from './system-error.js';

/**
 * The filesystem refused a write into the store: permissions, a read-only filesystem, a full disk
 * or quota. The message names the path, what the system said and what to do, instead of a bare
 * `EACCES: permission denied, open '…/.tmp-…'`.
 *
 * @example
 * try { storage.writeFile(location, 'result.json', '{}'); }
 * catch (e) { if (e instanceof StorageAccessError) console.error(e.path, e.code); } // "/runs/…", "EACCES"
 */
export class StorageAccessError extends MachinableError {
  constructor(
    /** The file or directory the write was aimed at. */
    readonly path: string,
    /** The system error code (`EACCES`, `EROFS`, `ENOSPC`, ...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FIXES: Readonly<Record<string, string>> = {
  EACCES: 'make it writable for this user (chmod u+w, or check the owner), or set MACHINABLE_STORAGE to a folder you can write',
  EPERM: 'make it writable for this user (chmod u+w, or check the owner), or set MACHINABLE_STORAGE to a folder you can write',
  EROFS: 'the filesystem is mounted read-only: set MACHINABLE_STORAGE to a folder on a writable filesystem',
  ENOSPC: 'the disk is full: free space (nothing was half-written; the write can be repeated)',
  EDQUOT: 'the disk quota is used up: free space (nothing was half-written; the write can be repeated)',
};

/**
 * `error` as a `StorageAccessError` when it is one of the failures above, for a write of `doing`
 * (`write result.json into`, `create the record`) at `path`; anything else as it is.
 */
export function storageAccessError(error: unknown, path: string, doing: string): unknown {
  const code = errorCode(error);
  if (code === undefined) return error;
  const fix = FIXES[code];
  if (fix === undefined) return error;
  const reason = error instanceof Error ? error.message : String(error);
  // The system names the file it refused (the new directory of a mkdir, the temporary file of a
  // write): the folder holding it is the one to make writable.
  const refused = typeof error === 'object' && error !== null && 'path' in error ? String((error as { path: unknown }).path) : path;
  const where = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' ? '' : `the folder ${existingFolderOf(refused)}: `;
  return new StorageAccessError(path, code, `cannot ${doing} ${path}: ${reason}; ${where}${fix}`);
}

/** Runs `write`, turning the failures above into a `StorageAccessError` about `path`. */
export function accessing<T>(path: string, doing: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    throw storageAccessError(error, path, doing);
  }
}

/**
 * The folder a refused path was to be made in: its nearest existing ancestor (a recursive mkdir
 * reports the deepest directory it was asked for, not the one it could not make).
 */
function existingFolderOf(path: string): string {
  let folder = dirname(path);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}
