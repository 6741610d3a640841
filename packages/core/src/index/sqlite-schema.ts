/**
 * The SQLite index's file format: the reference's schema (machinable 5.0, `index.py`, schema
 * version 11) statement for statement, its connection profile, and how a file of another version
 * is brought to this one. One file can be opened by Python machinable and by this package alike.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

import { MachinableError } from '../kernel/errors.js';
import { requireDependency } from '../kernel/require-dependency.js';

/**
 * The reference's `SCHEMA_VERSION`, kept in `PRAGMA user_version`. A file with an older version is
 * dropped and recreated (the index is a cache); a newer one is refused, never downgraded.
 */
export const SQLITE_INDEX_SCHEMA_VERSION = 11;

// The statements are the reference's text byte for byte, indentation included: SQLite keeps the
// text of a CREATE statement in sqlite_master, so a file made here reads the same as one made by
// Python machinable to anything that compares schemas.

/** `CREATE TABLE 'index'`: one row per record, 24 columns. */
export const INDEX_TABLE_SQL = `CREATE TABLE 'index' (
                record_id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                module TEXT,
                identity_key TEXT NOT NULL,
                predicate_json TEXT NOT NULL,
                predicate_key TEXT NOT NULL,
                parent_id TEXT REFERENCES 'index' (record_id),
                config_default_json TEXT NOT NULL DEFAULT '{}',
                config_version_json TEXT NOT NULL DEFAULT '[]',
                config_update_json TEXT NOT NULL DEFAULT '{}',
                config_resolved_json TEXT NOT NULL DEFAULT '{}',
                inherits_json TEXT NOT NULL DEFAULT '[]',
                context_json TEXT NOT NULL DEFAULT '[]',
                storage_uri TEXT NOT NULL,
                local_uri TEXT,
                storage_id TEXT,
                hidden INTEGER NOT NULL DEFAULT 0,
                bytes_missing INTEGER NOT NULL DEFAULT 0,
                created_at_ns INTEGER NOT NULL,
                updated_at_ns INTEGER NOT NULL,
                created_by TEXT,
                label TEXT,
                extra_json TEXT NOT NULL DEFAULT '{}',
                private_json TEXT NOT NULL DEFAULT '{}'
            )`;

/** `CREATE TABLE relations`: one row per edge, unique on (record, related, relation). */
export const RELATIONS_TABLE_SQL = `CREATE TABLE relations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                relation TEXT NOT NULL,
                record_id TEXT NOT NULL REFERENCES 'index' (record_id),
                related_id TEXT NOT NULL REFERENCES 'index' (record_id),
                priority INTEGER NOT NULL DEFAULT 0,
                created_at_ns INTEGER NOT NULL,
                UNIQUE (record_id, related_id, relation)
            )`;

/**
 * The secondary indexes, by name. `rebuild()` drops them while it refills the table and builds
 * each once at the end; opening a file recreates any that a crash left dropped.
 */
export const SECONDARY_INDEX_SQL: Readonly<Record<string, string>> = {
  idx_index_module: "CREATE INDEX idx_index_module ON 'index'(module)",
  idx_index_parent: "CREATE INDEX idx_index_parent ON 'index'(parent_id)",
  idx_index_predicate_key: "CREATE INDEX idx_index_predicate_key ON 'index'(predicate_key)",
  idx_index_identity: `CREATE INDEX idx_index_identity ON 'index'(
                parent_id, identity_key, predicate_key
            )`,
};

/** The columns of `'index'`, in table order. */
export const INDEX_COLUMNS = [
  'record_id',
  'kind',
  'module',
  'identity_key',
  'predicate_json',
  'predicate_key',
  'parent_id',
  'config_default_json',
  'config_version_json',
  'config_update_json',
  'config_resolved_json',
  'inherits_json',
  'context_json',
  'storage_uri',
  'local_uri',
  'storage_id',
  'hidden',
  'bytes_missing',
  'created_at_ns',
  'updated_at_ns',
  'created_by',
  'label',
  'extra_json',
  'private_json',
] as const;

/** The reference's `busy_timeout` (ms): how long a writer waits for another's lock. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** better-sqlite3, loaded when an index is first opened (so importing core does not load it). */
export type SqliteModule = typeof Database;

let sqlite: SqliteModule | undefined;

/** The better-sqlite3 module, required on first use. */
export function sqliteModule(): SqliteModule {
  sqlite ??= requireDependency('better-sqlite3') as SqliteModule;
  return sqlite;
}

