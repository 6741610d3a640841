import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { indexAccessError } from './sqlite-errors.js';

import { IndexCollisionError, MachinableError } from '../kernel/errors.js';
import { parseJson, type JsonValue } from '../json/json.js';
import type { JsonObject } from '../format/model.js';
import { nowNs } from '../format/timestamp.js';
import { isPlainObject } from '../config/plain.js';
import { canonicalJson } from '../json/canonical-json.js';
import { isThenable } from '../kernel/thenable.js';
import { checkFindRequest, type CheckedFindRequest } from './find-request.js';
import { buildFindSql, configPathsOf, findIndexSql, type FindSql, type SqlParam } from './find-sql.js';
import type { Claim, DedupKey, FindRequest, LookupOptions, FindResult, Index, IndexRow, IndexSummary, IngestItem, RecordLocation, RelationRow } from '../ports/index.js';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  INDEX_COLUMNS,
  SECONDARY_INDEX_SQL,
  SQLITE_INDEX_SCHEMA_VERSION,
  missingIndexes,
  openIndexFile,
} from './sqlite-schema.js';

export { SQLITE_INDEX_SCHEMA_VERSION };

/** Options of {@link SqliteIndex}. */
export interface SqliteIndexOptions {
  /**
   * How long (ms) to wait for another process holding the write lock before failing with
   * `SQLITE_BUSY`. A `claim()` holds the lock while its `create()` writes the record, so this
   * bounds how long a record write may take under contention. Default 5,000 (the reference's).
   */
  readonly busyTimeout?: number;
}

/** A row of `'index'` as SQLite returns it (integers as bigint). */
interface SqlRow {
  record_id: string;
  kind: string;
  module: string | null;
  identity_key: string;
  predicate_json: string;
  predicate_key: string;
  parent_id: string | null;
  config_default_json: string;
  config_version_json: string;
  config_update_json: string;
  config_resolved_json: string;
  inherits_json: string;
  context_json: string;
  storage_uri: string;
  local_uri: string | null;
  storage_id: string | null;
  hidden: bigint | number;
  bytes_missing: bigint | number;
  created_at_ns: bigint | number;
  updated_at_ns: bigint | number;
  created_by: string | null;
  label: string | null;
  extra_json: string | null;
  private_json: string | null;
}

type SqlSummary = Pick<SqlRow, keyof IndexSummary>;

interface SqlRelation {
  relation: string;
  record_id: string;
  related_id: string;
  priority: bigint | number;
  created_at_ns: bigint | number;
}

/** The values of a row, in {@link INDEX_COLUMNS} order (positional binding measured faster than named). */
type RowValues = [
  string, string, string | null, string, string, string, string | null, string, string, string, string, string, string,
  string, string | null, string | null, bigint, bigint, bigint, bigint, string | null, string | null, string, string,
];

type RefreshValues = [
  string, string | null, string, string, string, string, string, string, string, string | null, string,
  string, string | null, string | null, bigint, string,
];

const SUMMARY_COLUMNS =
  'record_id, kind, module, identity_key, predicate_key, parent_id, storage_uri, local_uri, storage_id, hidden, bytes_missing, created_at_ns, created_by, label';
const RELATION_COLUMNS = 'relation, record_id, related_id, priority, created_at_ns';
// `parent_id IS ?` so that a null parent matches a null parent (`=` never matches NULL).
/** At most this many expression indexes for finds on config paths (see `indexConfigPaths`). */
const MAX_FIND_INDEXES = 16;
const DEDUP = "FROM 'index' WHERE parent_id IS ? AND identity_key = ? AND predicate_key = ?";
const OLDEST = 'ORDER BY created_at_ns, record_id LIMIT 1';

