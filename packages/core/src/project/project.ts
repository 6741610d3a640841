import { join, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { ContextSlot } from '../context/context.js';
import type { Index } from '../ports/index.js';
import type { ElementClass } from '../interface/element.js';
import { Execution } from '../execution/execution.js';
import { Multiprocess } from '../execution/multiprocess.js';
import { Slurm } from '../slurm/slurm.js';
import { Manifest } from '../provenance/manifest.js';
import { projectRootRow } from '../store/project-root.js';
import { Records } from '../store/records.js';
import type { ModuleSource } from '../ports/module-source.js';
import type { Storage } from '../ports/storage.js';
import { ModuleLoader } from './module-loader.js';
import { DEFAULT_STORAGE_MODULE, Providers } from './providers.js';

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
 * A folder of modules and the store its runs go to: the composition root that wires the module
 * loader, the storage and index providers and the records repository together. Every top-level
 * record of the project is scoped under its root record (see `projectRootRow`).
 *
 * @example
 * await project('/path/to/research').within(async () => (await get('train', { seed: 1 })).launch());
 */
export class Project implements ModuleSource {
  readonly directory: string;
  readonly storageRoot: string;
  readonly indexPath: string;
  readonly loader: ModuleLoader;
  private readonly providers: Providers;
  private readonly views = new Map<string, Project>();
  private recordsPromise?: Promise<Records>;

  constructor(directory: string, options: ProjectOptions = {}, loader?: ModuleLoader) {
    this.directory = resolve(directory);
    const storage = options.storage ?? process.env['MACHINABLE_STORAGE'];
    this.storageRoot = resolve(this.directory, storage ?? 'storage');
    const index = options.index ?? process.env['MACHINABLE_INDEX'];
    this.indexPath = index ? resolve(this.directory, index) : join(storage ? this.storageRoot : this.directory, INDEX_FILE);
    this.loader = loader ?? builtinLoader(this.directory);
    this.providers = new Providers(this);
  }

  /**
   * This project with its records in another storage (and that storage's own index); modules are
   * shared. What `storage(root).within(...)` makes current.
   */
  withStorage(root: string): Project {
    const path = resolve(this.directory, root);
    let view = this.views.get(path);
    if (!view) this.views.set(path, (view = new Project(this.directory, { storage: path }, this.loader)));
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

  /** The records repository of this project's store. */
  records(): Promise<Records> {
    this.recordsPromise ??= (async () => {
      const [storage, index] = await Promise.all([this.storage(), this.index()]);
      return new Records({
        storage,
        index,
        modules: this,
        project: { directory: this.directory, storageRoot: this.storageRoot, indexPath: this.indexPath },
        root: projectRootRow(this.directory),
        defaultExecution: () => new Execution(),
      });
    })();
    return this.recordsPromise;
  }

  /** Imports a module and returns its interface class (see `ModuleLoader`). */
  load(module: string): Promise<ElementClass> {
    return this.loader.load(module);
  }

  loaded(module: string): ElementClass | undefined {
    return this.loader.loaded(module);
  }

  /** Registers a class under a module name (done for every loaded module; use it for classes defined inline). */
  register(module: string, cls: ElementClass): void {
    this.loader.register(module, cls);
  }

  /** The module name of a class: the one it was loaded or registered under, else its static `module`, else its name. */
  moduleOf(cls: ElementClass): string {
    return this.loader.moduleOf(cls);
  }

  /** The storage provider: the registered adapter, else the filesystem storage under `storageRoot`. */
  storage(): Promise<Storage> {
    return this.providers.storage();
  }

  /** The index provider: the registered adapter, else SQLite in `.machinable.sqlite`, rebuilt if it was new. */
  index(): Promise<Index> {
    return this.providers.index();
  }

  /** The project's DI container (see `Providers.container`). */
  container(): Promise<DependencyContainer> {
    return this.providers.container();
  }

  /** A new instance of a module class, as the project's container resolves it; at once when the class needs no container. */
  newInstance<T>(cls: new () => T): T | Promise<T> {
    return this.providers.instantiate(cls);
  }

  /** Closes the index (and lets a later call reopen it). */
  async close(): Promise<void> {
    this.recordsPromise = undefined;
    await this.providers.close();
  }
}

/** A module loader with machinable's own modules registered: the executions and the manifest. */
function builtinLoader(directory: string): ModuleLoader {
  const loader = new ModuleLoader(directory, importProvidersEarly);
  loader.register(Execution.module, Execution);
  loader.register(Multiprocess.module, Multiprocess);
  loader.register(Slurm.module, Slurm);
  loader.register(Manifest.module, Manifest);
  return loader;
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
