import type Database from 'better-sqlite3';
import type { IndexRow } from '../ports/index.js';
import { INDEX_COLUMNS } from './sqlite-schema.js';
import type { RefreshValues, RowValues, SqlRelation, SqlRow } from './sqlite-rows.js';

export const SUMMARY_COLUMNS =
  'record_id, kind, module, identity_key, predicate_key, parent_id, storage_uri, local_uri, storage_id, hidden, bytes_missing, created_at_ns, created_by, label';
const RELATION_COLUMNS = 'relation, record_id, related_id, priority, created_at_ns';
// `parent_id IS ?` so that a null parent matches a null parent (`=` never matches NULL).
/** At most this many expression indexes for finds on config paths (see `indexConfigPaths`). */
export const MAX_FIND_INDEXES = 16;
const DEDUP = "FROM 'index' WHERE parent_id IS ? AND identity_key = ? AND predicate_key = ?";
const OLDEST = 'ORDER BY created_at_ns, record_id LIMIT 1';

/** The statements an index runs on every call, prepared once per connection. */
export interface Statements {
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
}

/** Prepares the {@link Statements} of an index connection. */
export function prepareStatements(db: Database.Database): Statements {
  const rows = <P extends unknown[], R>(sql: string): Database.Statement<P, R> => db.prepare<P, R>(sql).safeIntegers(true);
  return {
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
}