/**
 * The default {@link Index}: one SQLite file (`.machinable.sqlite` in the project) with the
 * reference's schema (machinable 5.0, schema version 11) and connection profile, so Python
 * machinable and this package can share it. WAL mode lets readers run beside the writer and
 * several processes share the file; `claim()` runs in a `BEGIN IMMEDIATE` transaction, which takes
 * the write lock up front: of two processes claiming one key at once, the second waits, then sees
 * the first's row.
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

  private readonly db: Database.Database;
  private readonly stmt: {
    get: Database.Statement<[string], SqlRow>;
    keys: Database.Statement<[string], [string, string, string]>;
    dedup: Database.Statement<[string | null, string, string], SqlRow>;
    locate: Database.Statement<[string | null, string, string], [string, string]>;
    locateTopLevel: Database.Statement<[string, string, string, string, string], [string, string]>;
    latest: Database.Statement<[string, string], SqlRow>;
    insert: Database.Statement<RowValues>;
    refresh: Database.Statement<RefreshValues>;
    relate: Database.Statement<[string, string, string, bigint]>;
    relations: Database.Statement<[string], SqlRelation>;
    relationsNamed: Database.Statement<[string, string], SqlRelation>;
    inverse: Database.Statement<[string], SqlRelation>;
    inverseNamed: Database.Statement<[string, string], SqlRelation>;
    setLabel: Database.Statement<[string | null, string]>;
    setUpdatedAt: Database.Statement<[bigint, string]>;
    setHidden: Database.Statement<[bigint, string]>;
    getPrivate: Database.Statement<[string], string | null>;
    setPrivate: Database.Statement<[string, string]>;
    removeRow: Database.Statement<[string]>;
    removeRelations: Database.Statement<[string]>;
    locations: Database.Statement<[], Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>>;
  };
  private readonly claimTx: Database.Transaction<(row: IndexRow, create: () => void, force: boolean) => Claim>;
  private readonly ingestTx: Database.Transaction<(items: Iterable<IngestItem>) => number>;
  private readonly relateTx: Database.Transaction<(relations: Iterable<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>>) => number>;
  // Find queries vary with the request's shape; preparing one costs about as much as running it.
  private readonly queries = new Map<string, Database.Statement>();
  /** The expression indexes for finds on config paths, made so far (in this file, by anyone). */
  private readonly findIndexes: Set<string>;

  constructor(path: string, options: SqliteIndexOptions = {}) {
    this.path = path;
    let opened: ReturnType<typeof openIndexFile>;
    try {
      opened = openIndexFile(path, options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS);
    } catch (error) {
      throw indexAccessError(error, path, 'open');
    }
    const { db, created } = opened;
    this.db = db;
    this.needsReindex = created;
    this.findIndexes = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_find_%'").pluck().all());

    const rows = <P extends unknown[], R>(sql: string): Database.Statement<P, R> => db.prepare<P, R>(sql).safeIntegers(true);
    this.stmt = {
      get: rows("SELECT * FROM 'index' WHERE record_id = ?"),
      keys: db.prepare<[string], [string, string, string]>("SELECT identity_key, predicate_key, storage_uri FROM 'index' WHERE record_id = ?").raw(true),
      dedup: rows(`SELECT * ${DEDUP} ${OLDEST}`),
      // Two columns, as an array: a lookup is the hot path of get(), and SELECT * would read and
      // convert the config JSON of every hit (2.5x the time).
      // The order of a find's default sort (newest first, ties by record id).
      latest: rows("SELECT * FROM 'index' WHERE parent_id = ? AND kind = ? ORDER BY created_at_ns DESC, record_id LIMIT 1"),
      locate: db.prepare<[string | null, string, string], [string, string]>(`SELECT record_id, storage_uri ${DEDUP} AND hidden = 0 ${OLDEST}`).raw(true),
      // A lookup under a parent, else among records without one, in one statement (each part
      // searches idx_index_identity).
      locateTopLevel: db
        .prepare<[string, string, string, string, string], [string, string]>(
          `SELECT record_id, storage_uri FROM (
             SELECT record_id, storage_uri, created_at_ns, 0 AS rank FROM 'index' WHERE parent_id = ? AND identity_key = ? AND predicate_key = ? AND hidden = 0
             UNION ALL
             SELECT record_id, storage_uri, created_at_ns, 1 AS rank FROM 'index' WHERE parent_id IS NULL AND identity_key = ? AND predicate_key = ? AND hidden = 0
           ) ORDER BY rank, created_at_ns, record_id LIMIT 1`,
        )
        .raw(true),
      insert: db.prepare<RowValues>(`INSERT INTO 'index' (${INDEX_COLUMNS.join(', ')}) VALUES (${INDEX_COLUMNS.map(() => '?').join(', ')})`),
      refresh: db.prepare<RefreshValues>(
        `UPDATE 'index' SET kind = ?, module = ?, predicate_json = ?, config_default_json = ?, config_version_json = ?,
         config_update_json = ?, config_resolved_json = ?, inherits_json = ?, context_json = ?, label = ?, extra_json = ?,
         storage_uri = ?, local_uri = ?, storage_id = ?, updated_at_ns = ? WHERE record_id = ?`,
      ),
      // OR IGNORE: edge logs are grow-only sets, so re-ingesting meets edges already held.
      relate: db.prepare<[string, string, string, bigint]>(
        'INSERT OR IGNORE INTO relations (relation, record_id, related_id, priority, created_at_ns) VALUES (?, ?, ?, 0, ?)',
      ),
      relations: rows(`SELECT ${RELATION_COLUMNS} FROM relations WHERE record_id = ? ORDER BY created_at_ns DESC, id DESC`),
      relationsNamed: rows(`SELECT ${RELATION_COLUMNS} FROM relations WHERE record_id = ? AND relation = ? ORDER BY created_at_ns DESC, id DESC`),
      inverse: rows(`SELECT ${RELATION_COLUMNS} FROM relations WHERE related_id = ? ORDER BY created_at_ns DESC, id DESC`),
      inverseNamed: rows(`SELECT ${RELATION_COLUMNS} FROM relations WHERE related_id = ? AND relation = ? ORDER BY created_at_ns DESC, id DESC`),
      setLabel: db.prepare<[string | null, string]>("UPDATE 'index' SET label = ? WHERE record_id = ?"),
      setUpdatedAt: db.prepare<[bigint, string]>("UPDATE 'index' SET updated_at_ns = ? WHERE record_id = ?"),
      setHidden: db.prepare<[bigint, string]>("UPDATE 'index' SET hidden = ? WHERE record_id = ?"),
      getPrivate: db.prepare<[string], string | null>("SELECT private_json FROM 'index' WHERE record_id = ?").pluck(),
      setPrivate: db.prepare<[string, string]>("UPDATE 'index' SET private_json = ? WHERE record_id = ?"),
      removeRow: db.prepare<[string]>("DELETE FROM 'index' WHERE record_id = ?"),
      removeRelations: db.prepare<[string]>('DELETE FROM relations WHERE record_id = ?'),
      locations: db.prepare<[], Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>>("SELECT record_id, kind, storage_uri FROM 'index'"),
    };

    this.claimTx = db.transaction((row: IndexRow, create: () => void, force: boolean): Claim => {
      if (!force) {
        // Hidden rows count: hiding a record is a view of it, not permission to create it twice.
        const held = this.stmt.dedup.get(row.parent_id, row.identity_key, row.predicate_key);
        if (held !== undefined) return { row: toRow(held, this.path), created: false };
      }
      // The row before create(): a record id that is taken fails the INSERT before any directory is
      // written (the rollback could not take a directory back), and costs no query when it is free.
      try {
        this.stmt.insert.run(...rowValues(row, row.hidden, row.bytes_missing, canonicalJson(row.private)));
      } catch (error) {
        if (!isPrimaryKeyClash(error)) throw error;
        const same = this.stmt.get.get(row.record_id)!;
        if (same.identity_key !== row.identity_key || same.predicate_key !== row.predicate_key) {
          throw new IndexCollisionError(row.record_id, same, row, `${row.storage_uri} (indexed at ${same.storage_uri})`);
        }
        return { row: toRow(same, this.path), created: false };
      }
      const written: unknown = create();
      // An async create() would still be writing when the lock is released, letting another
      // process claim the key against a record that is not there yet.
      if (isThenable(written)) {
        written.then(undefined, () => undefined);
        throw new TypeError('claim(): create() must write the record synchronously, not return a promise');
      }
      return { row, created: true };
    });

    this.ingestTx = db.transaction((items: Iterable<IngestItem>): number => {
      let added = 0;
      for (const { row, relations } of items) {
        const held = this.stmt.keys.get(row.record_id);
        if (held === undefined) {
          this.stmt.insert.run(...rowValues(row, false, false, '{}'));
          added += 1;
        } else {
          const [identity_key, predicate_key, storage_uri] = held;
          if (identity_key !== row.identity_key || predicate_key !== row.predicate_key) {
            throw new IndexCollisionError(row.record_id, { identity_key, predicate_key }, row, `${row.storage_uri} (indexed at ${storage_uri})`);
          }
          this.stmt.refresh.run(...refreshValues(row));
        }
        for (const r of relations) this.stmt.relate.run(r.relation, r.record_id, r.related_id, nowNs());
      }
      return added;
    });

    this.relateTx = db.transaction((relations: Iterable<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>>): number => {
      let added = 0;
      for (const r of relations) added += this.stmt.relate.run(r.relation, r.record_id, r.related_id, nowNs()).changes;
      return added;
    });
  }

  /**
   * Atomically finds or creates the record holding `row`'s record id or dedup key (see
   * {@link Index.claim}). `create()` runs inside the write lock, so other writers wait for it (up
   * to `busyTimeout`); if it throws, nothing is inserted and the error propagates.
   *
   * @example
   * const { row, created } = index.claim(candidate, () => storage.create(candidate));
   * if (!created) console.log(`reusing ${row.record_id}`);
   */
  claim(row: IndexRow, create: () => void, options: { readonly force?: boolean } = {}): Claim {
    return this.writing(() => {
      return this.claimTx.immediate(row, create, options.force ?? false);
    });
  }

  /** The row of a record id (exact; the reference's 6-character short ids are not resolved here). */
  get(recordId: string): IndexRow | undefined {
    const row = this.stmt.get.get(recordId);
    return row === undefined ? undefined : toRow(row, this.path);
  }

  /** The oldest non-hidden row holding a dedup key (`created_at_ns`, then record id); see `Index.lookup`. */
  lookup(key: DedupKey, options: LookupOptions = {}): RecordLocation | undefined {
    const found =
      options.orWithoutParent && key.parent_id !== null
        ? this.stmt.locateTopLevel.get(key.parent_id, key.identity_key, key.predicate_key, key.identity_key, key.predicate_key)
        : this.stmt.locate.get(key.parent_id, key.identity_key, key.predicate_key);
    return found === undefined ? undefined : { record_id: found[0], storage_uri: found[1] };
  }

  latest(parentId: string, kind: string): IndexRow | undefined {
    const row = this.stmt.latest.get(parentId, kind);
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
    return this.page<SqlSummary, IndexSummary>(request, SUMMARY_COLUMNS, toSummary);
  }

  /** Like {@link find}, with whole rows. */
  search(request: FindRequest): FindResult<IndexRow> {
    return this.page<SqlRow, IndexRow>(request, '*', toRow);
  }

  /** Every row matching a request, whole, in the request's order; `limit` and `offset` are ignored. */
  all(request: FindRequest): IndexRow[] {
    const { sql } = this.findSql(request);
    const query = this.query<SqlRow>(`SELECT * FROM 'index' WHERE ${sql.where} ORDER BY ${sql.orderBy}`);
    return query.all(...sql.whereParams).map((row) => toRow(row, this.path));
  }

  /** Record id, kind and location of every row. */
  locations(): Array<Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>> {
    return this.stmt.locations.all();
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
      return this.ingestTx.immediate(items);
    });
  }

  /** Adds relations in one transaction; one already held is kept. Returns how many were new. */
  relate(relations: Iterable<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>>): number {
    return this.writing(() => {
      return this.relateTx.immediate(relations);
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
    const rows =
      relation === undefined
        ? (inverse ? this.stmt.inverse : this.stmt.relations).all(recordId)
        : (inverse ? this.stmt.inverseNamed : this.stmt.relationsNamed).all(recordId, relation);
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
  rebuild<T>(fill: () => T): T {
    return this.writing(() => {
      this.db
        .transaction(() => {
          for (const name of Object.keys(SECONDARY_INDEX_SQL)) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
          // The find indexes are made again when finds ask for them.
          for (const name of this.findIndexes) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
          this.findIndexes.clear();
        })
        .immediate();
      let result: T;
      try {
        result = fill();
      } catch (error) {
        this.restoreIndexes();
        throw error;
      }
      if (isThenable(result)) {
        return Promise.resolve(result).finally(() => this.restoreIndexes()) as T;
      }
      this.restoreIndexes();
      return result;
    });
  }

  /** Runs a write, turning SQLite's failures a user causes into an `IndexAccessError` naming the file and the fix. */
  private writing<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw indexAccessError(error, this.path, 'write');
    }
  }

  /** Closes the database; calling it again does nothing. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private restoreIndexes(): void {
    this.db
      .transaction(() => {
        for (const name of missingIndexes(this.db)) this.db.exec(SECONDARY_INDEX_SQL[name]!);
      })
      .immediate();
  }

  private page<S, T>(request: FindRequest, columns: string, convert: (row: S, path: string) => T): FindResult<T> {
    const { checked, sql } = this.findSql(request);
    const count = this.query<number>(`SELECT COUNT(*) FROM 'index' WHERE ${sql.where}`, false);
    const select = this.query<S>(`SELECT ${columns} FROM 'index' WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`);
    // One read transaction, so the total and the page come from the same snapshot.
    return this.db.transaction((): FindResult<T> => {
      const total = count.get(...sql.whereParams) as number;
      const rows = select.all(...sql.whereParams, BigInt(checked.limit), BigInt(checked.offset));
      return { items: rows.map((row) => convert(row, this.path)), total };
    })();
  }

  private findSql(request: FindRequest): { checked: CheckedFindRequest; sql: FindSql } {
    const checked = checkFindRequest(request);
    this.indexConfigPaths(checked);
    return { checked, sql: buildFindSql(checked) };
  }

  /**
   * Makes an expression index (see `findIndexSql`) for each config path a find filters or sorts
   * on, the first time one is asked for: a filtered, sorted find among 100,000 records then
   * takes a few milliseconds instead of a hundred. At most {@link MAX_FIND_INDEXES} are made (each
   * costs a little on every insert); past that, or on an index file that cannot be written,
   * finds scan as before.
   */
  private indexConfigPaths(checked: CheckedFindRequest): void {
    for (const { layer, jsonPath } of configPathsOf(checked)) {
      const name = `idx_find_${layer}_${createHash('sha256').update(jsonPath).digest('hex').slice(0, 16)}`;
      if (this.findIndexes.has(name) || this.findIndexes.size >= MAX_FIND_INDEXES) continue;
      this.findIndexes.add(name);
      try {
        this.db.exec(findIndexSql(name, layer, jsonPath));
      } catch {
        // read-only, or locked for longer than the busy timeout: the find scans, which is correct
      }
    }
  }

  private query<R>(sql: string, safeIntegers = true): Database.Statement<SqlParam[], R> {
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      if (this.queries.size >= 128) this.queries.clear();
      statement = this.db.prepare(sql);
      if (safeIntegers) statement.safeIntegers(true);
      else statement.pluck();
      this.queries.set(sql, statement);
    }
    return statement as Database.Statement<SqlParam[], R>;
  }
}

