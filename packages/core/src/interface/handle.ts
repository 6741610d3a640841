import type { RecordSlot } from '../ports/store.js';
import { newSlot } from '../store/slot.js';
import type { Session } from './session.js';

/**
 * What an interface instance holds besides its config: the session of its project (once it joined
 * one) and its record slot. Behind this symbol, read through the functions of this layer, so that
 * the user-facing class stays a facade and only the hydrator and the launcher bind instances.
 */
export interface Handle {
  session?: Session;
  readonly slot: RecordSlot;
  /** The identity key, once computed (the config is frozen, so it never changes). */
  identityKey?: string;
  /**
   * Writes `saveFile()` started that an asynchronous storage has not answered yet (or that failed
   * while a computation runs): the computation waits for them before it counts as finished (see
   * `settleWrites`).
   */
  readonly writes: Set<Promise<void>>;
  /** True while the interface's `run()` is being computed in this process. */
  computing: boolean;
}

/** The property an interface keeps its handle under. */
export const HANDLE = Symbol('machinable.handle');

/** A new handle: no session, nothing stored. */
export function newHandle(): Handle {
  return { slot: newSlot(), writes: new Set(), computing: false };
}

/**
 * Waits for the writes `saveFile()` started on an asynchronous storage; the first that failed is
 * thrown (the run it belongs to fails, naming the file).
 */
export async function settleWrites(handle: Handle): Promise<void> {
  while (handle.writes.size > 0) {
    const pending = [...handle.writes];
    handle.writes.clear();
    const results = await Promise.allSettled(pending);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
