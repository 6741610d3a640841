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
let makeDefault: (() => Promise<Dispatcher<unknown>>) | undefined;

/** The execution made current by the innermost `within`, if any. */
export function currentExecution<I>(): Dispatcher<I> | undefined {
  return slot.current() as Dispatcher<I> | undefined;
}

export function withinExecution<R>(execution: Dispatcher<unknown>, fn: () => R | PromiseLike<R>): Promise<R> {
  return slot.within(execution, fn);
}

/** Set by the execution module: how a launch outside any `within` gets its execution. */
export function setDefaultExecution(factory: () => Promise<Dispatcher<unknown>>): void {
  makeDefault = factory;
}

export function defaultExecution<I>(): Promise<Dispatcher<I>> {
  if (!makeDefault) throw new Error('no default execution registered; import @machinable/core, not its internals');
  return makeDefault() as Promise<Dispatcher<I>>;
}