function rowValues(row: IndexRow, hidden: boolean, bytesMissing: boolean, privateJson: string): RowValues {
  const { config } = row;
  return [
    row.record_id,
    row.kind,
    row.module,
    row.identity_key,
    canonicalJson(row.predicate),
    row.predicate_key,
    row.parent_id,
    canonicalJson(config.default),
    canonicalJson(config.version),
    canonicalJson(config.update),
    canonicalJson(config.resolved),
    canonicalJson(row.inherits),
    canonicalJson(row.context),
    row.storage_uri,
    row.local_uri,
    row.storage_id,
    hidden ? 1n : 0n,
    bytesMissing ? 1n : 0n,
    row.created_at_ns,
    row.updated_at_ns,
    row.created_by,
    row.label,
    canonicalJson(row.extra),
    privateJson,
  ];
}

function refreshValues(row: IndexRow): RefreshValues {
  const { config } = row;
  return [
    row.kind,
    row.module,
    canonicalJson(row.predicate),
    canonicalJson(config.default),
    canonicalJson(config.version),
    canonicalJson(config.update),
    canonicalJson(config.resolved),
    canonicalJson(row.inherits),
    canonicalJson(row.context),
    row.label,
    canonicalJson(row.extra),
    row.storage_uri,
    row.local_uri,
    row.storage_id,
    row.updated_at_ns,
    row.record_id,
  ];
}

