import type { ContextEntry } from '../context/context-stack.js';
import type { EdgeLine } from '../format/edges.js';
import type { ConfigLayers, JsonObject } from '../format/model.js';
import type { StoredRecord } from '../format/record.js';
import type { Markers, StatusMarker } from '../format/run-state.js';
import type { RunFailure, RunStatus } from '../format/run-status.js';
import type { JsonValue } from '../json/json.js';
import type { MaybePromise } from '../kernel/maybe.js';
import type { Index, IndexRow, RecordLocation } from './index.js';
import type { Storage } from './storage.js';

/**
 * What an instance backed by a record holds of it, for the store to read and fill in: the stored
 * record once there is one, else what a new record will be made of. One object per instance, so
 * the user-facing class stays a facade and the store is the one place that reads and writes
 * records.
 */
export interface RecordSlot {
  /** The stored record, once materialized (or found stored). */
  stored?: StoredRecord;
  /** The record id a new record gets (minted on first use, so `uuid` is known before materialize). */
  id?: string;
  /** The record this one is scoped under: the project root, the interface it derives from, or a run's interface. */
  parentId: string | null;
  /** Set when derived: the deriving interface's id (an `ancestor` edge is written with the record). */
  ancestorId?: string;
  /** Files saved before materialize, written with the record. */
  readonly pending: Map<string, Uint8Array>;
  /** The predicate and contexts captured when the instance was asked for. */
  predicate?: JsonObject;
  context?: readonly ContextEntry[];
}

/** What a new record is made of, as the interface layer describes its instance. */
export interface RecordDraft {
  /** The record's kind as the format writes it (`Interface`, `Execution`, `Manifest`). */
  readonly kind: string;
  readonly module: string;
  readonly identityKey: string;
  readonly predicateKey: string;
  readonly predicate: JsonObject;
  readonly context: JsonValue[];
  readonly version: JsonValue[];
  readonly config: ConfigLayers;
  /** Base modules of the instance's class, nearest first. */
  readonly inherits: readonly string[];
  /** The fields of its kind beyond the base model (an execution's seed, nickname, resources). */
  readonly extra: JsonObject;
}

/** Options of {@link RecordStore.materialize}. */
export interface MaterializeOptions {
  /**
   * Create the record with its claim (`claim.json`) held by this process, for a caller that
   * computes it here next (a `launch()` outside any execution). A record that exists already is
   * not claimed.
   */
  readonly claim?: boolean;
}

/** How `materialize()` ended: `created` here (claimed from birth when asked), or `found` stored by someone else. */
export type Materialized = 'created' | 'found';

/** The files of stored records and the small state beside them (see the store's `RecordFiles`). */
export interface StoredFiles {
  readFile(stored: StoredRecord, name: string): MaybePromise<Buffer | undefined>;
  writeFile(stored: StoredRecord, name: string, data: Uint8Array | string): MaybePromise<void>;
  appendFile(stored: StoredRecord, name: string, text: string): MaybePromise<void>;
  list(stored: StoredRecord): MaybePromise<string[]>;
  /** Bumps `updated_at` (and with `writeThrough`, the index row's). */
  touch(stored: StoredRecord, writeThrough?: boolean): MaybePromise<void>;
  /** `updated_at`, read now, in epoch nanoseconds. */
  updatedAt(stored: StoredRecord): MaybePromise<bigint | undefined>;
  isCached(location: string): MaybePromise<boolean>;
  setCached(stored: StoredRecord, value: boolean, reason?: string): MaybePromise<void>;
  /** Rewrites the label in `model.json` and the index; the record as it is now. */
  setLabel(stored: StoredRecord, label: string | null): MaybePromise<StoredRecord>;
  isHidden(recordId: string): MaybePromise<boolean>;
  setHidden(recordId: string, hidden: boolean, reason?: string): MaybePromise<void>;
}

/** A run record to compute into: `minted` when made now (`started`: born started here), else the unfinished one continued. */
export interface RunRecordMade {
  readonly stored: StoredRecord;
  readonly minted: boolean;
  readonly started: boolean;
}

