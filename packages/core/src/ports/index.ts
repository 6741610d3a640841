import type { JsonValue } from '../json/json.js';
import type { MaybePromise } from '../kernel/maybe.js';
import type { ConfigLayers, JsonObject } from '../format/model.js';

/** Injection token of the `Index` provider (tsyringe). */
export const INDEX = Symbol.for('machinable.Index');

/**
 * One row of the index: a copy of a record's `id.json` and `model.json`, where it lives, and the
 * index owner's private overlay (`hidden`, `private`). Field names are the reference's, so a row
 * serialised to JSON reads the same in either implementation.
 */
export interface IndexRow {
  readonly record_id: string;
  readonly kind: string;
  readonly module: string | null;
  readonly identity_key: string;
  readonly predicate_key: string;
  readonly predicate: JsonObject;
  readonly parent_id: string | null;
  /** The record's durable home, e.g. `file:///abs/storage/<identity>/<predicate>`. */
  readonly storage_uri: string;
  /** Its working copy (the same as `storage_uri` for local storage). */
  readonly local_uri: string | null;
  readonly storage_id: string | null;
  /** Overlay: hidden from `find()` and lookups unless asked for. Never written to the record. */
  readonly hidden: boolean;
  readonly bytes_missing: boolean;
  readonly config: ConfigLayers;
  readonly inherits: readonly string[];
  readonly context: JsonValue[];
  readonly created_at_ns: bigint;
  readonly updated_at_ns: bigint;
  readonly created_by: string | null;
  readonly label: string | null;
  readonly extra: JsonObject;
  /** Overlay: the index owner's own annotations. Never written to the record. */
  readonly private: JsonObject;
}

/** The fields of a row that `find()` returns (no config, predicate or overlay contents). */
export type IndexSummary = Pick<
  IndexRow,
  | 'record_id'
  | 'kind'
  | 'module'
  | 'identity_key'
  | 'predicate_key'
  | 'parent_id'
  | 'storage_uri'
  | 'local_uri'
  | 'storage_id'
  | 'hidden'
  | 'bytes_missing'
  | 'created_at_ns'
  | 'created_by'
  | 'label'
>;

/** What makes a record unique: asking for it again finds the same record. */
/** A record's id and where it is stored: what a lookup answers. */
export type RecordLocation = Pick<IndexRow, 'record_id' | 'storage_uri'>;

export interface DedupKey {
  readonly parent_id: string | null;
  readonly identity_key: string;
  readonly predicate_key: string;
}

/** Options of `Index.lookup`. */
export interface LookupOptions {
  /** Also look among records without a parent, after those under the key's parent. */
  readonly orWithoutParent?: boolean;
}

/** One relation row: `record_id` has the edge `relation` to `related_id` (forward orientation). */
export interface RelationRow {
  readonly relation: string;
  readonly record_id: string;
  readonly related_id: string;
  readonly priority: number;
  readonly created_at_ns: bigint;
}

/** A config layer a find request filters or sorts on. */
export type ConfigLayerName = 'default' | 'version' | 'update' | 'resolved';

/**
 * Operators of a config filter: the reference's, and `like` (a LIKE pattern with `%` and `_` as
 * wildcards and `\` escaping them; not in the reference's FindRequest). `contains` matches its
 * value as literal text.
 */
export type ConfigOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'contains' | 'like';

/** One clause over a dotted path into a config layer. */
export interface ConfigFilter {
  readonly path: string;
  readonly op?: ConfigOp;
  readonly value?: JsonValue;
}

/** Columns a find request may sort by without a config layer. */
export type SortColumn = 'created_at_ns' | 'updated_at_ns' | 'created_by' | 'label' | 'module' | 'kind';

/** One ORDER BY term: an index column, or a dotted config path when `config_layer` is set. */
export interface SortSpec {
  readonly by?: string;
  readonly config_layer?: ConfigLayerName | null;
  readonly direction?: 'asc' | 'desc';
}

/**
 * The reference's `FindRequest`, keys spelt as the reference spells them, so a request written
 * for one implementation works unchanged on the other. SQLite semantics are normative (mixed-type
 * comparison: `NULL < numbers < text`).
 */
