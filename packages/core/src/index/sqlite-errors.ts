import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { MachinableError } from '../kernel/errors.js';

/**
 * The index file cannot be opened or written: one line naming the file, what SQLite said, and the
 * fix, instead of `SqliteError: unable to open database file`.
 */
export class IndexAccessError extends MachinableError {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The error to throw for a failure of SQLite on the index file at `path` while `doing` something
 * (`open`, `write`): an `IndexAccessError` saying what to do for the failures a user causes
 * (permissions, a read-only file or folder, a full disk, a lock held too long); anything else
 * as it is.
 */
export function indexAccessError(error: unknown, path: string, doing: string): unknown {
  // Only SQLite's own failures (and, on open, the filesystem's): an error thrown by code running
  // inside a write transaction (a storage write during a claim) is not about the index.
  if (error instanceof MachinableError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (!code.startsWith('SQLITE_') && doing !== 'open') return error;
  const reason = error instanceof Error ? error.message : String(error);
  const folder = dirname(path);
  const elsewhere = 'or set MACHINABLE_INDEX to a file in a folder you can write';
  const fix = ((): string | undefined => {
    if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN')) {
      return `the folder ${folder} must exist and be writable (SQLite keeps ${path}-wal and -shm next to the index): make it writable, ${elsewhere}`;
    }
    if (code.startsWith('SQLITE_READONLY')) {
      const readOnly = notWritable([path, `${path}-wal`, `${path}-shm`, folder]);
      const which = readOnly.length > 0 ? readOnly.join(', ') : `${path} (or its -wal and -shm files, or the folder ${folder})`;
      return `read-only: ${which}; make ${readOnly.length === 1 ? 'it' : 'them'} writable (chmod u+w), ${elsewhere}`;
    }
    if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) return `the disk holding ${folder} is full or failing: free space, ${elsewhere}`;
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY')) return 'another process held the index locked for longer than the busy timeout: retry when it is done';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      return `the file is not a SQLite index (or is damaged) and could not be replaced here: an index this user can write sets such a file aside by itself and rebuilds it from the records; make ${folder} writable, ${elsewhere}`;
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `the folder ${folder} cannot be created or written: make it writable, ${elsewhere}`;
    return undefined;
  })();
  if (fix === undefined) return error;
  return new IndexAccessError(path, code, `cannot ${doing} the index ${path}: ${reason}; ${fix}`);
}

/** Those of `paths` that exist and this process may not write (SQLite makes -wal and -shm with the index's mode). */
function notWritable(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    if (!existsSync(path)) return false;
    try {
      accessSync(path, constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
}