/** The run records of interfaces (see the store's `RunRecords`). */
export interface RunLog {
  /** A record's status: a run record's own, else its latest run's, else from its `cached` marker. */
  statusOf(recordId: string, location: string, kind?: string): MaybePromise<RunStatus>;
  statusAt(location: string, now?: Date): MaybePromise<RunStatus>;
  markersAt(location: string): MaybePromise<Markers>;
  writeMarkers(location: string, markers: readonly StatusMarker[]): MaybePromise<void>;
  /** The newest run record of a record, hidden or not. */
  latest(recordId: string): MaybePromise<IndexRow | undefined>;
  /** Every run record of a record, oldest first. */
  all(recordId: string): MaybePromise<IndexRow[]>;
  /** A run record of `parent` for an execution (`draft`), or its unfinished latest one of the same execution identity. */
  create(parent: StoredRecord, draft: RecordDraft, options?: { readonly dispatched?: boolean; readonly resources?: JsonValue; readonly firstRun?: boolean }): MaybePromise<RunRecordMade>;
  failure(location: string): MaybePromise<RunFailure | undefined>;
  finishWithFailure(location: string, error: { readonly name: string; readonly message: string; readonly stack?: string }): MaybePromise<void>;
  markCancelled(location: string, message: string): MaybePromise<void>;
  isCancelled(location: string): MaybePromise<boolean>;
}

/** The edges between records (see the store's `Relations`). */
export interface RelationLog {
  /** Records `from uses to` in both edge logs and the index (once). */
  relate(from: StoredRecord, to: StoredRecord): MaybePromise<void>;
  /** Ids related through a relation, oldest edge first (`inverse`: those pointing at the record). */
  relatedIds(recordId: string, relation: string, inverse?: boolean): MaybePromise<string[]>;
  /** The lines of a record's edge log, each once. */
  edges(stored: StoredRecord): MaybePromise<EdgeLine[]>;
}

/** What a claim (`claim.json`) holds: the run record computing, and the process doing it. */
export interface ClaimHolder {
  readonly run: string | null;
  readonly host: string;
  readonly pid: number;
  readonly at: string;
  /** Set when the claim was handed to a scheduler's job (`'slurm'`). */
  readonly scheduler?: string;
}

/** The claims that keep one computation per run at a time (see the store's `Claims`). */
export interface ClaimLog {
  /** `claimed` when this process may compute the record at `location`, `computed` when it is (or became) computed; waits for a live holder. */
  claim(location: string, options?: { readonly pollMs?: number }): MaybePromise<'claimed' | 'computed'>;
  /** One attempt that does not wait: `claimed`, `computed`, or the live holder's claim. */
  tryClaim(location: string): MaybePromise<'claimed' | 'computed' | ClaimHolder>;
  /** Moves the claim to this process, naming the run record it is handed on with. */
  handOn(location: string, run: string, options?: { readonly scheduler?: string }): MaybePromise<void>;
  /** Takes over a handed-on claim in the process computing `run`; false when another live holder computes it. */
  takeHanded(location: string, run: string): MaybePromise<boolean>;
  release(location: string): MaybePromise<boolean>;
  releaseIf(location: string, whose: (claim: ClaimHolder) => boolean): MaybePromise<boolean>;
  claimOf(location: string): MaybePromise<ClaimHolder | undefined>;
}

/**
 * The record store as the layers above it see it: records of one storage and its index, read and
 * written only through the storage and index contracts. Every answer may be a promise (see
 * `MaybePromise`): it is one only when an adapter answered with one.
 */
export interface RecordStore {
  readonly storage: Storage;
  readonly index: Index;
  /** The project root's row: top-level records are scoped under it. */
  readonly root: IndexRow;
  readonly files: StoredFiles;
  readonly runs: RunLog;
  readonly relations: RelationLog;
  readonly claims: ClaimLog;

  /** The stored record holding a slot's dedup key (for a derived one, also where the reference puts it), if any. */
  lookup(slot: RecordSlot, identityKey: string, predicateKey: string): MaybePromise<StoredRecord | undefined>;
  /** The record a row points to; undefined (and the row dropped) when its directory is gone. */
  readRow(row: RecordLocation): MaybePromise<StoredRecord | undefined>;
  /** The record at a location of this or any store (a `RecordNotFoundError` without a sentinel). */
  readAt(location: string): MaybePromise<StoredRecord>;
  /** The stored record with this id, through the index. */
  byId(recordId: string): MaybePromise<StoredRecord | undefined>;
  /** Writes a new record for `slot` (once), or finds the one another process stored first; `slot.stored` is set either way. */
  materialize(slot: RecordSlot, draft: RecordDraft, options?: MaterializeOptions): MaybePromise<Materialized>;
  /** Where records under `parentId` go. */
  parentLocation(parentId: string | null): MaybePromise<string | undefined>;
}
