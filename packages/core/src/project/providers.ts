import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { INDEX_FACTORY, PROJECT, STORAGE_FACTORY, container, injectionInUse, registeredFactory } from '../container/container.js';
import { MachinableError } from '../kernel/errors.js';
import { INDEX, type Index } from '../ports/index.js';
import { IndexAccessError, indexAccessError } from '../index/sqlite-errors.js';
import { STORAGE, type Storage } from '../ports/storage.js';
import type { Project } from './project.js';

/** The package the default storage comes from (a peer dependency of core, installed with it). */
export const DEFAULT_STORAGE_MODULE = '@machinable/storage-fs';

/**
 * A project's storage and index, opened on first use: the adapters registered with
 * `registerStorage()`/`registerIndex()`, else the filesystem storage under the project's storage
 * root and the SQLite index file (rebuilt from the directories when it is new). Also the
 * project's DI container, through which module classes are instantiated.
 */
export class Providers {
  private storagePromise?: Promise<Storage>;
  private indexPromise?: Promise<Index>;
  private containerPromise?: Promise<DependencyContainer>;

  constructor(private readonly project: Project) {}

  storage(): Promise<Storage> {
    this.storagePromise ??= this.openStorage();
    return this.storagePromise;
  }

  index(): Promise<Index> {
    this.indexPromise ??= this.openIndex();
    return this.indexPromise;
  }

  /**
   * The project's DI container: a child of machinable's, with this project's `STORAGE`, `INDEX`
   * and `PROJECT` registered, so a module may `@inject(STORAGE)` in its constructor.
   */
  container(): Promise<DependencyContainer> {
    this.containerPromise ??= (async () => {
      const [storage, index] = await Promise.all([this.storage(), this.index()]);
      const child = container.createChildContainer();
      child.register(STORAGE, { useValue: storage });
      child.register(INDEX, { useValue: index });
      child.register(PROJECT, { useValue: this.project });
      return child;
    })();
    return this.containerPromise;
  }

  /**
   * A new instance of a module class, as the project's container resolves it. Until anything
   * could use injection (tsyringe never loaded, a constructor without parameters) that is
   * `new cls()`, made without loading tsyringe.
   */
  instantiate<T>(cls: new () => T): T | Promise<T> {
    if (cls.length === 0 && !injectionInUse()) return new cls();
    return this.container().then((container) => container.resolve(cls));
  }

  /** Closes the index (a later call reopens it). */
  async close(): Promise<void> {
    const index = this.indexPromise;
    this.indexPromise = undefined;
    this.containerPromise = undefined;
    if (index) (await index).close();
  }

  private async openStorage(): Promise<Storage> {
    const factory = registeredFactory<Storage>(STORAGE_FACTORY);
    if (factory) return factory(this.project);
    let module: { createStorage: (options: { root: string }) => Storage };
    try {
      module = (await import(DEFAULT_STORAGE_MODULE)) as typeof module;
    } catch (error) {
      throw new MachinableError(
        `cannot load the default storage ${DEFAULT_STORAGE_MODULE} (${(error as Error).message}); ` +
          `install it next to @machinable/core (npm install ${DEFAULT_STORAGE_MODULE}) or register another storage with registerStorage()`,
      );
    }
    return module.createStorage({ root: this.project.storageRoot });
  }

  private async openIndex(): Promise<Index> {
    const factory = registeredFactory<Index>(INDEX_FACTORY);
    if (factory) return factory(this.project);
    const [{ SqliteIndex }, { reindex }, storage] = await Promise.all([
      import('../index/sqlite-index.js'),
      import('../store/reindex.js'),
      this.storage(),
    ]);
    const path = this.project.indexPath;
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw indexAccessError(error, path, 'open');
    }
    const index = openOrSetAside(path, SqliteIndex);
    // The index is a cache: a new (or outdated) one is rebuilt from the record directories.
    if (index.needsReindex) {
      try {
        reindex(storage, index);
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
