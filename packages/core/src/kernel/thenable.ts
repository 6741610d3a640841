/**
 * True for something to wait for: an object or function with a `then` method. A hook or `run()`
 * that returned one is awaited, one that returned nothing is not (`const r = hook(); if
 * (isThenable(r)) await r;`): awaiting `undefined` would still make a promise, and every promise
 * runs the async hooks Node installs for AsyncLocalStorage, which a launch of a trivial run would
 * pay for dozens of times. `claim()` refuses a `create()` that returned one.
 *
 * @example
 * const before = item.onBeforeLaunch();
 * if (isThenable(before)) await before;
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
