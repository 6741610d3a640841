import type { MaybePromise } from './maybe.js';
/** TEMPORARY bridge while the store moves to the async-capable contracts: the answer of a synchronous adapter. */
export function syncNow<T>(value: MaybePromise<T>): T {
  return value as T;
}
