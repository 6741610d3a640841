import type Database from 'better-sqlite3';
import { indexAccessError } from './sqlite-errors.js';

import type { MaybePromise } from '../kernel/maybe.js';
import type { JsonObject } from '../format/model.js';
import { isPlainObject } from '../config/plain.js';
import { canonicalJson } from '../json/canonical-json.js';
import { isThenable } from '../kernel/thenable.js';
import type { Claim, DedupKey, FindRequest, LookupOptions, FindResult, Index, IndexRow, IndexSummary, IngestItem, RecordLocation, RelationRow } from '../ports/index.js';
import { parseObject, toRow, toSummary, type SqlRow, type SqlSummary } from './sqlite-rows.js';
import { SUMMARY_COLUMNS, type Statements } from './sqlite-statements.js';
import { ASYNC_CREATE, type Transactions } from './sqlite-transactions.js';
import { SqliteFinder } from './sqlite-finder.js';
import { IndexFile } from './sqlite-file.js';
import { describesStore, markStore } from './sqlite-location.js';
import { DEFAULT_BUSY_TIMEOUT_MS, SECONDARY_INDEX_SQL, SQLITE_INDEX_SCHEMA_VERSION, missingIndexes } from './sqlite-schema.js';

export { SQLITE_INDEX_SCHEMA_VERSION };

/** Options of {@link SqliteIndex}. */
export interface SqliteIndexOptions {
  /**
   * How long (ms) to wait for another process holding the write lock before failing with
   * `SQLITE_BUSY`. A `claim()` holds the lock while its `create()` writes the record, so this
   * bounds how long a record write may take under contention. Default 5,000 (the reference's).
   */
  readonly busyTimeout?: number;
  /**
   * Called (synchronously) after the index found its file deleted, replaced or damaged under it
   * and opened a new one: rows written meanwhile may be missing, so the caller refills the index
   * from the records (a project runs `reindex`).
   */
  readonly onReopen?: (index: SqliteIndex) => void;
}

/**
 * The default {@link Index}: one SQLite file (`.machinable.sqlite` in the project) with the
 * reference's schema (machinable 5.0, schema version 11) and connection profile, so Python
 * machinable and this package can share it. WAL mode lets readers run beside the writer and
 * several processes share the file; `claim()` runs in a `BEGIN IMMEDIATE` transaction, which takes
 * the write lock up front: of two processes claiming one key at once, the second waits, then sees
 * the first's row.
 *
 * The file is a cache of the records and heals: one that is not a database or is damaged
 * (`database disk image is malformed`, also when found by a read long after opening) is moved
 * aside to `<path>.damaged-<time>` and a new one is made; one deleted or replaced under an open
 * index is noticed (its device and inode, looked at before every write and at most once a second
 * on reads) and the new file opened; both then call `onReopen`. A file this user cannot write (a
 * store owned by someone else) is read from a private copy and writes are refused, naming it.
 *
 * @example
 * const index = new SqliteIndex('/research/.machinable.sqlite');
 * const { row, created } = index.claim(candidate, () => storage.create(candidate));
 * index.find({ module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0.01 }] } });
 */
export class SqliteIndex implements Index {
  /** The file the index lives in (or `:memory:`). */
  readonly path: string;

  /**
   * True when opening created the tables: a new file, or one of an older schema that was
   * discarded. The index is then empty whatever storage holds, so the caller should reindex.
   */
  readonly needsReindex: boolean;

  private readonly file: IndexFile;

  constructor(path: string, options: SqliteIndexOptions = {}) {
    this.path = path;
    this.file = new IndexFile(path, options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS, () => options.onReopen?.(this));
    this.needsReindex = this.file.created;
  }

  /** True when this user cannot write the index file: it is read from a copy and writes are refused. */
  get readOnly(): boolean {
    return this.file.conn.readOnly;
  }

  private get db(): Database.Database {
    return this.file.conn.db;
  }

  private get stmt(): Statements {
    return this.file.stmt;
  }

  private get tx(): Transactions {
    return this.file.tx;
  }

  private get finder(): SqliteFinder {
    return this.file.finder;
  }

