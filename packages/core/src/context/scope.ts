import { isPlainObject, type PlainObject } from '../config/plain.js';
import { deepMerge } from '../config/layers.js';
import { ContextSlot } from './context.js';

const slot = new ContextSlot<PlainObject>('scope');

/**
 * Values that tag every run created inside `within`: the same config in two scopes is two
 * records, and entering the same scope again finds its runs. Nested scopes merge, inner wins.
 *
 * @example
 * await scope({ seed: 3 }).within(async () => (await get('train')).launch());
 */
export class Scope {
  constructor(readonly values: PlainObject) {
    if (!isPlainObject(values)) throw new TypeError('scope() takes a plain object of values, e.g. scope({ seed: 3 })');
  }

  within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    return slot.within(deepMerge(currentScope(), this.values), fn);
  }
}

/** Opens a scope; see `Scope`. */
export function scope(values: PlainObject): Scope {
  return new Scope(values);
}

/** The merged values of the enclosing scopes (empty outside any). */
export function currentScope(): PlainObject {
  return slot.current() ?? {};
}
