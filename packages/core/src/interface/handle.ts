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
}

/** The property an interface keeps its handle under. */
export const HANDLE = Symbol('machinable.handle');

/** A new handle: no session, nothing stored. */
export function newHandle(): Handle {
  return { slot: newSlot() };
}
