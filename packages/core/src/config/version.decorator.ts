import { metadata } from './metadata.js';

/** Options of `@Version()`. */
export interface VersionOptions {
  /**
   * The keyword arguments the version takes (`~adam(lr=3e-4)` passes `lr`). Without it they are
   * read from the method's parameter, when that is an object pattern (`adam({ lr = 1e-3 } = {})`);
   * a keyword the version does not take is a `ConfigurationError`, never silently ignored.
   */
  readonly keywords?: readonly string[];
}

/**
 * Marks an interface method as a version: `~name` or `~name(k=v, …)` calls it and merges the
 * config it returns. Keyword arguments arrive as one options object.
 *
 * @example
 * @Version() adam({ lr = 1e-3 } = {}) { return { optimizer: { name: 'adam' }, lr }; }
 */
export function Version(options: VersionOptions = {}): MethodDecorator {
  return (prototype, key) => {
    if (typeof key !== 'string') throw new TypeError('@Version() needs a string method name');
    metadata.addVersion(prototype.constructor, key, options);
  };
}
