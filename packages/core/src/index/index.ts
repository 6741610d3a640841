import type { RecordId, RecordModel } from '../record/record.js';

/** Injection token of the `Index` provider (tsyringe). */
export const INDEX = Symbol.for('machinable.Index');

/** The triple that makes a record unique: asking for it again finds the same record. */
export interface DedupKey {
  readonly parent: string | null;
  readonly identityKey: string;
  readonly predicateKey: string;
}

/** One indexed record. The index is a cache: everything here is rebuildable from storage. */
export interface IndexEntry extends DedupKey {
  readonly uuid: string;
  readonly kind: string;
  readonly module: string;
  /** The version as given, as JSON text. */
  readonly version: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
}

/**
 * One relation between two records, as the index keeps it: `from` has an edge `relation` to `to`
 * in its relation log (`related/metadata.jsonl`). `a.use(b)` stores two: `(a, 'uses', b)` and
 * `(b, 'used_by', a)`.
 */
export interface RelationEntry {
  readonly from: string;
  readonly relation: string;
  readonly to: string;
  /** ISO-8601 time the edge was written. */
  readonly createdAt: string;
}

/** Result of `claim()`: the entry that holds the key, and whether this call created it. */
export interface Claim {
  readonly entry: IndexEntry;
  readonly created: boolean;
}

/**
 * A queryable cache of every record in storage. The default is the SQLite index
 * (`.machinable.sqlite` in the project). It must serialise `claim()` across processes.
 */
export interface Index {
  /** The entry holding a dedup key, if any. */
  find(key: DedupKey): IndexEntry | undefined;

  findByUuid(uuid: string): IndexEntry | undefined;

  /** Entries of a module, oldest first; optionally only those with an identity key. */
  findByModule(module: string, identityKey?: string): IndexEntry[];

  /** Entries whose parent is `parent` (records derived from it), oldest first. */
  findByParent(parent: string): IndexEntry[];

  /**
   * Records relations in one transaction; an edge already held (same from, relation, to) is kept
   * as is. Returns how many were new.
   */
  relate(relations: Iterable<RelationEntry>): number;

  /** Relations from `uuid`, oldest first; optionally only those named `relation`. */
  related(uuid: string, relation?: string): RelationEntry[];

  /**
   * Atomically: if an entry holds `entry`'s dedup key, return it; otherwise run `create()` (which
   * writes the record to storage) and insert `entry`. Two processes claiming one key at the same
   * moment end with one entry; the loser gets the winner's.
   */
  claim(entry: IndexEntry, create: () => void): Claim;

  /** Inserts or replaces entries, in one transaction. */
  upsert(entries: Iterable<IndexEntry>): number;

  /** Drops a record's entry and the relations from it (its edge log's). */
  remove(uuid: string): void;

  /** Drops every entry and relation. */
  clear(): void;

  /**
   * Optional: empties the index and runs `fill`, which adds every entry again (with `upsert`,
   * `relate`, and `remove` of one it added), in a bulk mode of the index's choosing; the SQLite
   * index builds its secondary indexes once at the end. `reindex()` uses it when present, else
   * `clear()` followed by `fill`.
   */
  rebuild?<T>(fill: () => T): T;

  close(): void;
}

/** The index entry of a stored record. */
export function entryOf(id: RecordId, model: RecordModel, createdAt: string): IndexEntry {
  return {
    uuid: id.uuid,
    kind: id.kind,
    module: model.module,
    parent: id.parent,
    identityKey: id.identity_key,
    predicateKey: id.predicate_key,
    version: JSON.stringify(model.version),
    createdAt,
  };
}
