import { metadata } from './metadata.js';

/**
 * Marks an interface method as a config method: a config value `"name(args)"` is replaced by
 * what the method returns. Inside it, `this.config` reads the other (resolved) config values.
 *
 * @example
 * @ConfigMethod() scaledLr(factor: number) { return this.config.lr * factor; }
 */
export function ConfigMethod(): MethodDecorator {
  return (prototype, key) => {
    if (typeof key !== 'string') throw new TypeError('@ConfigMethod() needs a string method name');
    metadata.addConfigMethod(prototype.constructor, key);
  };
}
