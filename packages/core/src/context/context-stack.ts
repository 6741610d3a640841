import type { JsonValue } from '../json/json.js';
import { ContextSlot } from './context.js';

/** One entered context as a record remembers it: `[module, version]`, e.g. `['machinable.scope', [{ seed: 3 }]]`. */
export type ContextEntry = readonly [module: string, version: JsonValue[]];

const slot = new ContextSlot<readonly ContextEntry[]>('contexts');

/** The contexts (scopes, executions) enclosing the caller, outermost first. */
export function contextStack(): readonly ContextEntry[] {
  return slot.current() ?? [];
}

/** Runs `fn` with `entry` pushed onto the context stack. */
export function withinContext<R>(entry: ContextEntry, fn: () => R | PromiseLike<R>): Promise<R> {
  return slot.within([...contextStack(), entry], fn);
}