  /**
   * Atomically finds or creates the record holding `row`'s record id or dedup key (see
   * {@link Index.claim}). A synchronous `create()` runs inside the write lock, so other writers
   * wait for it (up to `busyTimeout`); if it throws, nothing is inserted and the error propagates.
   * An asynchronous one (a storage over a remote service) runs after the key was found free, and
   * the row is inserted when it resolved: the record directory, at a location given by the keys
   * and created all-or-nothing by the storage, is what keeps one record per key (a second
   * creator gets `RecordExistsError` and takes the first's record over, indexing it), and a crash
   * between the directory and the row leaves a directory that a lookup's takeover or `reindex`
   * indexes, never a row without a record.
   *
   * @example
   * const { row, created } = index.claim(candidate, () => storage.create(location, files));
   * if (!created) console.log(`reusing ${row.record_id}`);
   */
  claim(row: IndexRow, create: () => void, options?: { readonly force?: boolean }): Claim;
  claim(row: IndexRow, create: () => MaybePromise<void>, options?: { readonly force?: boolean }): MaybePromise<Claim>;
  claim(row: IndexRow, create: () => MaybePromise<void>, options: { readonly force?: boolean } = {}): MaybePromise<Claim> {
    let written: PromiseLike<void> | undefined;
    try {
      return this.writing(() => this.tx.claim.immediate(row, create, options.force ?? false, (pending) => (written = pending)));
    } catch (error) {
      if (error !== ASYNC_CREATE || written === undefined) throw error;
    }
    // The directory is there once create() resolved: its row goes in whatever holds the key now.
    return Promise.resolve(written).then(() => this.claim(row, () => undefined, { force: true }));
  }

  /** The row of a record id (exact; the reference's 6-character short ids are not resolved here). */
  get(recordId: string): IndexRow | undefined {
    const row = this.reading(() => this.stmt.get.get(recordId));
    return row === undefined ? undefined : toRow(row, this.path);
  }

  /** The oldest non-hidden row holding a dedup key (`created_at_ns`, then record id); see `Index.lookup`. */
  lookup(key: DedupKey, options: LookupOptions = {}): RecordLocation | undefined {
    const found = this.reading(() =>
      options.orWithoutParent && key.parent_id !== null
        ? this.stmt.locateTopLevel.get(key.parent_id, key.identity_key, key.predicate_key, key.identity_key, key.predicate_key)
        : this.stmt.locate.get(key.parent_id, key.identity_key, key.predicate_key),
    );
    return found === undefined ? undefined : { record_id: found[0], storage_uri: found[1] };
  }

  latest(parentId: string, kind: string): IndexRow | undefined {
    const row = this.reading(() => this.stmt.latest.get(parentId, kind));
    return row === undefined ? undefined : toRow(row, this.path);
  }

  /**
   * A page of rows matching a request, newest first unless sorted otherwise, and how many match
   * in all. The request is checked first (see `checkFindRequest`).
   *
   * @example
   * index.find({ kind: 'Execution', parent_id: iface.record_id, limit: 10 });
   * index.find({ config: { layer: 'resolved', filters: [{ path: 'seed', op: 'in', value: [1, 2] }] },
   *              sort: [{ by: 'lr', config_layer: 'resolved', direction: 'asc' }] });
   */
  find(request: FindRequest): FindResult {
    return this.reading(() => this.finder.page<SqlSummary, IndexSummary>(request, SUMMARY_COLUMNS, toSummary));
  }

  /** Like {@link find}, with whole rows. */
  search(request: FindRequest): FindResult<IndexRow> {
    return this.reading(() => this.finder.page<SqlRow, IndexRow>(request, '*', toRow));
  }

  /** Every row matching a request, whole, in the request's order; `limit` and `offset` are ignored. */
  all(request: FindRequest): IndexRow[] {
    return this.reading(() => {
      const { sql } = this.finder.findSql(request);
      const query = this.finder.query<SqlRow>(`SELECT * FROM 'index' WHERE ${sql.where} ORDER BY ${sql.orderBy}`);
      return query.all(...sql.whereParams);
    }).map((row) => toRow(row, this.path));
  }

  /** Record id, kind and location of every row. */
  locations(): Array<Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>> {
    return this.reading(() => this.stmt.locations.all());
  }

  /**
   * Adds or refreshes rows as a pure copy of record directories, in one transaction: an error
   * (an `IndexCollisionError`, or one thrown while iterating `items`) leaves the index as it was.
   * A known record id keeps `created_at_ns`, `created_by`, `parent_id` and the overlay (`hidden`,
   * `bytes_missing`, `private`); a new one starts with an empty overlay. Returns how many rows were new.
   *
   * @example
   * index.ingest([ingestItem({ header, model, location, updatedAtNs }, edges)]); // 1
   */
  ingest(items: Iterable<IngestItem>): number {
    return this.writing(() => {
      return this.tx.ingest.immediate(items);
    });
  }

  /** Adds relations in one transaction; one already held is kept. Returns how many were new. */
  relate(relations: Iterable<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>>): number {
    return this.writing(() => {
      return this.tx.relate.immediate(relations);
    });
  }

  /**
   * Relation rows a record holds (or with `inverse`, those pointing at it), newest first.
   *
   * @example
   * index.relations(a, { relation: 'Interface.Interface.using' }).map((r) => r.related_id);
   * index.relations(b, { inverse: true }); // who relates to b
   */
  relations(recordId: string, options: { readonly relation?: string; readonly inverse?: boolean } = {}): RelationRow[] {
    const { relation, inverse = false } = options;
    const rows = this.reading(() =>
      relation === undefined
        ? (inverse ? this.stmt.inverse : this.stmt.relations).all(recordId)
        : (inverse ? this.stmt.inverseNamed : this.stmt.relationsNamed).all(recordId, relation),
    );
    return rows.map((r) => ({
      relation: r.relation,
      record_id: r.record_id,
      related_id: r.related_id,
      priority: Number(r.priority),
      created_at_ns: BigInt(r.created_at_ns),
    }));
  }

