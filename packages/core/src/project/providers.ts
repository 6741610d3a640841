import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { MachinableError } from '../kernel/errors.js';
import type { Index } from '../ports/index.js';
import { indexAccessError } from '../index/sqlite-errors.js';
import type { MaybePromise } from '../kernel/maybe.js';
import { isThenable } from '../kernel/thenable.js';
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
 * project's index file. The index is a cache of the records, rebuilt from them when it is new,
 * when it was made for a store in another place (a project copied or moved: its rows hold the
 * old absolute locations), and when it reopened a file deleted, replaced or damaged under it.
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
  const store = storage.locate([]);
  const refill = (index: InstanceType<typeof SqliteIndex>): MaybePromise<void> => {
    const report = reindex(storage, index);
    if (!isThenable(report)) return index.markStore(store);
    return Promise.resolve(report).then(() => index.markStore(store));
  };
  const index = new SqliteIndex(path, {
    onReopen: (reopened) => {
      const done = refill(reopened);
      if (isThenable(done)) done.then(undefined, (error: unknown) => process.emitWarning(`cannot rebuild the index ${path} from the records: ${String(error)}`));
    },
  });
  if (index.needsReindex || (!index.readOnly && !index.describes(store))) {
    try {
      await refill(index);
    } catch (error) {
      // The next open must try again rather than find an index that looks complete: a store that
      // cannot be indexed (one of an earlier release) is reported every time, never listed as
      // empty. A new file holds nothing yet and is removed; one of another place stays unmarked.
      index.close();
      if (index.needsReindex) for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      throw error;
    }
  }
  return index;
}
