import { isPlainObject, type PlainObject } from '../config/plain.js';
import type { JsonValue } from '../json/json.js';
import { ContextSlot } from './context.js';
import { withinContext } from './context-stack.js';

const slot = new ContextSlot<PlainObject>('scope');

/**
 * Values that tag every run created inside `within`: they join the run's predicate, so the same
 * config in two scopes is two records, and entering the same scope again finds its runs. Nested
 * scopes add their values, an inner scope's value for a key replacing an outer one's (the
 * reference updates the predicate scope by scope).
 *
 * @example
 * await scope({ seed: 3 }).within(async () => (await get('train')).launch());
 */
export class Scope {
  /** Module name the scope is recorded under in a record's `context`. */
  static readonly module = 'machinable.scope';

  constructor(readonly values: PlainObject) {
    if (!isPlainObject(values)) throw new TypeError('scope() takes a plain object of values, e.g. scope({ seed: 3 })');
  }

  within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    return slot.within({ ...currentScope(), ...this.values }, () =>
      withinContext([Scope.module, [this.values as JsonValue]], fn),
    );
  }
}

/** Opens a scope; see `Scope`. */
export function scope(values: PlainObject): Scope {
  return new Scope(values);
}

/** The values of the enclosing scopes (empty outside any). */
export function currentScope(): PlainObject {
  return slot.current() ?? {};
}
