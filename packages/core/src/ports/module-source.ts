/**
 * Where the instance layer gets module classes from: the project's module loader, with
 * machinable's own modules and the plugins' registered. Generic in the class type, so this port
 * names nothing of the layers above it.
 */
export interface ModuleSource<C> {
  /** The class of a module (`train`, `machinable.execution`); throws `ModuleNotFoundError`. */
  load(module: string): Promise<C>;
  /** The class of a module if it is loaded already (or built in), without importing anything. */
  loaded(module: string): C | undefined;
  /** The module name of a class (the one it was loaded or registered under). */
  moduleOf(cls: C): string;
  /** Registers a class under a module name (classes passed to `get()` directly). */
  register(module: string, cls: C): void;
}

/**
 * Makes an instance of a module class: through the project's container, so a class's constructor
 * may ask for providers (`@inject(STORAGE)`). The one function every instance of a user module is
 * made by, however it is reached.
 */
export type Instantiate = <T>(cls: new () => T) => T;
