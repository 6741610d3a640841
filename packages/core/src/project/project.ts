import { join, resolve } from 'node:path';
import type { InjectionToken } from 'tsyringe';
import type { VersionSpec } from '../config/version.js';
import { dispatchStored, type DispatchOptions } from '../execution/dispatch.js';
import { Execution } from '../execution/execution.js';
import { Multiprocess } from '../execution/multiprocess.js';
import { FindQuery } from '../find/find.js';
import { GetQuery } from '../find/get-query.js';
import { ambientSource, setDefaultSource, withinSource } from '../interface/ambient.js';
import { configClassOf, type Element, type ElementClass } from '../interface/element.js';
import { EXECUTION_MODULE } from '../interface/hydrator.js';
import type { Interface } from '../interface/interface.js';
import type { SessionSource, Target } from '../interface/session.js';
import { ModuleNotFoundError, RecordNotFoundError } from '../kernel/errors.js';
import { INDEX, type FindRequest } from '../ports/index.js';
import type { ModuleSource } from '../ports/module-source.js';
import { STORAGE } from '../ports/storage.js';
import { Manifest } from '../provenance/manifest.js';
import { projectRootRow } from '../store/project-root.js';
import { RecordStore } from '../store/record-store.js';
import { ProjectContainer } from './container.js';
import { ModuleLoader } from './module-loader.js';
import { PluginRegistry, type ContextModule } from './plugins.js';
import { loadPlugin, loadProjectConfig, type ProjectConfig } from './project-config.js';
import { ProjectSession } from './project-session.js';
import { DEFAULT_STORAGE_MODULE, openIndex, openStorage } from './providers.js';

/** Name of the SQLite index file in a project folder. */
export const INDEX_FILE = '.machinable.sqlite';

/** Injection token of the `Project` in its container. */
export const PROJECT = Symbol.for('machinable.Project');

export interface ProjectOptions {
  /** Where records are stored; default `<project>/storage` (or `$MACHINABLE_STORAGE`). */
  readonly storage?: string;
  /**
   * The SQLite index file (or `$MACHINABLE_INDEX`); default `<project>/.machinable.sqlite`, or
   * inside the storage root when a storage is given, so a storage and its index travel together.
   */
  readonly index?: string;
  /**
   * Declared in code, added to what `machinable.config.ts` declares (plugins and providers after
   * the file's; a storage or index here wins). Only this process sees it: a pool's children and
   * cluster jobs read the file alone.
   */
  readonly config?: ProjectConfig;
}

/** The modules machinable itself provides, and the contexts the command line opens them as. */
function builtins(registry: PluginRegistry): void {
  registry.registerModule(EXECUTION_MODULE, Execution as unknown as ElementClass, { context: 'execution', description: 'launches compute in this process (the default)' });
  registry.registerModule(Multiprocess.module, Multiprocess as unknown as ElementClass, { context: 'multiprocess', description: 'processes=N: launches run in a pool of N child processes' });
  registry.registerModule(Manifest.module, Manifest as unknown as ElementClass);
}

const defaults = new Map<string, Project>();

/**
 * A folder of modules and the store its runs go to: the composition root. It alone reads the
 * environment (`MACHINABLE_STORAGE`, `MACHINABLE_INDEX`) and the project's declaration
 * (`machinable.config.ts`: plugins, providers, storage and index adapters), and wires the rest once
 * per project: the module loader, one DI container, the storage and index, the record store, the
 * hydrator and the launcher (`session()`). Every top-level record is scoped under its root record.
 *
 * @example
 * const research = project('/path/to/research');
 * await (await research.get('train', { seed: 1 })).launch();
 * await research.within(async () => (await get('train', { seed: 1 })).launch()); // the same, as the current project
 */
export class Project implements SessionSource, ModuleSource<ElementClass> {
  readonly directory: string;
  readonly storageRoot: string;
  readonly indexPath: string;
  readonly loader: ModuleLoader;
  private readonly options: ProjectOptions;
  private readonly views = new Map<string, Project>();
  #opening?: Promise<ProjectSession>;
  #registry?: Promise<PluginRegistry>;

  constructor(directory: string, options: ProjectOptions = {}, loader?: ModuleLoader) {
    this.directory = resolve(directory);
    const storage = options.storage ?? process.env['MACHINABLE_STORAGE'];
    this.storageRoot = resolve(this.directory, storage ?? 'storage');
    const index = options.index ?? process.env['MACHINABLE_INDEX'];
    this.indexPath = index ? resolve(this.directory, index) : join(storage ? this.storageRoot : this.directory, INDEX_FILE);
    this.loader = loader ?? new ModuleLoader(this.directory, importProvidersEarly);
    this.options = options;
  }

  /** The project made current by the innermost `within`, else the one for `process.cwd()`. */
  static current(): Project {
    const current = ambientSource();
    return current instanceof Project ? current : Project.forDirectory(process.cwd());
  }

  /** The default project of a folder (one per folder and process). */
  static forDirectory(directory: string): Project {
    let found = defaults.get(directory);
    if (!found) defaults.set(directory, (found = new Project(directory)));
    return found;
  }

