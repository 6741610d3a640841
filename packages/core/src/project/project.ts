import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import { INDEX_FACTORY, PROJECT, STORAGE_FACTORY, container, injectionInUse, registeredFactory } from '../container/container.js';
import { ContextSlot } from '../context/context.js';
import { closest } from '../config/suggest.js';
import { ModuleNotFoundError } from '../errors.js';
import { INDEX, type Index } from '../index/index.js';
import { STORAGE, type Storage } from '../storage/storage.js';
import type { ElementClass } from '../interface/element.js';
import { isElementClass } from '../interface/element.js';
import { builtinModule } from './builtins.js';
import { listModules, moduleFile } from './module-files.js';
import { registerTypeScriptLoader } from './ts-loader.js';

/** The module the default storage provider is loaded from (core does not depend on it statically). */
export const DEFAULT_STORAGE_MODULE = '@machinable/storage-fs';

/** Name of the SQLite index file in a project folder. */
export const INDEX_FILE = '.machinable.sqlite';

export interface ProjectOptions {
  /** Where records are stored; default `<project>/storage` (or `$MACHINABLE_STORAGE`). */
  readonly storage?: string;
  /**
   * The SQLite index file (or `$MACHINABLE_INDEX`); default `<project>/.machinable.sqlite`, or
   * inside the storage root when a storage is given, so a storage and its index travel together.
   */
  readonly index?: string;
}

const slot = new ContextSlot<Project>('project');
const defaults = new Map<string, Project>();

/**
 * A folder of modules: `train` is `train.ts`, `models.resnet` is `models/resnet.ts`, each with
 * one interface class as its default export. It also owns the project's storage and index.
 *
 * @example
 * await project('/path/to/research').within(async () => (await get('train', { seed: 1 })).launch());
 */
export class Project {
  readonly directory: string;
  readonly storageRoot: string;
  readonly indexPath: string;
  private modules = new Map<string, Promise<ElementClass>>();
  private names = new Map<Function, string>();
  private readonly views = new Map<string, Project>();
  private storagePromise?: Promise<Storage>;
  private indexPromise?: Promise<Index>;
  private containerPromise?: Promise<DependencyContainer>;

  constructor(directory: string, options: ProjectOptions = {}) {
    this.directory = resolve(directory);
    const storage = options.storage ?? process.env['MACHINABLE_STORAGE'];
    this.storageRoot = resolve(this.directory, storage ?? 'storage');
    const index = options.index ?? process.env['MACHINABLE_INDEX'];
    this.indexPath = index ? resolve(this.directory, index) : join(storage ? this.storageRoot : this.directory, INDEX_FILE);
  }

  /**
   * This project with its records in another storage (and that storage's own index); modules are
   * shared. What `storage(root).within(...)` makes current.
   */
  withStorage(root: string): Project {
    const path = resolve(this.directory, root);
    let view = this.views.get(path);
    if (!view) {
      view = new Project(this.directory, { storage: path });
      view.modules = this.modules;
      view.names = this.names;
      this.views.set(path, view);
    }
    return view;
  }

  /** The project made current by the innermost `within`, else the one for `process.cwd()`. */
  static current(): Project {
    const current = slot.current();
    if (current) return current;
    const cwd = process.cwd();
    let project = defaults.get(cwd);
    if (!project) defaults.set(cwd, (project = new Project(cwd)));
    return project;
  }

