import { requireDependency } from '../kernel/require-dependency.js';
import type { DependencyContainer } from 'tsyringe';
import type { Index } from '../ports/index.js';
import type { Project } from '../project/project.js';
import type { Storage } from '../ports/storage.js';

type Tsyringe = typeof import('tsyringe');

// tsyringe is loaded on first use (it is ~25 ms of a cold start): by `inject`/`injectable`, by
// anything touching `container`, or by a module class whose constructor takes parameters.
requireDependency('reflect-metadata'); // tsyringe checks for it when loaded
let tsyringeModule: Tsyringe | undefined;
let tsyringePath: string | null | undefined;
let machinableContainer: DependencyContainer | undefined;

function tsyringe(): Tsyringe {
  tsyringeModule ??= requireDependency('tsyringe') as Tsyringe;
  return tsyringeModule;
}

/**
 * True once tsyringe is loaded, by machinable or by the application itself (the same copy: a
 * registration in tsyringe's root container reaches machinable's container). Until then nothing
 * can be registered or decorated for injection.
 */
export function injectionInUse(): boolean {
  if (tsyringeModule) return true;
  if (tsyringePath === undefined) {
    try {
      tsyringePath = requireDependency.resolve('tsyringe');
    } catch {
      tsyringePath = null;
    }
  }
  return tsyringePath !== null && requireDependency.cache[tsyringePath] !== undefined;
}

function machinable(): DependencyContainer {
  machinableContainer ??= tsyringe().container.createChildContainer();
  return machinableContainer;
}

/**
 * machinable's DI container (a tsyringe child container, so registrations stay out of the
 * application's root container). Modules are resolved through it, so an interface's constructor
 * may `@inject()` providers. Made on first use.
 */
export const container: DependencyContainer = new Proxy({} as DependencyContainer, {
  get(_, key) {
    const real = machinable();
    const value: unknown = Reflect.get(real, key, real);
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
  },
});

/** tsyringe's `injectable()` (a class whose constructor parameters are injected); loads tsyringe. */
export const injectable = ((...args: unknown[]) =>
  (tsyringe().injectable as (...a: unknown[]) => unknown)(...args)) as Tsyringe['injectable'];

/** tsyringe's `inject(token)` (a constructor parameter to inject); loads tsyringe. */
export const inject = ((...args: unknown[]) => (tsyringe().inject as (...a: unknown[]) => unknown)(...args)) as Tsyringe['inject'];

/** Builds a provider for a project; may be async (e.g. to connect). */
export type ProviderFactory<T> = (project: Project) => T | Promise<T>;

/** Injection token of the current `Project` in a project's container. */
export const PROJECT = Symbol.for('machinable.Project');

/** Injection token of the storage factory registered with `registerStorage()`. */
export const STORAGE_FACTORY = Symbol.for('machinable.StorageFactory');
/** Injection token of the index factory registered with `registerIndex()`. */
export const INDEX_FACTORY = Symbol.for('machinable.IndexFactory');

/**
 * Plugs in a storage adapter for projects opened from now on (projects already open keep theirs).
 *
 * @example
 * registerStorage((project) => new MyStorage({ root: `${project.directory}/runs` }));
 */
export function registerStorage(factory: ProviderFactory<Storage>): void {
  container.register(STORAGE_FACTORY, { useValue: factory });
}

/**
 * Plugs in an index adapter for projects opened from now on.
 *
 * @example
 * registerIndex(() => new MyIndex());
 */
export function registerIndex(factory: ProviderFactory<Index>): void {
  container.register(INDEX_FACTORY, { useValue: factory });
}

/** The registered factory for a token, if any. */
export function registeredFactory<T>(token: symbol): ProviderFactory<T> | undefined {
  if (!machinableContainer && !injectionInUse()) return undefined; // nothing can be registered yet
  return container.isRegistered(token, true) ? container.resolve<ProviderFactory<T>>(token) : undefined;
}

/** Forgets every registration (tests, and applications that switch adapters). */
export function resetProviders(): void {
  if (machinableContainer) machinableContainer.reset();
}
