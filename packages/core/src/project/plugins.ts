import type { ElementClass } from '../interface/element.js';
import type { MaybePromise } from '../kernel/maybe.js';
import type { Index } from '../ports/index.js';
import type { SchedulerBackend, SchedulerRegistry } from '../ports/scheduler.js';
import type { Storage } from '../ports/storage.js';
import type { Provider } from './container.js';

/** What a storage or index factory is told about the project it serves. */
export interface ProjectInfo {
  readonly directory: string;
  /** The storage root the project was given (or its default, `<project>/storage`). */
  readonly storageRoot: string;
  /** The index file the project was given (or its default, `<project>/.machinable.sqlite`). */
  readonly indexPath: string;
}

/** Makes a project's storage adapter (may connect first). */
export type StorageFactory = (project: ProjectInfo) => MaybePromise<Storage>;

/** Makes a project's index adapter (may connect first). */
export type IndexFactory = (project: ProjectInfo) => MaybePromise<Index>;

/** Options of {@link PluginContext.registerModule}. */
export interface ModuleOptions {
  /**
   * The name the command line opens this module as a context under, around the module asked for
   * (`slurm` for `machinable get slurm partition=debug train --launch`); executions only.
   */
  readonly context?: string;
  /** One line for the command line's help. */
  readonly description?: string;
}

/** What a plugin may add to a project while it is set up. */
export interface PluginContext {
  /** The project folder. */
  readonly directory: string;
  /** A module every project that uses the plugin has under this name (an execution: `machinable.slurm`). */
  registerModule(module: string, cls: ElementClass, options?: ModuleOptions): void;
  /** A scheduler backend, asked about queued jobs and asked to cancel them. */
  registerScheduler(backend: SchedulerBackend): void;
  /** A provider for the modules' constructors (see `Provider`). */
  provide(provider: Provider): void;
  /** The project's storage adapter, instead of the filesystem storage. */
  useStorage(factory: StorageFactory): void;
  /** The project's index adapter, instead of the SQLite index. */
  useIndex(factory: IndexFactory): void;
}

/**
 * A package that adds to projects: executions, a scheduler backend, providers, a storage or an
 * index. Declared by a project (`machinable.config.ts`: `plugins: ['@machinable/slurm']`), so every
 * process of the project (the CLI, a pool's child, a cluster job) sets it up the same way.
 *
 * @example
 * export default { name: 'my-scheduler', setup(context) { context.registerScheduler(backend); context.registerModule('acme.queue', Queue, { context: 'queue' }); } } satisfies MachinablePlugin;
 */
export interface MachinablePlugin {
  readonly name: string;
  setup(context: PluginContext): MaybePromise<void>;
}

/** A module registered as a command-line context. */
export interface ContextModule {
  readonly name: string;
  readonly module: string;
  readonly cls: ElementClass;
  readonly description: string;
}

/**
 * What a project's plugins (and its own declaration) registered: modules, command-line contexts,
 * scheduler backends, providers, and the storage and index factories (the last one declared wins).
 */
export class PluginRegistry implements SchedulerRegistry, PluginContext {
  readonly modules: Map<string, ElementClass> = new Map();
  readonly contexts: Map<string, ContextModule> = new Map();
  readonly providers: Provider[] = [];
  readonly #schedulers = new Map<string, SchedulerBackend>();
  storageFactory: StorageFactory | undefined;
  indexFactory: IndexFactory | undefined;

  constructor(readonly directory: string) {}

  registerModule(module: string, cls: ElementClass, options: ModuleOptions = {}): void {
    this.modules.set(module, cls);
    if (options.context) this.contexts.set(options.context, { name: options.context, module, cls, description: options.description ?? '' });
  }

  registerScheduler(backend: SchedulerBackend): void {
    this.#schedulers.set(backend.name, backend);
  }

  provide(provider: Provider): void {
    this.providers.push(provider);
  }

  useStorage(factory: StorageFactory): void {
    this.storageFactory = factory;
  }

  useIndex(factory: IndexFactory): void {
    this.indexFactory = factory;
  }

  get(name: string): SchedulerBackend | undefined {
    return this.#schedulers.get(name);
  }

  all(): readonly SchedulerBackend[] {
    return [...this.#schedulers.values()];
  }
}
