import { SynchronousAccessError } from './errors.js';
import { isThenable } from './thenable.js';

/**
 * What a contract method may return: the value, or a promise of it. The storage and index
 * contracts are written this way so that an adapter over a remote service can answer later,
 * while the filesystem storage and the SQLite index answer at once.
 */
export type MaybePromise<T> = T | PromiseLike<T>;

/**
 * The steps of an operation over the contracts: a generator that yields each contract call's
 * answer (`yield* wait(storage.readFile(…))`) and returns the result. {@link settle} runs it.
 */
export type Steps<T> = Generator<unknown, T, unknown>;

/**
 * Runs {@link Steps} synchronously for as long as every answer is at hand, and asynchronously from
 * the first promise on: with synchronous adapters an operation makes no promise at all (each one
 * would run the async hooks Node installs for AsyncLocalStorage, a measurable share of a launch),
 * with asynchronous ones it is awaited like any async function.
 *
 * @example
 * const text = settle(function* () { return (yield* wait(storage.readFile(location, 'cached'))) !== undefined; }());
 */
export function settle<T>(steps: Steps<T>): MaybePromise<T> {
  let step = steps.next();
  while (!step.done) {
    if (isThenable(step.value)) return resume(steps, step.value);
    step = steps.next(step.value);
  }
  return step.value;
}

async function resume<T>(steps: Steps<T>, pending: PromiseLike<unknown>): Promise<T> {
  let waiting: unknown = pending;
  for (;;) {
    let step: IteratorResult<unknown, T>;
    try {
      step = steps.next(await waiting);
    } catch (error) {
      step = steps.throw(error);
    }
    while (!step.done && !isThenable(step.value)) step = steps.next(step.value);
    if (step.done) return step.value;
    waiting = step.value;
  }
}

/**
 * One contract call's answer inside {@link Steps}, typed: `const bytes = yield* wait(storage.readFile(location, name))`.
 * A rejected promise throws at the `yield`, as `await` would.
 */
export function* wait<T>(value: MaybePromise<T>): Generator<unknown, T, unknown> {
  return (yield value) as T;
}

/** `fn` of a value, at once when it is at hand, else when its promise settles. */
export function whenDone<T, U>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable(value) ? Promise.resolve(value).then(fn) : fn(value);
}

/**
 * The value of an answer needed now (a synchronous convenience such as `loadFile()`); a
 * {@link SynchronousAccessError} naming `what` and its awaitable form when the adapter answered
 * with a promise.
 */
export function now<T>(value: MaybePromise<T>, what: string, awaitable: string): T {
  if (isThenable(value)) {
    // The answer is never read: keep an adapter's rejection from surfacing as an unhandled one.
    Promise.resolve(value).catch(() => undefined);
    throw new SynchronousAccessError(what, awaitable);
  }
  return value;
}
