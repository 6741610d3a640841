import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { MachinableError } from '../kernel/errors.js';
import type { Index } from '../ports/index.js';
import { IndexAccessError, indexAccessError } from '../index/sqlite-errors.js';
import type { Storage } from '../ports/storage.js';
import type { IndexFactory, ProjectInfo, StorageFactory } from './plugins.js';

/**
 * The package of the default storage: core's default provider, a dependency of core (installed
 * with it, named in core's package.json as `machinable.defaultStorage`), loaded by name when a
 * project declares no other storage, so core's code never imports it.
 */
export const DEFAULT_STORAGE_MODULE = '@machinable/storage-fs';

/**
 * Opens a project's storage: the adapter its plugins or declaration chose, else the filesystem
 * storage (`@machinable/storage-fs`, loaded by name: core's default provider, not an import).
 */
export async function openStorage(project: ProjectInfo, factory: StorageFactory | undefined): Promise<Storage> {
  if (factory) return factory(project);
  let module: { createStorage: (options: { root: string }) => Storage };
  try {
    module = (await import(DEFAULT_STORAGE_MODULE)) as typeof module;
  } catch (error) {
    throw new MachinableError(
      `cannot load the default storage ${DEFAULT_STORAGE_MODULE} (${(error as Error).message}); ` +
        `install it next to @machinable/core (npm install ${DEFAULT_STORAGE_MODULE}) or declare another storage in machinable.config`,
    );
  }
  return module.createStorage({ root: project.storageRoot });
}

/**
 * Opens a project's index: the adapter its plugins or declaration chose, else SQLite in the
 * project's index file, rebuilt from the records when it is new (the index is a cache of them).
 */
export async function openIndex(project: ProjectInfo, factory: IndexFactory | undefined, storage: Storage): Promise<Index> {
  if (factory) return factory(project);
  const [{ SqliteIndex }, { reindex }] = await Promise.all([import('../index/sqlite-index.js'), import('../store/reindex.js')]);
  const path = project.indexPath;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw indexAccessError(error, path, 'open');
  }
  const index = openOrSetAside(path, SqliteIndex);
  if (index.needsReindex) {
    try {
      await reindex(storage, index);
    } catch (error) {
      // Nothing is lost (the file was new or reset), and the next open must try again rather
      // than find an index that looks complete: a store that cannot be indexed (one of an
      // earlier release) is reported every time, never listed as empty.
      index.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      throw error;
    }
  }
  return index;
}

/**
 * Opens the SQLite index at `path`. A file there that is not a SQLite database (or is damaged) is
 * moved aside to `<path>.damaged-<time>` (never deleted: it may be something else that was
 * pointed at by mistake) with a warning, and a new index is made, which the caller rebuilds from
 * the records: the index is a cache of them.
 */
function openOrSetAside<T>(path: string, SqliteIndex: new (path: string) => T): T {
  try {
    return new SqliteIndex(path);
  } catch (error) {
    if (!(error instanceof IndexAccessError) || !['SQLITE_NOTADB', 'SQLITE_CORRUPT'].includes(error.code)) throw error;
    const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
    process.emitWarning(`the index ${path} was not a SQLite database or was damaged (${error.message.split(';')[0]}); it was moved to ${aside} and a new one is rebuilt from the records`, {
      code: 'MACHINABLE_INDEX_REBUILT',
    });
    return new SqliteIndex(path);
  }
}
