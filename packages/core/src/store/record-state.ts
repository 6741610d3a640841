import { MachinableError } from '../kernel/errors.js';
import type { JsonObject } from '../format/model.js';
import type { Interface } from '../interface/interface.js';
import type { StoredRecord } from '../format/record.js';
import type { ContextEntry } from '../context/context-stack.js';
import type { Records } from './records.js';

/**
 * The slot of an interface that the records layer owns: which repository it belongs to, the
 * stored record once there is one, and what a new record will be made of. One slot, so that the
 * interface stays a facade and `Records` is the one place that reads and writes records.
 */
export const RECORD = Symbol('machinable.record');

/** What `RECORD` holds. */
export interface RecordState {
  records?: Records;
  /** The stored record, once materialized (or found stored). */
  stored?: StoredRecord;
  /** The record id a new record gets (minted on first use, so `uuid` is known before materialize). */
  id?: string;
  /** The record this one is scoped under: the project root, or the interface it is derived from. */
  parentId: string | null;
  /** Set when derived: the deriving interface's id (an `ancestor` edge is written with the record). */
  ancestorId?: string;
  /** Files saved before materialize, written with the record. */
  readonly pending: Map<string, Uint8Array>;
  /** The predicate and contexts captured when the interface was asked for. */
  predicate?: JsonObject;
  context?: readonly ContextEntry[];
  /**
   * True from the moment `materialize()` created the record in this process until it is first
   * dispatched: nobody here has computed it, so dispatch need not look for its `cached` marker
   * before claiming it (the claim looks, and so finds another process that computed it meanwhile).
   */
  fresh?: boolean;
  /**
   * True while this process holds the record's claim (`claim.json`) since creating it: a
   * `launch()` outside any execution creates the record claimed, as it computes it here next. The
   * computation takes the claim over (see `underClaim`); a launch that does not get that far gives
   * it back.
   */
  claimedAtCreation?: boolean;
}

/** A fresh state. */
export function newRecordState(): RecordState {
  return { parentId: null, pending: new Map() };
}

/** The stored record of an interface; an error naming what to do when it is not materialized. */
export function storedOf(instance: Interface<object>): StoredRecord {
  const { stored } = instance[RECORD];
  if (!stored) {
    throw new MachinableError(`${instance.module} is not materialized yet; call await materialize() (or launch()) first`);
  }
  return stored;
}

/**
 * Whether the record was created by `materialize()` in this process and not dispatched since;
 * true once (see {@link RecordState.fresh}).
 */
export function takeFresh(instance: Interface<object>): boolean {
  const state = instance[RECORD];
  const fresh = state.fresh === true;
  state.fresh = false;
  return fresh;
}

/** Whether this process holds the record's claim since creating it; true once (see {@link RecordState.claimedAtCreation}). */
export function takeClaimAtCreation(instance: Interface<object>): boolean {
  const state = instance[RECORD];
  const claimed = state.claimedAtCreation === true;
  state.claimedAtCreation = false;
  return claimed;
}