function toRow(row: SqlRow, path: string): IndexRow {
  const id = row.record_id;
  return {
    ...toSummary(row),
    predicate: parseObject(row.predicate_json, path, id, 'predicate_json'),
    config: {
      default: parseObject(row.config_default_json, path, id, 'config_default_json'),
      version: parseList(row.config_version_json, path, id, 'config_version_json'),
      update: parseObject(row.config_update_json, path, id, 'config_update_json'),
      resolved: parseObject(row.config_resolved_json, path, id, 'config_resolved_json'),
    },
    inherits: parseList(row.inherits_json, path, id, 'inherits_json') as string[],
    context: parseList(row.context_json, path, id, 'context_json'),
    updated_at_ns: BigInt(row.updated_at_ns),
    extra: parseObject(row.extra_json, path, id, 'extra_json'),
    private: parseObject(row.private_json, path, id, 'private_json'),
  };
}

function toSummary(row: SqlSummary): IndexSummary {
  return {
    record_id: row.record_id,
    kind: row.kind,
    module: row.module,
    identity_key: row.identity_key,
    predicate_key: row.predicate_key,
    parent_id: row.parent_id,
    storage_uri: row.storage_uri,
    // The reference reads an empty location as none.
    local_uri: row.local_uri || null,
    storage_id: row.storage_id,
    hidden: Number(row.hidden) !== 0,
    bytes_missing: Number(row.bytes_missing) !== 0,
    created_at_ns: BigInt(row.created_at_ns),
    created_by: row.created_by,
    label: row.label,
  };
}

function parseColumn(text: string | null, path: string, recordId: string, column: string): JsonValue | null {
  // NULL reads as the column's default, as the reference reads extra_json and private_json.
  if (text === null || text === '') return null;
  try {
    return parseJson(text);
  } catch (error) {
    throw new MachinableError(
      `index ${path}: column ${column} of record ${recordId} is not valid JSON (${(error as Error).message}); ` +
        'the index is a cache: move the file aside and run `machinable reindex` to rebuild it',
    );
  }
}

function parseObject(text: string | null, path: string, recordId: string, column: string): JsonObject {
  const value = parseColumn(text, path, recordId, column);
  return isPlainObject(value) ? (value as JsonObject) : {};
}

function parseList(text: string | null, path: string, recordId: string, column: string): JsonValue[] {
  const value = parseColumn(text, path, recordId, column);
  return Array.isArray(value) ? value : [];
}

/** True for the error of an INSERT whose record id is taken (the primary key of `'index'`). */
function isPrimaryKeyClash(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
