/**
 * One connection to an index file, and what keeps it the file's: where the file is (its device
 * and inode, to notice it was deleted or replaced under the connection), how a damaged file is
 * moved aside, and how a file this user cannot write is read (from a private copy).
 */
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

import { DEFAULT_BUSY_TIMEOUT_MS, openIndexFile } from './sqlite-schema.js';

/** Which file a connection opened: a file deleted or replaced since has another (or none). */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** An opened index connection. */
export interface IndexConnection {
  readonly db: Database.Database;
  /** Opening created the tables: the index is empty whatever the storage holds. */
  readonly created: boolean;
  /** The file opened, or undefined for `:memory:` and a read-only copy (neither can be replaced). */
  readonly identity: FileIdentity | undefined;
  /**
   * The file could not be opened for writing by this user (a store owned by someone else): the
   * connection reads a private copy of it, and writes are refused.
   */
  readonly readOnly: boolean;
  /** Removes what the connection made besides the index (the read-only copy). */
  readonly dispose: () => void;
}

/** The identity of the file at `path` now, or undefined when there is none. */
export function fileIdentity(path: string): FileIdentity | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
}

/** True when the file at `path` is not the one `identity` names (deleted, or replaced by another). */
export function fileReplaced(path: string, identity: FileIdentity): boolean {
  const now = statSync(path, { throwIfNoEntry: false });
  return now === undefined || now.ino !== identity.ino || now.dev !== identity.dev;
}

/**
 * True for SQLite's answer to a file that is not a database or is damaged: overwritten, truncated
 * (shorter than its pages say), or deleted with its `-wal` left beside the new file.
 */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_IOERR_SHORT_READ' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) return true;
  // A file truncated to nothing reads as an empty database: the tables are gone.
  return code === 'SQLITE_ERROR' && /no such table: (?:main\.)?'?(?:index|relations)'?/.test((error as Error).message);
}

/**
 * Moves a damaged index file (and its `-wal` and `-shm`) aside to `<path>.damaged-<time>`, never
 * deleting it (it may be something else pointed at by mistake), and warns. Returns where it went.
 */
export function setAside(path: string, reason: string): string {
  const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      renameSync(`${path}${suffix}`, `${aside}${suffix}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  process.emitWarning(`the index ${path} was not a SQLite database or was damaged (${reason}); it was moved to ${aside} and a new one is rebuilt from the records`, {
    code: 'MACHINABLE_INDEX_REBUILT',
  });
  return aside;
}

/**
 * Opens the index at `path` (see `openIndexFile`). A file there this user cannot open for writing
 * (it, or its folder with no `-wal`/`-shm` beside it, is read-only: a store owned by someone else)
 * is read from a private copy in the temporary folder, taken now, and marked `readOnly`.
 */
export function connect(path: string, busyTimeoutMs: number = DEFAULT_BUSY_TIMEOUT_MS): IndexConnection {
  const memory = path === ':memory:' || path === '' || path.startsWith('file:');
  try {
    const { db, created } = openIndexFile(path, busyTimeoutMs);
    return { db, created, identity: memory ? undefined : fileIdentity(path), readOnly: false, dispose: () => undefined };
  } catch (error) {
    if (memory || !cannotWrite(error, path)) throw error;
    return readOnlyCopy(path, busyTimeoutMs);
  }
}

/** True when opening failed because this user may read the existing file but not write it or its folder. */
function cannotWrite(error: unknown, path: string): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) return false;
  if (!existsSync(path) || !may(path, constants.R_OK)) return false;
  return !may(path, constants.W_OK) || !may(dirname(path), constants.W_OK);
}

function may(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The index read from a copy (its `-wal` too, when one is there), which refuses writes (`query_only`). */
function readOnlyCopy(path: string, busyTimeoutMs: number): IndexConnection {
  const folder = mkdtempSync(join(tmpdir(), 'machinable-readonly-index-'));
  const dispose = (): void => {
    process.off('exit', dispose);
    rmSync(folder, { recursive: true, force: true });
  };
  process.on('exit', dispose);
  try {
    const copy = join(folder, 'index.sqlite');
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`) && may(`${path}-wal`, constants.R_OK)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    const { db, created } = openIndexFile(copy, busyTimeoutMs);
    db.pragma('query_only = 1');
    return { db, created, identity: undefined, readOnly: true, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