  /** Runs `fn` with this project current. */
  within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    return slot.within(this, fn);
  }

  /**
   * Imports a module and returns its interface class. `.ts` modules compile on the fly, with
   * decorator metadata. Throws `ModuleNotFoundError` with near matches when there is no such file.
   */
  load(module: string): Promise<ElementClass> {
    let loading = this.modules.get(module);
    if (!loading) {
      loading = this.import(module);
      this.modules.set(module, loading);
      loading.catch(() => this.modules.delete(module));
    }
    return loading;
  }

  /** Registers a class under a module name (done for every loaded module; use it for classes defined inline). */
  register(module: string, cls: ElementClass): void {
    this.names.set(cls, module);
    if (!this.modules.has(module)) this.modules.set(module, Promise.resolve(cls));
  }

  /** The module name of a class: the one it was loaded or registered under, else its static `module`, else its name. */
  moduleOf(cls: ElementClass): string {
    return this.names.get(cls) ?? cls.module ?? cls.name;
  }

  /** The storage provider: the registered adapter, else the filesystem storage under `storageRoot`. */
  storage(): Promise<Storage> {
    this.storagePromise ??= this.openStorage();
    return this.storagePromise;
  }

  /** The index provider: the registered adapter, else SQLite in `.machinable.sqlite`, rebuilt if it was missing. */
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
      child.register(PROJECT, { useValue: this });
      return child;
    })();
    return this.containerPromise;
  }

  /**
   * A new instance of a module class, as the project's container resolves it. Until anything
   * could use injection (tsyringe never loaded, a constructor without parameters) that is
   * `new cls()`, made here without loading tsyringe; the providers are opened either way.
   */
  async instantiate<T>(cls: new () => T): Promise<T> {
    if (cls.length === 0 && !injectionInUse()) {
      await Promise.all([this.storage(), this.index()]);
      return new cls();
    }
    return (await this.container()).resolve(cls);
  }

  /** Closes the index (and lets a later call reopen it). */
  async close(): Promise<void> {
    const index = this.indexPromise;
    this.indexPromise = undefined;
    this.containerPromise = undefined;
    if (index) (await index).close();
  }

  private async import(module: string): Promise<ElementClass> {
    const builtin = builtinModule(module);
    if (builtin) return builtin;
    const file = moduleFile(this.directory, module);
    if (!file) {
      const known = listModules(this.directory);
      const hint = closest(module, known);
      throw new ModuleNotFoundError(
        `unknown module '${module}': no ${module.split('.').join('/')}.ts (or .mts/.js/.mjs) in ${this.directory}` +
          (hint ? `. Did you mean '${hint}'?` : known.length ? `. Modules here: ${known.slice(0, 12).join(', ')}` : ''),
      );
    }
    if (/\.m?ts$/.test(file)) {
      await importProvidersEarly();
      registerTypeScriptLoader();
    }
    const exports = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const cls = exports.default;
    if (!isElementClass(cls)) {
      throw new ModuleNotFoundError(
        `module '${module}' (${relative(this.directory, file)}) has no interface class as its default export; ` +
          'add `export default class MyRun extends Interface { ... }`',
      );
    }
    this.names.set(cls, module);
    return cls;
  }

  private async openStorage(): Promise<Storage> {
    const factory = registeredFactory<Storage>(STORAGE_FACTORY);
    if (factory) return factory(this);
    const { createStorage } = (await import(DEFAULT_STORAGE_MODULE)) as {
      createStorage: (options: { root: string }) => Storage;
    };
    return createStorage({ root: this.storageRoot });
  }

  private async openIndex(): Promise<Index> {
    const factory = registeredFactory<Index>(INDEX_FACTORY);
    if (factory) return factory(this);
    const [{ SqliteIndex }, { reindex }, storage] = await Promise.all([
      import('../index/sqlite-index.js'),
      import('../index/reindex.js'),
      this.storage(),
    ]);
    mkdirSync(dirname(this.indexPath), { recursive: true });
    const index = new SqliteIndex(this.indexPath);
    // The index is a cache: a missing (or outdated) one is rebuilt from the record directories.
    if (index.needsReindex) reindex(storage, index);
    return index;
  }
}

let providersImported: Promise<unknown> | undefined;

/**
 * Imports the default providers' modules (without opening anything) before the TypeScript hooks
 * are registered: once they are, every import makes round trips to the hooks thread, which took
 * these ~2x as long (~10 ms of a cold start). A failure is left for the real import to report.
 */
function importProvidersEarly(): Promise<unknown> {
  providersImported ??= Promise.all([
    import(DEFAULT_STORAGE_MODULE).catch(() => undefined),
    import('../index/sqlite-index.js').catch(() => undefined),
  ]);
  return providersImported;
}

/**
 * A project for a folder, to make current with `within`.
 *
 * @example
 * await project('./research').within(() => get('train', { seed: 1 }));
 */
export function project(directory: string, options?: ProjectOptions): Project {
  return new Project(directory, options);
}
