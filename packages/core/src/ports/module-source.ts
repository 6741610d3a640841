import type { ElementClass } from '../interface/element.js';

/**
 * Where the records layer gets classes and instances from: the project's module loader and DI
 * container. Kept as an interface so records never import the project (no cycle).
 */
export interface ModuleSource {
  /** The class of a module (`train`, `machinable.execution`); throws `ModuleNotFoundError`. */
  load(module: string): Promise<ElementClass>;
  /** The class of a module if it is loaded already (or built in), without importing anything. */
  loaded(module: string): ElementClass | undefined;
  /** The module name of a class (the one it was loaded or registered under). */
  moduleOf(cls: ElementClass): string;
  /** Registers a class under a module name (classes passed to `get()` directly). */
  register(module: string, cls: ElementClass): void;
  /** A new instance of a class, resolved through the project's container; at once when it needs no container. */
  newInstance<T>(cls: new () => T): T | Promise<T>;
}
