import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { MachinableError } from '../kernel/errors.js';
import { requireDependency } from '../kernel/require-dependency.js';

type Tsyringe = typeof import('tsyringe');

// tsyringe is loaded on first use (it is ~25 ms of a cold start): by `inject`/`injectable`, by a
// project that declares providers, or by a module class whose constructor takes parameters.
requireDependency('reflect-metadata'); // tsyringe checks for it when loaded
let tsyringeModule: Tsyringe | undefined;
let tsyringePath: string | null | undefined;

function tsyringe(): Tsyringe {
  tsyringeModule ??= requireDependency('tsyringe') as Tsyringe;
  return tsyringeModule;
}

/**
 * True once tsyringe is loaded, by machinable or by the application itself (the same copy: a
 * registration in tsyringe's root container reaches every project's container). Until then
 * nothing can be registered or decorated for injection.
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

/** tsyringe's `injectable()` (a class whose constructor parameters are injected); loads tsyringe. */
export const injectable = ((...args: unknown[]) => (tsyringe().injectable as (...a: unknown[]) => unknown)(...args)) as Tsyringe['injectable'];

/** tsyringe's `inject(token)` (a constructor parameter to inject); loads tsyringe. */
export const inject = ((...args: unknown[]) => (tsyringe().inject as (...a: unknown[]) => unknown)(...args)) as Tsyringe['inject'];

/**
 * A provider a project declares for its modules' constructors, in tsyringe's shapes: a value, a
 * class, or a factory of the project's container.
 *
 * @example
 * { provide: DATASET, useFactory: () => loadDataset('mnist') }
 */
export type Provider<T = unknown> =
  | { readonly provide: InjectionToken<T>; readonly useValue: T }
  | { readonly provide: InjectionToken<T>; readonly useClass: new (...args: never[]) => T }
  | { readonly provide: InjectionToken<T>; readonly useFactory: (container: DependencyContainer) => T };

/**
 * One project's DI container: a tsyringe child container (so the application's root
 * registrations reach it and its own stay out of the root) holding the project's declared
 * providers and its storage, index and project; every instance of a module of the project is made
 * by its `instantiate`. Made on first need: a project that declares no provider, whose modules'
 * constructors take no parameters, never loads tsyringe.
 *
 * @example
 * const container = new ProjectContainer([{ provide: 'greeting', useValue: 'hi' }], () => ({ [STORAGE]: storage }));
 * container.instantiate(Train);
 */
export class ProjectContainer {
  #container: DependencyContainer | undefined;

  constructor(
    private readonly providers: readonly Provider[],
    /** The project's own values (storage, index, project), by token, registered when the container is made. */
    private readonly values: () => ReadonlyMap<InjectionToken<unknown>, unknown>,
  ) {}

  /**
   * A new instance of a module class, resolved through the container. Until anything could use
   * injection (no provider declared, tsyringe never loaded, a constructor without parameters)
   * that is `new cls()`, made without loading tsyringe.
   */
  instantiate<T>(cls: new () => T): T {
    if (this.#container === undefined && this.providers.length === 0 && cls.length === 0 && !injectionInUse()) return new cls();
    try {
      return this.container().resolve(cls);
    } catch (error) {
      if (error instanceof MachinableError) throw error;
      throw new MachinableError(
        `cannot make ${cls.name}: ${(error as Error).message.split('\n')[0]}; declare a provider for what its constructor asks for in the project's machinable.config.ts ` +
          `(providers: [{ provide: <token>, useValue | useClass | useFactory }]) and mark the class @injectable()`,
      );
    }
  }

  /** The tsyringe container itself (made now if it was not). */
  container(): DependencyContainer {
    if (this.#container) return this.#container;
    const child = tsyringe().container.createChildContainer();
    for (const [token, value] of this.values()) child.register(token, { useValue: value });
    for (const provider of this.providers) registerProvider(child, provider);
    this.#container = child;
    return child;
  }
}

function registerProvider(container: DependencyContainer, provider: Provider): void {
  if ('useValue' in provider) container.register(provider.provide, { useValue: provider.useValue });
  else if ('useClass' in provider) container.register(provider.provide, { useClass: provider.useClass as new (...args: unknown[]) => unknown });
  else container.register(provider.provide, { useFactory: provider.useFactory });
}
