import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Contexts replace Python's `with`: `await x.within(async () => ...)` makes `x` current for the
 * callback and everything it awaits, and only for that. Built on AsyncLocalStorage, so concurrent
 * branches (`Promise.all`) never see each other's context.
 */
export class ContextSlot<T> {
  private readonly storage = new AsyncLocalStorage<T>();

  constructor(readonly name: string) {}

  /** The value made current by the innermost enclosing `within`, if any. */
  current(): T | undefined {
    return this.storage.getStore();
  }

  /** Runs `fn` with `value` current. */
  within<R>(value: T, fn: () => R | PromiseLike<R>): Promise<R> {
    // Awaited inside run(): a lazy thenable (such as get()'s query) must start in the context too.
    return this.storage.run(value, async () => await fn());
  }
}
