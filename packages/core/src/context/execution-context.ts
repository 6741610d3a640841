import { ContextSlot } from './context.js';

/**
 * What `Interface.launch()` needs of an execution, kept apart from the `Execution` class so the
 * interface module does not import its own subclass (no cycle).
 */
export interface Dispatcher<I> {
  /** Collects an interface launched inside `within`; it is dispatched when the block ends. */
  queue(item: I): void;
  /** Runs interfaces now (skipping computed ones); rejects with the first failure. */
  dispatch(items: I[]): Promise<void>;
}

const slot = new ContextSlot<Dispatcher<unknown>>('execution');

/** The execution made current by the innermost `within`, if any. */
export function currentExecution<I>(): Dispatcher<I> | undefined {
  return slot.current() as Dispatcher<I> | undefined;
}

/** Runs `fn` with `execution` current. */
export function withinExecution<R>(execution: Dispatcher<unknown>, fn: () => R | PromiseLike<R>): Promise<R> {
  return slot.within(execution, fn);
}
