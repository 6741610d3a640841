import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Index } from '../index/index.js';
import type { Project } from '../project/project.js';
import type { Storage } from '../storage/storage.js';

/**
 * machinable's DI container (a tsyringe child container, so registrations stay out of the
 * application's root container). Modules are resolved through it, so an interface's constructor
 * may `@inject()` providers.
 */
export const container: DependencyContainer = rootContainer.createChildContainer();

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
  return container.isRegistered(token, true) ? container.resolve<ProviderFactory<T>>(token) : undefined;
}

/** Forgets every registration (tests, and applications that switch adapters). */
export function resetProviders(): void {
  container.reset();
}