  /** This project with its records in another storage (and that storage's own index); modules are shared. */
  withStorage(root: string): Project {
    const path = resolve(this.directory, root);
    let view = this.views.get(path);
    if (!view) this.views.set(path, (view = new Project(this.directory, { ...this.options, storage: path, index: undefined }, this.loader)));
    return view;
  }

  /** Runs `fn` with this project current. */
  within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    return withinSource(this, fn);
  }

  /** The project's session, opened on first use: its store, hydrator and launcher, wired. */
  session(): Promise<ProjectSession> {
    this.#opening ??= this.open();
    return this.#opening;
  }

  /** The stored record with the same module, config and predicate, or a fresh one (see `get()`). */
  get<T extends Element<object> = Interface>(target: Target<T>, version?: VersionSpec): GetQuery<T> {
    return new GetQuery(target, version, () => this.session());
  }

  /** A stored interface by record id. */
  async byId<T extends Interface<object> = Interface>(id: string): Promise<T> {
    const session = await this.session();
    const found = await session.instances.byId<T>(id);
    if (!found) throw new RecordNotFoundError(`no record '${id}' in the index of ${session.store.storage.root}; check the id with \`machinable ls\`, or run \`machinable reindex\``);
    return found;
  }

  /** A find over this project's index (see `find()`). */
  find(request: FindRequest = {}): FindQuery {
    const configOf = (module: string) => this.load(module).then(configClassOf, (error: unknown) => {
      // Records of a module this project has no file for (written elsewhere) are found unchecked.
      if (error instanceof ModuleNotFoundError) return undefined;
      throw error;
    });
    return new FindQuery(request, { session: () => this.session(), configOf });
  }

  /** Computes a stored record in this process (see `dispatch()`). */
  async dispatch(target: string, options: DispatchOptions = {}): Promise<Interface> {
    return dispatchStored((await this.session()).launcher, target, options);
  }

  /** The executions the command line can open as contexts, by name (`execution`, `multiprocess`, a plugin's `slurm`). */
  async contexts(): Promise<ReadonlyMap<string, ContextModule>> {
    return (await this.registry()).contexts;
  }

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

  moduleOf(cls: ElementClass): string {
    return this.loader.moduleOf(cls);
  }

  /** Closes the index (and lets a later call reopen it). */
  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    if (opening) await (await opening.catch(() => undefined))?.store.index.close();
  }

  /** What the project's declaration and plugins registered (read once). */
  private registry(): Promise<PluginRegistry> {
    this.#registry ??= (async () => {
      const registry = new PluginRegistry(this.directory);
      builtins(registry);
      const file = await loadProjectConfig(this.directory);
      for (const config of [file, this.options.config ?? {}]) {
        for (const declared of config.plugins ?? []) await (await loadPlugin(this.directory, declared)).setup(registry);
        for (const provider of config.providers ?? []) registry.provide(provider);
        if (config.storage) registry.useStorage(config.storage);
        if (config.index) registry.useIndex(config.index);
      }
      for (const [module, cls] of registry.modules) this.loader.register(module, cls);
      return registry;
    })();
    return this.#registry;
  }

  private async open(): Promise<ProjectSession> {
    const registry = await this.registry();
    const info = { directory: this.directory, storageRoot: this.storageRoot, indexPath: this.indexPath };
    const storage = await openStorage(info, registry.storageFactory);
    const index = await openIndex(info, registry.indexFactory, storage);
    const store = new RecordStore({ storage, index, root: projectRootRow(this.directory), schedulers: registry });
    const values = (): ReadonlyMap<InjectionToken<unknown>, unknown> =>
      new Map<InjectionToken<unknown>, unknown>([
        [STORAGE, storage],
        [INDEX, index],
        [PROJECT, this],
      ]);
    const container = new ProjectContainer(registry.providers, values);
    return new ProjectSession({ store, schedulers: registry, modules: this, instantiate: (cls) => container.instantiate(cls), project: info });
  }
}

// The working directory's project is the one an interface made with `new` joins outside any `within`.
setDefaultSource(() => Project.forDirectory(process.cwd()));

let providersImported: Promise<unknown> | undefined;

/**
 * Imports the default providers' modules (without opening anything) before the TypeScript hooks
 * are registered: once they are, every import makes round trips to the hooks thread, which took
 * these ~2x as long (~10 ms of a cold start). A failure is left for the real import to report.
 */
function importProvidersEarly(): Promise<unknown> {
  providersImported ??= Promise.all([import(DEFAULT_STORAGE_MODULE).catch(() => undefined), import('../index/sqlite-index.js').catch(() => undefined)]);
  return providersImported;
}

/**
 * A project for a folder, to use explicitly (`project(dir).get(...)`) or to make current with `within`.
 *
 * @example
 * await project('./research').within(() => get('train', { seed: 1 }));
 */
export function project(directory: string, options?: ProjectOptions): Project {
  return new Project(directory, options);
}
