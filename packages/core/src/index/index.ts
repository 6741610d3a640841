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

  /**
   * Atomically: if an entry holds `entry`'s dedup key, return it; otherwise run `create()` (which
   * writes the record to storage) and insert `entry`. Two processes claiming one key at the same
   * moment end with one entry; the loser gets the winner's.
   */
  claim(entry: IndexEntry, create: () => void): Claim;

  /** Inserts or replaces entries, in one transaction. */
  upsert(entries: Iterable<IndexEntry>): number;

  remove(uuid: string): void;

  /** Drops every entry. */
  clear(): void;

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
