/**
 * True when a hook (or `run()`) returned something to wait for. Its callers write
 * `const r = hook(); if (isPending(r)) await r;`: awaiting a plain hook's `undefined` would still
 * make a promise, and every promise runs the async hooks Node installs for AsyncLocalStorage,
 * which a launch of a trivial run pays for dozens of times.
 *
 * @example
 * const before = item.onBeforeLaunch();
 * if (isPending(before)) await before;
 */
export function isPending(result: unknown): result is PromiseLike<unknown> {
  return typeof (result as PromiseLike<unknown> | undefined)?.then === 'function';
}