/** An opened index file. */
export interface OpenedIndexFile {
  readonly db: Database.Database;
  /** Opening created the tables (a new file, or an older schema that was discarded). */
  readonly created: boolean;
}

/**
 * Opens (creating when absent) an index file with the reference's connection profile (WAL for a
 * file, `busy_timeout`, `synchronous = NORMAL`, foreign keys off) and brings its schema to
 * {@link SQLITE_INDEX_SCHEMA_VERSION}.
 */
export function openIndexFile(path: string, busyTimeoutMs: number = DEFAULT_BUSY_TIMEOUT_MS): OpenedIndexFile {
  const SQLite = sqliteModule();
  const timeout = Math.max(0, Math.floor(busyTimeoutMs));
  // As the reference's load(create=True): the index may be the first thing written in a project.
  if (path !== ':memory:' && path !== '' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
  const db = new SQLite(path, { timeout });
  try {
    db.pragma(`busy_timeout = ${timeout}`);
    // Off by design, as in the reference: parent and relation rows may point at records that are
    // ingested later (reindex is order-independent). Set explicitly in case SQLite was built with it on.
    db.pragma('foreign_keys = OFF');
    // NORMAL is safe in WAL mode (at worst the last commits are lost on power loss, never corruption);
    // a lost row comes back with a reindex.
    db.pragma('synchronous = NORMAL');
    // Several processes opening a brand-new file at once can get SQLITE_BUSY without the busy
    // handler being consulted (the switch to WAL, WAL recovery), so these retry until the timeout.
    if (!db.memory) retryWhileBusy(SQLite, timeout, () => db.pragma('journal_mode = WAL'));
    const created = retryWhileBusy(SQLite, timeout, () => migrate(db, path));
    return { db, created };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Brings the schema to {@link SQLITE_INDEX_SCHEMA_VERSION}; returns true when it created the
 * tables. A current file with every secondary index is only read, so opening does not wait for a
 * writer; anything to do happens under the write lock, re-checked there, so two processes opening
 * one new file do not both create it.
 */
function migrate(db: Database.Database, path: string): boolean {
  if (readVersion(db, path) === SQLITE_INDEX_SCHEMA_VERSION && missingIndexes(db).length === 0 && hasTables(db)) return false;
  return db
    .transaction((): boolean => {
      const version = readVersion(db, path);
      if (version === SQLITE_INDEX_SCHEMA_VERSION && hasTables(db)) {
        // Indexes a rebuild() dropped and did not live to restore.
        for (const name of missingIndexes(db)) db.exec(SECONDARY_INDEX_SQL[name]!);
        return false;
      }
      // Older, unversioned, or tables gone: the index is a cache, so rebuilding beats migrating.
      // `records` is this package's own schema before it adopted the reference's (user_version 2).
      db.exec("DROP TABLE IF EXISTS relations; DROP TABLE IF EXISTS 'index'; DROP TABLE IF EXISTS records;");
      db.exec(INDEX_TABLE_SQL);
      for (const sql of Object.values(SECONDARY_INDEX_SQL)) db.exec(sql);
      db.exec(RELATIONS_TABLE_SQL);
      db.pragma(`user_version = ${SQLITE_INDEX_SCHEMA_VERSION}`);
      return true;
    })
    .immediate();
}

function readVersion(db: Database.Database, path: string): number {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SQLITE_INDEX_SCHEMA_VERSION) {
    throw new MachinableError(
      `index ${path} has schema version ${version}: a newer machinable wrote it, and this one reads ` +
        `version ${SQLITE_INDEX_SCHEMA_VERSION}. Upgrade machinable, or (the index is a cache of the ` +
        'record directories) move the file aside and run `machinable reindex` to build it again',
    );
  }
  return version;
}

function hasTables(db: Database.Database): boolean {
  const found = db
    .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('index', 'relations')")
    .pluck()
    .get() as number;
  return found === 2;
}

/** Names of the reference's secondary indexes the file lacks. */
export function missingIndexes(db: Database.Database): string[] {
  const present = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'index'").pluck().all() as string[],
  );
  return Object.keys(SECONDARY_INDEX_SQL).filter((name) => !present.has(name));
}

/** Runs `fn`, retrying with backoff while SQLite reports the file busy, up to `timeoutMs`. */
export function retryWhileBusy<T>(SQLite: SqliteModule, timeoutMs: number, fn: () => T): T {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      return fn();
    } catch (error) {
      const busy = error instanceof SQLite.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || Date.now() >= deadline) throw error;
      // A synchronous sleep: opening is synchronous, like the rest of the index.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}