  /** Sets the label column only; `updated_at_ns` follows through {@link setUpdatedAt}. */
  setLabel(recordId: string, label: string | null): void {
    return this.writing(() => {
      this.stmt.setLabel.run(label, recordId);
    });
  }

  /** Sets `updated_at_ns` (write-through of the record's `updated_at` marker). */
  setUpdatedAt(recordId: string, updatedAtNs: bigint): void {
    return this.writing(() => {
      this.stmt.setUpdatedAt.run(updatedAtNs, recordId);
    });
  }

  /** Hides or shows a record; an overlay change, so `updated_at_ns` stays. */
  setHidden(recordId: string, hidden: boolean): void {
    return this.writing(() => {
      this.stmt.setHidden.run(hidden ? 1n : 0n, recordId);
    });
  }

  /**
   * Updates the private overlay as the reference does: merged key by key into the current one
   * (or, with `merge: false`, replacing it), a `null` value deleting its key. Returns the overlay
   * now held. Read and write happen in one transaction, so concurrent merges do not lose keys.
   *
   * @example
   * index.setPrivate(id, { note: 'baseline', stale: null }); // adds note, deletes stale
   */
  setPrivate(recordId: string, value: JsonObject, options: { readonly merge?: boolean } = {}): JsonObject {
    return this.writing(() => {
      if (!isPlainObject(value)) throw new TypeError(`setPrivate(${recordId}): the overlay must be a plain object`);
      const merge = options.merge ?? true;
      return this.db
        .transaction((): JsonObject => {
          const current: JsonObject = merge ? parseObject(this.stmt.getPrivate.get(recordId) ?? null, this.path, recordId, 'private_json') : {};
          for (const [key, v] of Object.entries(value)) {
            if (v === undefined) continue;
            if (v === null) delete current[key];
            else current[key] = v;
          }
          this.stmt.setPrivate.run(canonicalJson(current), recordId);
          return current;
        })
        .immediate();
    });
  }

  /** Drops a record's row and the relations it holds (those pointing at it are other records' edges). */
  remove(recordId: string): void {
    return this.writing(() => {
      this.db
        .transaction(() => {
          this.stmt.removeRow.run(recordId);
          this.stmt.removeRelations.run(recordId);
        })
        .immediate();
    });
  }

  /**
   * Runs `fill` (which ingests every record again) with the four secondary indexes dropped, then
   * builds each once: about 10% faster than updating them row by row for 10,000 to 100,000 new
   * rows (test-index/bench-ingest.ts). They come back also when `fill` throws (or its promise
   * rejects), and should this process die first, the next open builds them. Meanwhile other
   * processes' claims and finds still work, without the indexes' help.
   *
   * @example
   * index.rebuild(() => index.ingest(items));
   */
  rebuild<T>(fill: () => T): T;
  rebuild<T>(fill: () => MaybePromise<T>): MaybePromise<T>;
  rebuild<T>(fill: () => MaybePromise<T>): MaybePromise<T> {
    return this.writing(() => {
      this.db
        .transaction(() => {
          for (const name of Object.keys(SECONDARY_INDEX_SQL)) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
          // The find indexes are made again when finds ask for them.
          this.finder.dropFindIndexes();
        })
        .immediate();
      let result: MaybePromise<T>;
      try {
        result = fill();
      } catch (error) {
        this.restoreIndexes();
        throw error;
      }
      if (isThenable(result)) {
        return Promise.resolve(result).finally(() => this.restoreIndexes());
      }
      this.restoreIndexes();
      return result;
    });
  }

  /**
   * True when the index describes the store whose root is at `storeUri` (the storage's
   * `locate([])`): it carries that store's mark, or, unmarked, holds no record or has its newest
   * record there. False for an index copied or moved away from its records (see `sqlite-location.ts`).
   */
  describes(storeUri: string): boolean {
    return this.reading(() => describesStore(this.db, storeUri));
  }

  /** Marks the index as describing the store at `storeUri` (once it was filled from it); nothing for a read-only one. */
  markStore(storeUri: string): void {
    if (this.readOnly) return;
    this.writing(() => markStore(this.db, storeUri));
  }

  private writing<T>(fn: () => T): T {
    return this.file.writing(fn);
  }

  private reading<T>(fn: () => T): T {
    return this.file.reading(fn);
  }

  /** Closes the database; calling it again does nothing. */
  close(): void {
    this.file.close();
  }

  private restoreIndexes(): void {
    this.db
      .transaction(() => {
        for (const name of missingIndexes(this.db)) this.db.exec(SECONDARY_INDEX_SQL[name]!);
      })
      .immediate();
  }
}
