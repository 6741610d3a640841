import type { StoredRecord } from '../format/record.js';
import { InterfaceStateError } from '../kernel/errors.js';
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

/** The session of a handle; an error naming the fix for an interface that never joined a project (made with `new`, not materialized). */
export function sessionOf(handle: Handle, module: string): Session {
  if (!handle.session) throw new InterfaceStateError(`${module} belongs to no project yet: ask for it with get(...), or materialize() it first`);
  return handle.session;
}

/** The stored record of a handle; an error naming `what` needs it and the fix when it is not materialized. */
export function storedOf(handle: Handle, module: string, what: string): StoredRecord {
  const { stored } = handle.slot;
  if (!stored) throw new InterfaceStateError(`${what} needs a stored record, but ${module} is not materialized; call await materialize() (or launch()) first`);
  return stored;
}
