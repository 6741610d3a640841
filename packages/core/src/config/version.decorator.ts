import { metadata } from './metadata.js';

/**
 * Marks an interface method as a version: `~name` or `~name(k=v, …)` calls it and merges the
 * config it returns. Keyword arguments arrive as one options object.
 *
 * @example
 * @Version() adam({ lr = 1e-3 } = {}) { return { optimizer: { name: 'adam' }, lr }; }
 */
export function Version(): MethodDecorator {
  return (prototype, key) => {
    if (typeof key !== 'string') throw new TypeError('@Version() needs a string method name');
    metadata.addVersion(prototype.constructor, key);
  };
}