export interface FindRequest {
  readonly module?: string | null;
  readonly kind?: string | null;
  readonly created_by?: string | null;
  readonly label?: string | null;
  readonly parent_id?: string | null;
  readonly identity_key?: string | null;
  readonly predicate_key?: string | null;
  /** Equality on dotted paths into the predicate. */
  readonly predicate?: JsonObject | null;
  readonly config?: { readonly layer?: ConfigLayerName; readonly filters?: readonly ConfigFilter[] } | null;
  /** Default: newest first (`created_at_ns` descending). */
  readonly sort?: readonly SortSpec[];
  readonly include_hidden?: boolean;
  readonly include_bytes_missing?: boolean;
  readonly record_id_suffix?: string | null;
  /** 1 to 1000; default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

/** What `find()` returns: a page of rows and how many match in all. */
export interface FindResult<T = IndexSummary> {
  readonly items: T[];
  readonly total: number;
}

/** Result of `claim()`: the row that holds the key, and whether this call created it. */
export interface Claim {
  readonly row: IndexRow;
  readonly created: boolean;
}

/** A record to ingest: its row (a pure copy of its files) and the edges of its edge log. */
export interface IngestItem {
  readonly row: IndexRow;
  readonly relations: readonly Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>[];
}

/**
 * A rebuildable catalog of the records in storage: the contract an index adapter implements. The
 * default is the SQLite index (`.machinable.sqlite`, the reference's schema and connection
 * profile, shareable with Python machinable). The records are the truth: an index can always be
 * rebuilt from them (`rebuild` + `ingest`), so losing one is a reindex, never data loss.
 *
 * Every method may answer with a promise (`MaybePromise`), so an index over a database server
 * can be written; core takes a plain answer at once. `claim()` is the one atomic point where
 * records are born: it must serialise claims of one dedup key across processes (and machines,
 * for a shared index), and it may be given a `create()` that answers with a promise (see
 * `SqliteIndex.claim` for how an index that cannot hold a transaction across it keeps the
 * guarantee).
 */
export interface Index {
  /**
   * Atomically: if a row holds `row.record_id`, return it (an `IndexCollisionError` when its keys
   * differ); else, unless `force`, if a row holds `row`'s dedup key return it; otherwise run
   * `create()` (which writes the record directory) and insert `row`. Two processes claiming one
   * key at once end with one row; the loser gets the winner's. `force` (run records) skips the
   * dedup check.
   */
  claim(row: IndexRow, create: () => MaybePromise<void>, options?: { readonly force?: boolean }): MaybePromise<Claim>;

  /** The row of a record id. */
  get(recordId: string): MaybePromise<IndexRow | undefined>;

  /**
   * Where the oldest non-hidden record holding a dedup key is: its id and location only (the
   * hot path of every `get()`; `get(record_id)` has the whole row). With `orWithoutParent`, a
   * record with the key's identity and predicate but no parent is found when none is under the
   * key's parent (where Python machinable puts a record made outside `with Project(dir)`).
   */
  lookup(key: DedupKey, options?: LookupOptions): MaybePromise<RecordLocation | undefined>;

  /** The newest row of a kind under a parent, hidden or not (a record's latest run record). */
  latest(parentId: string, kind: string): MaybePromise<IndexRow | undefined>;

  /** The reference's find algebra; throws `FindRequestError` naming a bad key, operator or layer. */
  find(request: FindRequest): MaybePromise<FindResult>;

  /** Like `find()`, with whole rows. */
  search(request: FindRequest): MaybePromise<FindResult<IndexRow>>;

  /**
   * Every row matching a request, whole, without paging (`limit`/`offset` ignored): what
   * collections and maintenance read. Validated like `find()`.
   */
  all(request: FindRequest): MaybePromise<IndexRow[]>;

  /** Record id, kind and location of every row (for reindex to find rows whose directory is gone). */
  locations(): MaybePromise<Array<Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>>>;

  /**
   * Adds or refreshes rows as a pure copy of record directories: a known record id keeps its
   * `created_at_ns` and overlay and gets the rest from the row; a record id held with other keys
   * is an `IndexCollisionError` (nothing of that item is written). Relations are added
   * idempotently (forward references are fine). Returns how many rows were new.
   */
  ingest(items: Iterable<IngestItem>): MaybePromise<number>;

  /** Adds relations; one already held (same relation, record, related) is kept. Returns how many were new. */
  relate(relations: Iterable<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>>): MaybePromise<number>;

  /**
   * Relation rows of a record: those it holds (`record_id` = it), or with `inverse` those pointing
   * at it (`related_id` = it); optionally of one relation name. Newest first.
   */
  relations(recordId: string, options?: { readonly relation?: string; readonly inverse?: boolean }): MaybePromise<RelationRow[]>;

  /** Sets the label column (the record's `model.json` is the caller's to rewrite). */
  setLabel(recordId: string, label: string | null): MaybePromise<void>;

  /** Sets `updated_at_ns` (write-through of the record's `updated_at`). */
  setUpdatedAt(recordId: string, updatedAtNs: bigint): MaybePromise<void>;

  /** Sets whether a record is hidden (overlay only: `updated_at` is not touched). */
  setHidden(recordId: string, hidden: boolean): MaybePromise<void>;

  /** Merges (or with `merge: false` replaces) the private overlay; a `null` value deletes a key. */
  setPrivate(recordId: string, value: JsonObject, options?: { readonly merge?: boolean }): MaybePromise<JsonObject>;

  /** Drops a record's row and the relations it holds. */
  remove(recordId: string): MaybePromise<void>;

  /**
   * Runs `fill` (which ingests every record again) in a bulk mode of the index's choosing; the
   * SQLite index drops its secondary indexes and builds them once at the end. Rows and overlay
   * stay: re-ingesting refreshes them.
   */
  rebuild<T>(fill: () => MaybePromise<T>): MaybePromise<T>;

  /** Closes the connection; calling it again does nothing. */
  close(): MaybePromise<void>;
}
