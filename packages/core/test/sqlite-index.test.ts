/**
 * The SQLite index: the reference's schema and connection profile (machinable 5.0, schema version
 * 11), so one file serves Python machinable and this package; `claim()`, which makes asking for
 * the same record twice, from any process, end with one record; ingest as a pure copy of record
 * directories; and the reference's find algebra, checked against the conformance corpus and, where
 * Python and the reference's source are at hand, against the reference's own code.
 */
import { createHash } from 'node:crypto';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

import {
  FindRequestError,
  IndexCollisionError,
  MachinableError,
  PyFloat,
  canonicalJson,
  ingestItem,
  parseEdgeLog,
  parseJson,
  readRecord,
  type FindRequest,
  type IndexRow,
  type IngestItem,
  type JsonValue,
  type RelationRow,
  buildFindSql,
  checkFindRequest,
  pyStr,
  type SqlParam,
} from '@machinable/core';
import { SQLITE_INDEX_SCHEMA_VERSION, SqliteIndex } from '@machinable/core/sqlite';

/** The repository's copy of the reference's conformance corpus. */
const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/corpus/', import.meta.url));
const SQLITE_ENTRY = import.meta.resolve('@machinable/core/sqlite');

const IDENTITY = 'a'.repeat(24);
const PREDICATE = 'b'.repeat(32);
const T0 = 1767225600000000000n;

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'machinable-sqlite-index-'));
});
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});
let files = 0;
function dbFile(): string {
  files += 1;
  return join(scratch, `index-${files}.sqlite`);
}

let ids = 0;
let clock = T0;
/** A row with test defaults (a fresh record id, a later created_at_ns); override what the test is about. */
function row(fields: Partial<IndexRow> = {}): IndexRow {
  ids += 1;
  clock += 1_000_000_000n;
  const id = fields.record_id ?? `Rec${String(ids).padStart(9, '0')}`;
  return {
    record_id: id,
    kind: 'Interface',
    module: 'train',
    identity_key: IDENTITY,
    predicate_key: PREDICATE,
    predicate: {},
    parent_id: null,
    storage_uri: `file:///store/${id}`,
    local_uri: `file:///store/${id}`,
    storage_id: 'storage',
    hidden: false,
    bytes_missing: false,
    config: { default: {}, version: [], update: {}, resolved: {} },
    inherits: [],
    context: [],
    created_at_ns: clock,
    updated_at_ns: clock,
    created_by: 'ada',
    label: null,
    extra: {},
    private: {},
    ...fields,
  };
}

function item(r: IndexRow, relations: IngestItem['relations'] = []): IngestItem {
  return { row: r, relations };
}

/** A second, plain connection to an index file: what Python or any SQLite tool would see. */
function plain(path: string): Database.Database {
  return new Database(path);
}

/** The index's own connection, for the per-connection pragmas of its profile. */
function connectionOf(index: SqliteIndex): Database.Database {
  return (index as unknown as { db: Database.Database }).db;
}

function recordIds(rows: ReadonlyArray<{ record_id: string }>): string[] {
  return rows.map((r) => r.record_id);
}

// The reference's schema as SQLite records it (machinable 5.0, index.py migrate(), run by Python).
const REFERENCE_MASTER: Array<[string, string, string, string | null]> = [
  ['index', 'idx_index_identity', 'index', "CREATE INDEX idx_index_identity ON 'index'(\n                parent_id, identity_key, predicate_key\n            )"],
  ['index', 'idx_index_module', 'index', "CREATE INDEX idx_index_module ON 'index'(module)"],
  ['index', 'idx_index_parent', 'index', "CREATE INDEX idx_index_parent ON 'index'(parent_id)"],
  ['index', 'idx_index_predicate_key', 'index', "CREATE INDEX idx_index_predicate_key ON 'index'(predicate_key)"],
  [
    'table',
    'index',
    'index',
    "CREATE TABLE 'index' (\n                record_id TEXT PRIMARY KEY,\n                kind TEXT NOT NULL,\n                module TEXT,\n                identity_key TEXT NOT NULL,\n                predicate_json TEXT NOT NULL,\n                predicate_key TEXT NOT NULL,\n                parent_id TEXT REFERENCES 'index' (record_id),\n                config_default_json TEXT NOT NULL DEFAULT '{}',\n                config_version_json TEXT NOT NULL DEFAULT '[]',\n                config_update_json TEXT NOT NULL DEFAULT '{}',\n                config_resolved_json TEXT NOT NULL DEFAULT '{}',\n                inherits_json TEXT NOT NULL DEFAULT '[]',\n                context_json TEXT NOT NULL DEFAULT '[]',\n                storage_uri TEXT NOT NULL,\n                local_uri TEXT,\n                storage_id TEXT,\n                hidden INTEGER NOT NULL DEFAULT 0,\n                bytes_missing INTEGER NOT NULL DEFAULT 0,\n                created_at_ns INTEGER NOT NULL,\n                updated_at_ns INTEGER NOT NULL,\n                created_by TEXT,\n                label TEXT,\n                extra_json TEXT NOT NULL DEFAULT '{}',\n                private_json TEXT NOT NULL DEFAULT '{}'\n            )",
  ],
  [
    'table',
    'relations',
    'relations',
    "CREATE TABLE relations (\n                id INTEGER PRIMARY KEY AUTOINCREMENT,\n                relation TEXT NOT NULL,\n                record_id TEXT NOT NULL REFERENCES 'index' (record_id),\n                related_id TEXT NOT NULL REFERENCES 'index' (record_id),\n                priority INTEGER NOT NULL DEFAULT 0,\n                created_at_ns INTEGER NOT NULL,\n                UNIQUE (record_id, related_id, relation)\n            )",
  ],
  ['index', 'sqlite_autoindex_index_1', 'index', null],
  ['index', 'sqlite_autoindex_relations_1', 'relations', null],
  ['table', 'sqlite_sequence', 'sqlite_sequence', 'CREATE TABLE sqlite_sequence(name,seq)'],
];

// PRAGMA table_info as the reference's file reports it: [cid, name, type, notnull, dflt_value, pk].
const REFERENCE_INDEX_COLUMNS: Array<[number, string, string, number, string | null, number]> = [
  [0, 'record_id', 'TEXT', 0, null, 1],
  [1, 'kind', 'TEXT', 1, null, 0],
  [2, 'module', 'TEXT', 0, null, 0],
  [3, 'identity_key', 'TEXT', 1, null, 0],
  [4, 'predicate_json', 'TEXT', 1, null, 0],
  [5, 'predicate_key', 'TEXT', 1, null, 0],
  [6, 'parent_id', 'TEXT', 0, null, 0],
  [7, 'config_default_json', 'TEXT', 1, "'{}'", 0],
  [8, 'config_version_json', 'TEXT', 1, "'[]'", 0],
  [9, 'config_update_json', 'TEXT', 1, "'{}'", 0],
  [10, 'config_resolved_json', 'TEXT', 1, "'{}'", 0],
  [11, 'inherits_json', 'TEXT', 1, "'[]'", 0],
  [12, 'context_json', 'TEXT', 1, "'[]'", 0],
  [13, 'storage_uri', 'TEXT', 1, null, 0],
  [14, 'local_uri', 'TEXT', 0, null, 0],
  [15, 'storage_id', 'TEXT', 0, null, 0],
  [16, 'hidden', 'INTEGER', 1, '0', 0],
  [17, 'bytes_missing', 'INTEGER', 1, '0', 0],
  [18, 'created_at_ns', 'INTEGER', 1, null, 0],
  [19, 'updated_at_ns', 'INTEGER', 1, null, 0],
  [20, 'created_by', 'TEXT', 0, null, 0],
  [21, 'label', 'TEXT', 0, null, 0],
  [22, 'extra_json', 'TEXT', 1, "'{}'", 0],
  [23, 'private_json', 'TEXT', 1, "'{}'", 0],
];
const REFERENCE_RELATION_COLUMNS: Array<[number, string, string, number, string | null, number]> = [
  [0, 'id', 'INTEGER', 0, null, 1],
  [1, 'relation', 'TEXT', 1, null, 0],
  [2, 'record_id', 'TEXT', 1, null, 0],
  [3, 'related_id', 'TEXT', 1, null, 0],
  [4, 'priority', 'INTEGER', 1, '0', 0],
  [5, 'created_at_ns', 'INTEGER', 1, null, 0],
];
const SECONDARY_INDEXES = ['idx_index_identity', 'idx_index_module', 'idx_index_parent', 'idx_index_predicate_key'];

function master(db: Database.Database): Array<[string, string, string, string | null]> {
  return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').raw(true).all() as Array<[string, string, string, string | null]>;
}

function tableInfo(db: Database.Database, table: string): unknown[][] {
  return db.prepare(`PRAGMA table_info(${table})`).raw(true).all() as unknown[][];
}

function secondaryIndexes(path: string): string[] {
  const db = plain(path);
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('index: schema and connection profile', () => {
  it("creates the reference's tables, columns and indexes, statement for statement", () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    const db = plain(path);
    assert.deepEqual(master(db), REFERENCE_MASTER);
    assert.deepEqual(tableInfo(db, "'index'"), REFERENCE_INDEX_COLUMNS);
    assert.deepEqual(tableInfo(db, 'relations'), REFERENCE_RELATION_COLUMNS);
    db.close();
  });

  it('stores schema version 11 in user_version and keeps WAL in the file', () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    assert.equal(SQLITE_INDEX_SCHEMA_VERSION, 11);
    const db = plain(path);
    assert.equal(db.pragma('user_version', { simple: true }), 11);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it("opens with the reference's profile: WAL, busy_timeout 5000, synchronous NORMAL, foreign keys off", () => {
    const index = new SqliteIndex(dbFile());
    const db = connectionOf(index);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(db.pragma('synchronous', { simple: true }), 1, 'NORMAL');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 0);
    index.close();
  });

  it('lets the busy timeout be chosen', () => {
    const index = new SqliteIndex(dbFile(), { busyTimeout: 250 });
    assert.equal(connectionOf(index).pragma('busy_timeout', { simple: true }), 250);
    index.close();
  });

  it('accepts :memory: (no WAL there, as in the reference)', () => {
    const index = new SqliteIndex(':memory:');
    assert.equal(connectionOf(index).pragma('journal_mode', { simple: true }), 'memory');
    assert.equal(index.ingest([item(row())]), 1);
    index.close();
  });

  it('says a reindex is needed when opening created the tables, not when reopening', () => {
    const path = dbFile();
    const first = new SqliteIndex(path);
    assert.equal(first.needsReindex, true);
    assert.equal(first.path, path);
    first.ingest([item(row())]);
    first.close();
    const again = new SqliteIndex(path);
    assert.equal(again.needsReindex, false);
    assert.equal(again.all({}).length, 1);
    again.close();
  });

  it('creates the directory the file goes in', () => {
    const path = join(scratch, 'new-project', 'nested', '.machinable.sqlite');
    new SqliteIndex(path).close();
    assert.ok(existsSync(path));
  });

  it('can be closed twice', () => {
    const index = new SqliteIndex(':memory:');
    index.close();
    index.close();
  });
});

describe('index: migration', () => {
  it("drops this package's previous schema (user_version 2, a records table) and asks for a reindex", () => {
    const path = dbFile();
    const db = plain(path);
    db.exec(`
      CREATE TABLE records (uuid TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, module TEXT NOT NULL, parent TEXT NOT NULL,
        identity_key TEXT NOT NULL, predicate_key TEXT NOT NULL, version TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE relations (from_uuid TEXT NOT NULL, relation TEXT NOT NULL, to_uuid TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (from_uuid, relation, to_uuid));
      CREATE UNIQUE INDEX records_dedup ON records (parent, identity_key, predicate_key);
      INSERT INTO records VALUES ('u1', 'Interface', 'train', '', 'k', 'p', '[]', '2024-01-01');
      INSERT INTO relations VALUES ('u1', 'uses', 'u2', '2024-01-01');
    `);
    db.pragma('user_version = 2');
    db.close();

    const index = new SqliteIndex(path);
    assert.equal(index.needsReindex, true);
    assert.deepEqual(index.all({}), []);
    index.close();
    const after = plain(path);
    assert.deepEqual(master(after), REFERENCE_MASTER, 'records and its index are gone, the reference schema is there');
    assert.equal(after.pragma('user_version', { simple: true }), 11);
    after.close();
  });

  it("drops an older reference schema's rows (user_version 10) and recreates the tables", () => {
    const path = dbFile();
    const db = plain(path);
    db.exec("CREATE TABLE 'index' (record_id TEXT PRIMARY KEY, stale TEXT); INSERT INTO 'index' VALUES ('x', 'y');");
    db.exec('CREATE TABLE relations (id INTEGER PRIMARY KEY, stale TEXT);');
    db.pragma('user_version = 10');
    db.close();
    const index = new SqliteIndex(path);
    assert.equal(index.needsReindex, true);
    assert.equal(index.get('x'), undefined);
    index.close();
    const after = plain(path);
    assert.deepEqual(master(after), REFERENCE_MASTER);
    after.close();
  });

  it('refuses a file a newer machinable wrote, naming it, and leaves it as it was', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    index.ingest([item(row())]);
    index.close();
    const db = plain(path);
    db.pragma('user_version = 12');
    db.close();

    assert.throws(
      () => new SqliteIndex(path),
      (error: unknown) => {
        assert.ok(error instanceof MachinableError);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /schema version 12/);
        assert.match(error.message, /newer machinable/);
        assert.match(error.message, /machinable reindex/);
        return true;
      },
    );
    const after = plain(path);
    assert.equal(after.pragma('user_version', { simple: true }), 12);
    assert.equal(after.prepare("SELECT count(*) FROM 'index'").pluck().get(), 1);
    after.close();
  });
});

describe('index: claim', () => {
  it('creates a row once: a second claim of the key returns the first without calling create()', () => {
    const index = new SqliteIndex(':memory:');
    let creates = 0;
    const first = row();
    const won = index.claim(first, () => {
      creates += 1;
    });
    const lost = index.claim(row(), () => {
      creates += 1;
    });
    assert.deepEqual(won, { row: first, created: true });
    assert.deepEqual(lost, { row: first, created: false });
    assert.equal(creates, 1);
    assert.deepEqual(index.get(first.record_id), first);
    index.close();
  });

  it('matches a null parent to a null parent, and keeps a child with the same keys apart', () => {
    const index = new SqliteIndex(':memory:');
    const top = row({ parent_id: null });
    const child = row({ parent_id: top.record_id });
    assert.equal(index.claim(top, () => undefined).created, true);
    assert.equal(index.claim(child, () => undefined).created, true);
    assert.equal(index.claim(row({ parent_id: null }), () => assert.fail('held')).row.record_id, top.record_id);
    assert.equal(index.claim(row({ parent_id: top.record_id }), () => assert.fail('held')).row.record_id, child.record_id);
    index.close();
  });

  it('returns a hidden row holding the key: hiding is a view, not permission to create twice', () => {
    const index = new SqliteIndex(':memory:');
    const held = row();
    index.claim(held, () => undefined);
    index.setHidden(held.record_id, true);
    const again = index.claim(row(), () => assert.fail('create() must not run'));
    assert.equal(again.created, false);
    assert.equal(again.row.record_id, held.record_id);
    assert.equal(again.row.hidden, true);
    index.close();
  });

  it('returns the oldest row when several hold the key', () => {
    const index = new SqliteIndex(':memory:');
    const newer = row({ created_at_ns: T0 + 2n });
    const older = row({ created_at_ns: T0 + 1n });
    index.claim(newer, () => undefined, { force: true });
    index.claim(older, () => undefined, { force: true });
    assert.equal(index.claim(row(), () => assert.fail('held')).row.record_id, older.record_id);
    index.close();
  });

  it('with force creates another row for a held key (run records repeat their keys)', () => {
    const index = new SqliteIndex(':memory:');
    const first = row();
    const second = row();
    index.claim(first, () => undefined);
    const forced = index.claim(second, () => undefined, { force: true });
    assert.deepEqual(forced, { row: second, created: true });
    assert.deepEqual(recordIds(index.all({ sort: [{ by: 'created_at_ns', direction: 'asc' }] })), [first.record_id, second.record_id]);
    index.close();
  });

  it('returns the row of a record id claimed again with the same keys, even with force', () => {
    const index = new SqliteIndex(':memory:');
    const held = row();
    index.claim(held, () => undefined);
    const again = index.claim({ ...held, parent_id: 'Other0000001' }, () => assert.fail('create() must not run'), { force: true });
    assert.deepEqual(again, { row: held, created: false });
    index.close();
  });

  it('refuses a record id held with other keys before create() runs', () => {
    const index = new SqliteIndex(':memory:');
    const held = row();
    index.claim(held, () => undefined);
    assert.throws(
      () => index.claim(row({ record_id: held.record_id, predicate_key: 'c'.repeat(32) }), () => assert.fail('create() must not run')),
      (error: unknown) => {
        assert.ok(error instanceof IndexCollisionError);
        assert.equal(error.recordId, held.record_id);
        assert.ok(error.message.includes(`${IDENTITY}/${PREDICATE}`), error.message);
        assert.ok(error.message.includes(`${IDENTITY}/${'c'.repeat(32)}`), error.message);
        return true;
      },
    );
    assert.deepEqual(index.get(held.record_id), held);
    index.close();
  });

  it('inserts nothing and rethrows when create() throws; the key is free again', () => {
    const index = new SqliteIndex(':memory:');
    const failing = row();
    assert.throws(
      () =>
        index.claim(failing, () => {
          throw new Error('disk full');
        }),
      /disk full/,
    );
    assert.equal(index.get(failing.record_id), undefined);
    assert.equal(index.lookup(failing), undefined);
    assert.equal(index.claim(row(), () => undefined).created, true);
    index.close();
  });

  it('inserts the row of an asynchronous create() once it resolved, not before (the lock is not held across it)', async () => {
    const index = new SqliteIndex(':memory:');
    const pending = row();
    let finish!: () => void;
    const claiming = index.claim(pending, () => new Promise<void>((resolve) => (finish = resolve)));
    assert.ok(claiming instanceof Promise, 'the claim answers when create() has');
    assert.equal(index.get(pending.record_id), undefined, 'no row for a record not written yet');
    index.claim(row({ record_id: 'other0000001' }), () => undefined); // the lock is free meanwhile
    finish();
    const claim = await claiming;
    assert.equal(claim.created, true);
    assert.equal(index.get(pending.record_id)?.storage_uri, pending.storage_uri);
    index.close();
  });

  it('leaves no row when an asynchronous create() rejects', async () => {
    const index = new SqliteIndex(':memory:');
    const pending = row();
    await assert.rejects(Promise.resolve(index.claim(pending, async () => Promise.reject(new Error('store refused')))), /store refused/);
    assert.equal(index.get(pending.record_id), undefined);
    index.close();
  });

  it('answers with the row indexed meanwhile when another process took the record over during an asynchronous create()', async () => {
    const index = new SqliteIndex(':memory:');
    const pending = row();
    const claim = await index.claim(pending, async () => {
      // Another process found the record at its location and indexed it from its directory.
      index.ingest([{ row: pending, relations: [] }]);
    });
    assert.equal(claim.row.record_id, pending.record_id, 'the record is the one this create() wrote');
    index.close();
  });

  it('lets exactly one of several processes claiming one key at once create it', { timeout: 60_000 }, async () => {
    const processes = 4;
    const dir = mkdtempSync(join(scratch, 'race-'));
    const db = join(dir, 'index.sqlite');
    const go = join(dir, 'go');
    const ready = join(dir, 'ready');
    const pids = join(dir, 'created-by');
    const script = join(dir, 'claim.mjs');
    // Each child opens the (not yet existing) file, says it is ready, spins until "go", then
    // claims; create() appends its pid and lingers so the others are surely waiting on the lock.
    writeFileSync(
      script,
      `
      import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
      const { SqliteIndex } = await import(${JSON.stringify(SQLITE_ENTRY)});
      const [db, go, ready, pids] = process.argv.slice(2);
      const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      const index = new SqliteIndex(db);
      mkdirSync(ready, { recursive: true });
      writeFileSync(ready + '/' + process.pid, '');
      while (!existsSync(go)) pause(1);
      const id = 'P' + String(process.pid).padStart(11, '0');
      const row = {
        record_id: id, kind: 'Interface', module: 'train', identity_key: ${JSON.stringify(IDENTITY)},
        predicate_key: ${JSON.stringify(PREDICATE)}, predicate: {}, parent_id: null, storage_uri: 'file:///store/' + id,
        local_uri: null, storage_id: null, hidden: false, bytes_missing: false,
        config: { default: {}, version: [], update: {}, resolved: {} }, inherits: [], context: [],
        created_at_ns: BigInt(Date.now()) * 1000000n, updated_at_ns: BigInt(Date.now()) * 1000000n,
        created_by: 'race', label: null, extra: {}, private: {},
      };
      const claim = index.claim(row, () => { appendFileSync(pids, process.pid + '\\n'); pause(100); });
      index.close();
      process.stdout.write(JSON.stringify({ pid: process.pid, own: id, created: claim.created, held: claim.row.record_id }));
      `,
    );

    const children = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, [script, db, go, ready, pids], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
      return { child, done };
    });

    const deadline = Date.now() + 30_000;
    while (!existsSync(ready) || readdirSync(ready).length < processes) {
      if (Date.now() > deadline) {
        for (const { child } of children) child.kill();
        const results = await Promise.all(children.map((c) => c.done));
        assert.fail(`children not ready: ${results.map((r) => r.err).join('\n')}`);
      }
      await sleep(10);
    }
    writeFileSync(go, '');

    const results = await Promise.all(children.map(({ done }) => done));
    for (const r of results) assert.equal(r.code, 0, r.err);
    const claims = results.map((r) => JSON.parse(r.out) as { pid: number; own: string; created: boolean; held: string });
    const winners = claims.filter((c) => c.created);
    assert.equal(winners.length, 1, 'exactly one process created the record');
    const winner = winners[0]!;
    assert.equal(winner.held, winner.own);
    for (const c of claims) assert.equal(c.held, winner.own, `process ${c.pid} got the winner's row`);
    assert.deepEqual(readFileSync(pids, 'utf8').trim().split('\n'), [String(winner.pid)], 'create() ran once');

    const index = new SqliteIndex(db);
    assert.deepEqual(recordIds(index.all({})), [winner.own]);
    index.close();
  });
});

describe('index: lookup', () => {
  it('returns the oldest non-hidden row holding a dedup key, a null parent matching a null parent', () => {
    const index = new SqliteIndex(':memory:');
    const oldest = row({ created_at_ns: T0 + 1n });
    const middle = row({ created_at_ns: T0 + 2n });
    const newest = row({ created_at_ns: T0 + 3n });
    index.ingest([item(newest), item(oldest), item(middle)]);
    const key = { parent_id: null, identity_key: IDENTITY, predicate_key: PREDICATE };
    assert.equal(index.lookup(key)?.record_id, oldest.record_id);
    index.setHidden(oldest.record_id, true);
    assert.equal(index.lookup(key)?.record_id, middle.record_id);
    index.setHidden(middle.record_id, true);
    index.setHidden(newest.record_id, true);
    assert.equal(index.lookup(key), undefined);
    assert.equal(index.lookup({ ...key, parent_id: oldest.record_id }), undefined);
    index.close();
  });

  it('orWithoutParent: a row under the parent first (even a newer one), else the oldest non-hidden row without a parent', () => {
    const index = new SqliteIndex(':memory:');
    const root = row({ record_id: 'Proot0000000', identity_key: 'root', created_at_ns: T0 });
    const loose = row({ record_id: 'Loose0000000', parent_id: null, created_at_ns: T0 + 1n });
    const looser = row({ record_id: 'Loose1111111', parent_id: null, created_at_ns: T0 + 2n });
    const scoped = row({ record_id: 'Scoped000000', parent_id: root.record_id, created_at_ns: T0 + 3n });
    index.ingest([root, looser, loose].map((r) => item(r)));
    const key = { parent_id: root.record_id, identity_key: IDENTITY, predicate_key: PREDICATE };
    assert.equal(index.lookup(key), undefined, 'without the option, only under the parent');
    assert.equal(index.lookup(key, { orWithoutParent: true })?.record_id, loose.record_id, 'the oldest without a parent');
    index.setHidden(loose.record_id, true);
    assert.equal(index.lookup(key, { orWithoutParent: true })?.record_id, looser.record_id, 'hidden rows are skipped');
    index.ingest([item(scoped)]);
    assert.equal(index.lookup(key, { orWithoutParent: true })?.record_id, scoped.record_id, 'the one under the parent wins');
    assert.equal(index.lookup({ ...key, identity_key: 'other' }, { orWithoutParent: true }), undefined);
    index.close();
  });

  it('latest(): the newest row of a kind under a parent, hidden or not, ties by record id (what a find sorts by default)', () => {
    const index = new SqliteIndex(':memory:');
    const parent = row();
    const first = row({ kind: 'Execution', parent_id: parent.record_id, created_at_ns: T0 + 10n });
    const tieB = row({ record_id: 'Bbbbbbbbbbbb', kind: 'Execution', parent_id: parent.record_id, created_at_ns: T0 + 20n });
    const tieA = row({ record_id: 'Aaaaaaaaaaaa', kind: 'Execution', parent_id: parent.record_id, created_at_ns: T0 + 20n });
    const other = row({ kind: 'Interface', parent_id: parent.record_id, created_at_ns: T0 + 30n });
    index.ingest([parent, first, tieB, tieA, other].map((r) => item(r)));
    assert.equal(index.latest(parent.record_id, 'Execution')?.record_id, 'Aaaaaaaaaaaa');
    assert.equal(index.latest(parent.record_id, 'Execution')?.record_id, index.search({ parent_id: parent.record_id, kind: 'Execution', limit: 1, include_hidden: true }).items[0]?.record_id);
    index.setHidden('Aaaaaaaaaaaa', true);
    assert.equal(index.latest(parent.record_id, 'Execution')?.record_id, 'Aaaaaaaaaaaa', 'hidden rows count');
    assert.equal(index.latest(first.record_id, 'Execution'), undefined);
    index.close();
  });

  it('breaks a tie on created_at_ns by record id', () => {
    const index = new SqliteIndex(':memory:');
    index.ingest([item(row({ record_id: 'Bbbbbbbbbbbb', created_at_ns: T0 })), item(row({ record_id: 'Aaaaaaaaaaaa', created_at_ns: T0 }))]);
    assert.equal(index.lookup({ parent_id: null, identity_key: IDENTITY, predicate_key: PREDICATE })?.record_id, 'Aaaaaaaaaaaa');
    index.close();
  });

  it('get() returns the row of a record id, or undefined', () => {
    const index = new SqliteIndex(':memory:');
    const r = row();
    index.ingest([item(r)]);
    assert.deepEqual(index.get(r.record_id), r);
    assert.equal(index.get('Missing00001'), undefined);
    index.close();
  });
});

describe('index: ingest', () => {
  it('inserts new rows with an empty overlay, whatever the row says, and returns how many were new', () => {
    const index = new SqliteIndex(':memory:');
    const a = row({ hidden: true, bytes_missing: true, private: { note: 'x' } });
    const b = row({ parent_id: 'NotYetThere1' });
    assert.equal(index.ingest([item(a), item(b)]), 2);
    assert.deepEqual(index.get(a.record_id), { ...a, hidden: false, bytes_missing: false, private: {} });
    assert.deepEqual(index.get(b.record_id), b, 'a parent that is not indexed yet is fine (forward reference)');
    index.close();
  });

  it('refreshes a known record from its directory and keeps created_at_ns, created_by, parent_id and the overlay', () => {
    const index = new SqliteIndex(':memory:');
    const original = row({ label: 'old', parent_id: 'Parent000001' });
    index.ingest([item(original)]);
    index.setHidden(original.record_id, true);
    index.setPrivate(original.record_id, { note: 'mine' });
    connectionOf(index).prepare("UPDATE 'index' SET bytes_missing = 1 WHERE record_id = ?").run(original.record_id);

    const moved: IndexRow = {
      ...original,
      kind: 'Execution',
      module: 'train.v2',
      predicate: { started_at: '2026-01-01_120000' },
      config: { default: { lr: 0.1 }, version: ['~fast'], update: { lr: 0.2 }, resolved: { lr: 0.2 } },
      inherits: ['base'],
      context: [['scope', []]],
      label: 'new',
      extra: { seed: 7 },
      storage_uri: 'file:///elsewhere/x',
      local_uri: 'file:///scratch/x',
      storage_id: 'remote',
      updated_at_ns: original.updated_at_ns + 5n,
      created_at_ns: original.created_at_ns + 99n,
      created_by: 'someone else',
      parent_id: 'Parent000002',
      hidden: false,
      private: { other: 1 },
    };
    assert.equal(index.ingest([item(moved)]), 0);
    assert.deepEqual(index.get(original.record_id), {
      ...moved,
      created_at_ns: original.created_at_ns,
      created_by: original.created_by,
      parent_id: original.parent_id,
      hidden: true,
      bytes_missing: true,
      private: { note: 'mine' },
    });
    index.close();
  });

  it('refuses a record id held with other keys, naming the directory, and writes nothing of the batch', () => {
    const index = new SqliteIndex(':memory:');
    const held = row();
    index.ingest([item(held)]);
    const innocent = row();
    const impostor = row({ record_id: held.record_id, identity_key: 'f'.repeat(24), storage_uri: 'file:///home/alice/impostor' });
    assert.throws(
      () => index.ingest([item(innocent, [{ relation: 'r', record_id: innocent.record_id, related_id: held.record_id }]), item(impostor)]),
      (error: unknown) => {
        assert.ok(error instanceof IndexCollisionError);
        assert.equal(error.recordId, held.record_id);
        assert.match(error.message, /file:\/\/\/home\/alice\/impostor/);
        assert.ok(error.message.includes(held.storage_uri), 'and where the indexed one lives');
        return true;
      },
    );
    assert.deepEqual(index.get(held.record_id), held, 'never merged');
    assert.equal(index.get(innocent.record_id), undefined);
    assert.deepEqual(index.relations(innocent.record_id), []);
    index.close();
  });

  it('writes a batch all or nothing when iterating the items fails', () => {
    const index = new SqliteIndex(':memory:');
    function* broken(): Generator<IngestItem> {
      yield item(row());
      throw new Error('storage went away');
    }
    assert.throws(() => index.ingest(broken()), /storage went away/);
    assert.deepEqual(index.all({}), []);
    index.close();
  });

  it('adds relations idempotently with priority 0 and the time of ingest, forward references included', () => {
    const index = new SqliteIndex(':memory:');
    const a = row();
    const edge = { relation: 'Interface.Interface.using', record_id: a.record_id, related_id: 'NotYetThere1' };
    const before = BigInt(Date.now()) * 1_000_000n;
    index.ingest([item(a, [edge, edge])]);
    index.ingest([item(a, [edge])]);
    const held = index.relations(a.record_id);
    assert.equal(held.length, 1);
    assert.deepEqual({ ...held[0]!, created_at_ns: 0n }, { ...edge, priority: 0, created_at_ns: 0n });
    assert.ok(held[0]!.created_at_ns >= before);
    index.close();
  });
});

describe('index: values round trip', () => {
  it('keeps floats and ints apart, big integers exact and non-ASCII escaped as the reference writes it', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const big = 2n ** 63n - 1n;
    const r = row({
      config: {
        default: { lr: new PyFloat(1), n: 1 },
        version: [{ lr: 0.5 }, '~café'],
        update: {},
        resolved: { lr: new PyFloat(1), n: 1, huge: 123456789012345678901234567890n, name: 'café 😀', eps: 1e-5 },
      },
      created_at_ns: big,
      updated_at_ns: 9007199254740993n,
      extra: { seed: 9007199254740993n },
    });
    index.ingest([item(r)]);
    const back = index.get(r.record_id)!;
    assert.deepEqual(back, r);
    assert.ok(back.config.resolved['lr'] instanceof PyFloat);
    assert.equal(back.config.resolved['n'], 1);
    assert.equal(back.created_at_ns, big);
    index.close();

    const db = plain(path);
    const stored = db.prepare("SELECT config_resolved_json, config_version_json, typeof(created_at_ns) AS t FROM 'index'").get() as Record<string, string>;
    assert.equal(stored['config_resolved_json'], '{"eps":1e-05,"huge":123456789012345678901234567890,"lr":1.0,"n":1,"name":"caf\\u00e9 \\ud83d\\ude00"}');
    assert.equal(stored['config_version_json'], '[{"lr":0.5},"~caf\\u00e9"]');
    assert.equal(stored['t'], 'integer');
    db.close();
  });

  it("reads an empty local_uri as null, and a row written with the table's defaults", () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    const db = plain(path);
    // What another writer may leave: only the NOT NULL columns without defaults.
    db.prepare(
      `INSERT INTO 'index' (record_id, kind, identity_key, predicate_json, predicate_key, storage_uri, local_uri, created_at_ns, updated_at_ns)
       VALUES ('Minimal00001', 'Interface', 'k', '{}', 'p', 'file:///x', '', 1, 2)`,
    ).run();
    db.close();
    const index = new SqliteIndex(path);
    assert.deepEqual(index.get('Minimal00001'), {
      record_id: 'Minimal00001',
      kind: 'Interface',
      module: null,
      identity_key: 'k',
      predicate_key: 'p',
      predicate: {},
      parent_id: null,
      storage_uri: 'file:///x',
      local_uri: null,
      storage_id: null,
      hidden: false,
      bytes_missing: false,
      config: { default: {}, version: [], update: {}, resolved: {} },
      inherits: [],
      context: [],
      created_at_ns: 1n,
      updated_at_ns: 2n,
      created_by: null,
      label: null,
      extra: {},
      private: {},
    });
    index.close();
  });
});

describe('index: overlay, updates and removal', () => {
  it('hides and shows a record without touching updated_at_ns', () => {
    const index = new SqliteIndex(':memory:');
    const r = row();
    index.ingest([item(r)]);
    index.setHidden(r.record_id, true);
    assert.equal(index.get(r.record_id)?.hidden, true);
    assert.equal(index.get(r.record_id)?.updated_at_ns, r.updated_at_ns);
    assert.equal(index.find({}).total, 0);
    index.setHidden(r.record_id, false);
    assert.equal(index.find({}).total, 1);
    index.close();
  });

  it('sets the label and updated_at_ns columns, each alone', () => {
    const index = new SqliteIndex(':memory:');
    const r = row();
    index.ingest([item(r)]);
    index.setLabel(r.record_id, 'baseline');
    assert.deepEqual(index.get(r.record_id), { ...r, label: 'baseline' });
    index.setUpdatedAt(r.record_id, T0 + 42n);
    assert.deepEqual(index.get(r.record_id), { ...r, label: 'baseline', updated_at_ns: T0 + 42n });
    index.setLabel(r.record_id, null);
    assert.equal(index.get(r.record_id)?.label, null);
    index.close();
  });

  it('merges the private overlay key by key, null deleting a key, and stores canonical JSON', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const r = row();
    index.ingest([item(r)]);
    assert.deepEqual(index.setPrivate(r.record_id, { note: 'café', score: new PyFloat(1) }), { note: 'café', score: new PyFloat(1) });
    assert.deepEqual(index.setPrivate(r.record_id, { tags: ['a'], note: null }), { score: new PyFloat(1), tags: ['a'] });
    assert.deepEqual(index.get(r.record_id)?.private, { score: new PyFloat(1), tags: ['a'] });
    assert.deepEqual(index.get(r.record_id)?.updated_at_ns, r.updated_at_ns, 'overlay writes never bump updated_at');
    const db = plain(path);
    assert.equal(db.prepare("SELECT private_json FROM 'index'").pluck().get(), '{"score":1.0,"tags":["a"]}');
    db.close();
    index.close();
  });

  it('replaces the private overlay with merge: false (null values still dropped)', () => {
    const index = new SqliteIndex(':memory:');
    const r = row();
    index.ingest([item(r)]);
    index.setPrivate(r.record_id, { a: 1, b: 2 });
    assert.deepEqual(index.setPrivate(r.record_id, { c: 3, d: null }, { merge: false }), { c: 3 });
    assert.deepEqual(index.get(r.record_id)?.private, { c: 3 });
    index.close();
  });

  it('removes a row and the relations it holds, keeping those of others that point at it', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b] = [row(), row()];
    index.ingest([
      item(a, [{ relation: 'Interface.Interface.using', record_id: a.record_id, related_id: b.record_id }]),
      item(b, [{ relation: 'Interface.Interface.using', record_id: b.record_id, related_id: a.record_id }]),
    ]);
    index.remove(a.record_id);
    assert.equal(index.get(a.record_id), undefined);
    assert.deepEqual(index.relations(a.record_id), []);
    assert.deepEqual(index.relations(b.record_id).map((r) => r.related_id), [a.record_id]);
    index.close();
  });

  it('lists record id, kind and location of every row, hidden ones included', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b] = [row(), row({ kind: 'Execution' })];
    index.ingest([item(a), item(b)]);
    index.setHidden(b.record_id, true);
    const sorted = index.locations().sort((x, y) => x.record_id.localeCompare(y.record_id));
    assert.deepEqual(sorted, [
      { record_id: a.record_id, kind: 'Interface', storage_uri: a.storage_uri },
      { record_id: b.record_id, kind: 'Execution', storage_uri: b.storage_uri },
    ]);
    index.close();
  });
});

describe('index: relations', () => {
  const USING = 'Interface.Interface.using';
  const DERIVED = 'Interface.Interface.derivatives';

  it('adds relations, keeps one row per (record, related, relation), and counts the new ones', () => {
    const index = new SqliteIndex(':memory:');
    assert.equal(index.relate([{ relation: USING, record_id: 'A', related_id: 'B' }, { relation: USING, record_id: 'A', related_id: 'C' }]), 2);
    assert.equal(index.relate([{ relation: USING, record_id: 'A', related_id: 'B' }, { relation: DERIVED, record_id: 'A', related_id: 'B' }]), 1);
    assert.equal(index.relations('A').length, 3);
    index.close();
  });

  it('lists the relations a record holds, newest first, optionally of one name, or those pointing at it', () => {
    const index = new SqliteIndex(':memory:');
    index.relate([{ relation: USING, record_id: 'A', related_id: 'B' }]);
    index.relate([{ relation: USING, record_id: 'A', related_id: 'C' }]);
    index.relate([{ relation: DERIVED, record_id: 'A', related_id: 'D' }]);
    index.relate([{ relation: USING, record_id: 'X', related_id: 'B' }]);
    const held: RelationRow[] = index.relations('A');
    assert.deepEqual(held.map((r) => r.related_id), ['D', 'C', 'B']);
    assert.ok(held.every((r, i) => i === 0 || r.created_at_ns <= held[i - 1]!.created_at_ns));
    assert.ok(held.every((r) => r.priority === 0 && typeof r.created_at_ns === 'bigint'));
    assert.deepEqual(index.relations('A', { relation: USING }).map((r) => r.related_id), ['C', 'B']);
    assert.deepEqual(index.relations('B', { inverse: true }).map((r) => r.record_id), ['X', 'A']);
    assert.deepEqual(index.relations('B', { inverse: true, relation: DERIVED }), []);
    assert.deepEqual(index.relations('B'), [], 'relations are directed');
    index.close();
  });

  it('writes relations all or nothing', () => {
    const index = new SqliteIndex(':memory:');
    function* broken(): Generator<Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>> {
      yield { relation: USING, record_id: 'A', related_id: 'B' };
      throw new Error('log went away');
    }
    assert.throws(() => index.relate(broken()), /log went away/);
    assert.deepEqual(index.relations('A'), []);
    index.close();
  });
});

/**
 * Rows for the find algebra: configs with ints, floats, text, null, booleans, lists and objects,
 * so that every operator meets SQLite's mixed-type rules. Created one second apart, A oldest.
 */
function findFixture(): { index: SqliteIndex; r: Record<string, IndexRow> } {
  const index = new SqliteIndex(':memory:');
  const at = (n: number): bigint => T0 + BigInt(n) * 1_000_000_000n;
  const cfg = (resolved: Record<string, JsonValue>, defaults: Record<string, JsonValue> = { lr: 0.1, epochs: 10 }) => ({
    default: defaults,
    version: [],
    update: {},
    resolved,
  });
  const r: Record<string, IndexRow> = {
    A: row({
      record_id: 'FixA00000001', module: 'train', label: 'first', created_by: 'ada', created_at_ns: at(1), updated_at_ns: at(9),
      config: cfg({ lr: 0.1, epochs: 10, name: 'alpha', tags: ['x', 'y'], opt: { kind: 'adam', beta: 0.9 }, flag: true }),
    }),
    B: row({
      record_id: 'FixB00000002', module: 'train', label: 'second', created_by: 'bob', created_at_ns: at(2), updated_at_ns: at(8),
      identity_key: 'b'.repeat(24), config: cfg({ lr: 0.01, epochs: 20, name: 'beta', flag: false }, { lr: 0.05, epochs: 10 }),
    }),
    C: row({
      record_id: 'FixC00000003', module: 'eval', label: null, created_by: 'ada', created_at_ns: at(3), updated_at_ns: at(7),
      identity_key: 'c'.repeat(24), config: cfg({ lr: new PyFloat(1), epochs: 5, name: 'gamma' }),
    }),
    D: row({
      record_id: 'FixD00000004', module: 'train', label: 'first', created_by: null, created_at_ns: at(4), updated_at_ns: at(6),
      identity_key: 'd'.repeat(24), config: cfg({ lr: 'high', epochs: null, name: 'ALPHA' }),
    }),
    E: row({
      record_id: 'FixE00000005', kind: 'Execution', module: 'machinable.execution', created_by: 'ada', created_at_ns: at(5), updated_at_ns: at(5),
      identity_key: 'e'.repeat(24), parent_id: 'FixA00000001', predicate_key: '2026-01-01_120000',
      predicate: { started_at: '2026-01-01_120000', resources: null, nested: { a: 1 }, gpu: true }, config: cfg({}, {}),
    }),
    F: row({
      record_id: 'FixF00000006', kind: 'Execution', module: 'machinable.execution', created_by: 'ada', created_at_ns: at(6), updated_at_ns: at(4),
      identity_key: 'e'.repeat(24), parent_id: 'FixA00000001', predicate_key: '2026-01-01_120001',
      predicate: { started_at: '2026-01-01_120001', gpu: false }, config: cfg({}, {}),
    }),
    G: row({
      record_id: 'FixG00000007', module: 'train', created_by: 'ada', created_at_ns: at(7), updated_at_ns: at(3),
      identity_key: 'g'.repeat(24), config: cfg({ lr: 0.3, epochs: 30, name: 'missing bytes' }),
    }),
  };
  index.ingest(Object.values(r).map((x) => item(x)));
  index.setHidden(r['F']!.record_id, true);
  connectionOf(index).prepare("UPDATE 'index' SET bytes_missing = 1 WHERE record_id = ?").run(r['G']!.record_id);
  return { index, r };
}

/** Record ids of a find, letters only (`FixA00000001` → `A`), in order. */
function letters(index: SqliteIndex, request: FindRequest): string {
  return index.find(request).items.map((i) => i.record_id[3]).join('');
}

function filter(path: string, op: string, value: unknown, layer = 'resolved'): FindRequest {
  return { config: { layer, filters: [{ path, op, value }] } } as unknown as FindRequest;
}

describe('index: find', () => {
  let index: SqliteIndex;
  let rows: Record<string, IndexRow>;
  before(() => {
    ({ index, r: rows } = findFixture());
  });
  after(() => index.close());

  it('returns visible rows newest first by default, with the total', () => {
    const result = index.find({});
    assert.equal(result.total, 5);
    assert.equal(letters(index, {}), 'EDCBA');
  });

  it('returns the summary fields only, as the reference', () => {
    const [first] = index.find({ limit: 1 }).items;
    assert.deepEqual(Object.keys(first!), [
      'record_id', 'kind', 'module', 'identity_key', 'predicate_key', 'parent_id', 'storage_uri', 'local_uri',
      'storage_id', 'hidden', 'bytes_missing', 'created_at_ns', 'created_by', 'label',
    ]);
    assert.equal(typeof first!.created_at_ns, 'bigint');
  });

  it('filters by equality on module, kind, created_by, label, parent_id, identity_key and predicate_key', () => {
    assert.equal(letters(index, { module: 'train' }), 'DBA');
    assert.equal(letters(index, { kind: 'Execution' }), 'E');
    assert.equal(letters(index, { created_by: 'ada' }), 'ECA');
    assert.equal(letters(index, { label: 'first' }), 'DA');
    assert.equal(letters(index, { parent_id: 'FixA00000001', include_hidden: true }), 'FE');
    assert.equal(letters(index, { identity_key: 'b'.repeat(24) }), 'B');
    assert.equal(letters(index, { predicate_key: '2026-01-01_120000' }), 'E');
    assert.equal(letters(index, { module: 'train', label: 'first', created_by: null }), 'DA', 'null means no filter');
  });

  it('matches dotted predicate paths, a boolean as the integer json_extract yields', () => {
    assert.equal(letters(index, { predicate: { started_at: '2026-01-01_120000' } }), 'E');
    assert.equal(letters(index, { predicate: { 'nested.a': 1 } }), 'E');
    assert.equal(letters(index, { predicate: { gpu: true } }), 'E');
    assert.equal(letters(index, { predicate: { gpu: false }, include_hidden: true }), 'F');
    assert.equal(letters(index, { predicate: { resources: null } }), '', "null is bound as the text 'null': JSON null never matches");
    assert.equal(letters(index, { predicate: {} }), 'EDCBA');
  });

  it('compares config values with eq: ints equal floats by value, objects and lists by canonical JSON', () => {
    assert.equal(letters(index, filter('lr', 'eq', 0.1)), 'A');
    assert.equal(letters(index, filter('lr', 'eq', 1)), 'C', 'the int 1 equals the stored float 1.0');
    assert.equal(letters(index, filter('lr', 'eq', new PyFloat(1))), 'C');
    assert.equal(letters(index, filter('name', 'eq', 'alpha')), 'A', 'eq is case-sensitive');
    assert.equal(letters(index, filter('opt', 'eq', { kind: 'adam', beta: 0.9 })), 'A');
    assert.equal(letters(index, filter('tags', 'eq', ['x', 'y'])), 'A');
    assert.equal(letters(index, filter('tags[1]', 'eq', 'y')), 'A');
    assert.equal(letters(index, filter('opt.kind', 'eq', 'adam')), 'A');
  });

  it("binds a boolean as the text 'true'/'false' and null as 'null', as the reference: they match no stored boolean or null", () => {
    assert.equal(letters(index, filter('flag', 'eq', true)), '');
    assert.equal(letters(index, filter('flag', 'eq', 1)), 'A');
    assert.equal(letters(index, filter('epochs', 'eq', null)), '');
  });

  it('orders mixed types as SQLite does: NULL matches nothing, numbers < text', () => {
    assert.equal(letters(index, filter('lr', 'ne', 0.1)), 'DCB', 'text differs from a number; missing (NULL) never matches');
    assert.equal(letters(index, filter('lr', 'gt', 0.05)), 'DCA', "'high' is greater than any number");
    assert.equal(letters(index, filter('lr', 'gte', 0.1)), 'DCA');
    assert.equal(letters(index, filter('lr', 'lt', 0.1)), 'B');
    assert.equal(letters(index, filter('lr', 'lte', 0.1)), 'BA');
    assert.equal(letters(index, filter('lr', 'lt', 'a')), 'CBA', 'every number is less than any text');
    assert.equal(letters(index, filter('name', 'gt', 1e6)), 'DCBA');
  });

  it('matches membership with in: a list, a single value, an empty list matching nothing', () => {
    assert.equal(letters(index, filter('epochs', 'in', [10, 5])), 'CA');
    assert.equal(letters(index, filter('epochs', 'in', 20)), 'B');
    assert.equal(letters(index, filter('name', 'in', ['alpha', 'gamma', 'nope'])), 'CA');
    assert.equal(letters(index, filter('epochs', 'in', [])), '');
  });

  it("matches substrings with contains, as LIKE '%value%': escaped, case-insensitive for ASCII, numbers as text; like takes a pattern", () => {
    assert.equal(letters(index, filter('name', 'contains', 'amm')), 'C');
    assert.equal(letters(index, filter('name', 'contains', 'lph')), 'DA', 'LIKE ignores ASCII case');
    assert.equal(letters(index, filter('name', 'like', '%a%a%')), 'DCA', '% in a like pattern is a wildcard');
    assert.equal(letters(index, filter('epochs', 'contains', 2)), 'B');
  });

  it("writes a contains pattern as Python's str() of the value", () => {
    assert.equal(pyStr('café'), 'café');
    assert.equal(pyStr(true), 'True');
    assert.equal(pyStr(null), 'None');
    assert.equal(pyStr(new PyFloat(1)), '1.0');
    assert.equal(pyStr(1e-5), '1e-05');
    assert.equal(pyStr(12345678901234567890n), '12345678901234567890');
    assert.equal(pyStr({ a: [1, new PyFloat(2), "it's", null, false], 'b\n': 'é\u0000' }), `{'a': [1, 2.0, "it's", None, False], 'b\\n': 'é\\x00'}`);
  });

  it('filters another config layer when asked', () => {
    assert.equal(letters(index, filter('lr', 'eq', 0.05, 'default')), 'B');
    assert.equal(letters(index, filter('lr', 'eq', 0.1, 'resolved')), 'A');
    assert.equal(letters(index, { config: { filters: [{ path: 'lr', value: 0.1 }] } }), 'A', 'layer resolved and op eq by default');
    assert.equal(letters(index, { config: { layer: 'update', filters: [] } }), 'EDCBA');
  });

  it('combines clauses with AND', () => {
    assert.equal(letters(index, { module: 'train', config: { filters: [{ path: 'lr', op: 'gte', value: 0.05 }, { path: 'epochs', op: 'lt', value: 15 }] } }), 'A');
  });

  it('includes hidden rows and rows whose bytes are missing only when asked', () => {
    assert.equal(letters(index, { include_hidden: true }), 'FEDCBA');
    assert.equal(letters(index, { include_bytes_missing: true }), 'GEDCBA');
    assert.equal(letters(index, { include_hidden: true, include_bytes_missing: true }), 'GFEDCBA');
  });

  it('matches a record id suffix', () => {
    assert.equal(letters(index, { record_id_suffix: '00000003' }), 'C');
    assert.equal(letters(index, { record_id_suffix: '0' }), '');
  });

  it('sorts by each sortable column in both directions, "asc" in any case', () => {
    assert.equal(letters(index, { sort: [{ by: 'created_at_ns', direction: 'asc' }] }), 'ABCDE');
    assert.equal(letters(index, { sort: [{ by: 'created_at_ns', direction: 'ASC' as 'asc' }] }), 'ABCDE');
    assert.equal(letters(index, { sort: [{ by: 'created_at_ns', direction: 'desc' }] }), 'EDCBA');
    assert.equal(letters(index, { sort: [{ by: 'updated_at_ns', direction: 'asc' }] }), 'EDCBA');
    assert.equal(letters(index, { sort: [{ by: 'updated_at_ns' }] }), 'ABCDE', 'direction defaults to desc');
    assert.equal(letters(index, { sort: [{ by: 'created_by', direction: 'asc' }, { by: 'created_at_ns', direction: 'asc' }] }), 'DACEB');
    assert.equal(letters(index, { sort: [{ by: 'label', direction: 'asc' }, { by: 'created_at_ns' }] }), 'ECDAB');
    assert.equal(letters(index, { sort: [{ by: 'module', direction: 'desc' }, { by: 'created_at_ns', direction: 'asc' }] }), 'ABDEC');
    assert.equal(letters(index, { sort: [{ by: 'kind', direction: 'asc' }, { by: 'created_at_ns', direction: 'asc' }] }), 'EABCD');
    assert.equal(letters(index, { sort: [{ direction: 'asc' }] }), 'ABCDE', 'by defaults to created_at_ns');
  });

  it('sorts by a config path in both directions, mixed types in SQLite order (NULL, numbers, text)', () => {
    assert.equal(letters(index, { sort: [{ by: 'lr', config_layer: 'resolved', direction: 'asc' }] }), 'EBACD');
    assert.equal(letters(index, { sort: [{ by: 'lr', config_layer: 'resolved', direction: 'desc' }] }), 'DCABE');
    assert.equal(letters(index, { sort: [{ by: 'lr', config_layer: 'default', direction: 'asc' }, { by: 'created_at_ns', direction: 'asc' }] }), 'EBACD');
  });

  it('breaks ties by record id, so pages are stable', () => {
    const tie = new SqliteIndex(':memory:');
    tie.ingest(['Tie000000003', 'Tie000000001', 'Tie000000002'].map((record_id, i) => item(row({ record_id, identity_key: String(i).repeat(24), created_at_ns: T0 }))));
    assert.deepEqual(recordIds(tie.find({}).items), ['Tie000000001', 'Tie000000002', 'Tie000000003']);
    assert.deepEqual(recordIds(tie.find({ limit: 1, offset: 1 }).items), ['Tie000000002']);
    tie.close();
  });

  it('pages with limit and offset; the total counts every match', () => {
    assert.deepEqual({ ...index.find({ limit: 2 }), items: letters(index, { limit: 2 }) }, { items: 'ED', total: 5 });
    assert.equal(letters(index, { limit: 2, offset: 2 }), 'CB');
    assert.equal(letters(index, { limit: 2, offset: 4 }), 'A');
    assert.deepEqual(index.find({ offset: 10 }), { items: [], total: 5 });
    assert.equal(index.find({ limit: 1000 }).items.length, 5);
  });

  it('search() returns whole rows of a page, all() every match without paging', () => {
    const page = index.search({ module: 'train', limit: 1 });
    assert.equal(page.total, 3);
    assert.deepEqual(page.items, [rows['D']]);
    assert.deepEqual(recordIds(index.all({ module: 'train', limit: 1, offset: 1 })), ['FixD00000004', 'FixB00000002', 'FixA00000001']);
    assert.deepEqual(recordIds(index.all({ include_hidden: true, sort: [{ by: 'created_at_ns', direction: 'asc' }] })), [
      'FixA00000001', 'FixB00000002', 'FixC00000003', 'FixD00000004', 'FixE00000005', 'FixF00000006',
    ]);
  });

  const invalid: Array<[string, unknown, string, RegExp?]> = [
    ['an unknown key', { modul: 'train' }, 'modul', /did you mean 'module'.*module, kind, created_by/],
    ['a key the contract does not have', { include_status: true }, 'include_status'],
    ['a column value of the wrong type', { module: 3 }, 'module', /must be a string or null, not number 3/],
    ['a predicate that is not an object', { predicate: ['a'] }, 'predicate'],
    ['a malformed predicate path', { predicate: { 'a b': 1 } }, 'predicate.a b', /invalid path segment 'a b'/],
    ['a config that is not an object', { config: 'lr' }, 'config'],
    ['an unknown config key', { config: { layers: 'resolved' } }, 'config.layers', /did you mean 'layer'/],
    ['an unknown layer', { config: { layer: 'resolve' } }, 'config.layer', /did you mean 'resolved'.*default, version, update, resolved/],
    ['filters that are not a list', { config: { filters: { path: 'lr' } } }, 'config.filters'],
    ['a filter that is not an object', { config: { filters: ['lr'] } }, 'config.filters[0]'],
    ['an unknown filter key', { config: { filters: [{ path: 'lr', vale: 1 }] } }, 'config.filters[0].vale', /did you mean 'value'/],
    ['a filter without a path', { config: { filters: [{ op: 'eq', value: 1 }] } }, 'config.filters[0].path', /required/],
    ['an unknown operator', { config: { filters: [{ path: 'lr', op: 'ilike' }] } }, 'config.filters[0].op', /eq, ne, lt, lte, gt, gte, in, contains, like/],
    ['a malformed path segment', { config: { filters: [{ path: 'lr', value: 1 }, { path: 'a.b c' }] } }, 'config.filters[1].path', /invalid path segment 'b c'/],
    ['a path SQLite cannot read', { config: { filters: [{ path: 'layers[x]' }] } }, 'config.filters[0].path', /'layers\[x\]'.*SQLite cannot read it/],
    ['a value that is not JSON data', { config: { filters: [{ path: 'lr', value: new Date(0) }] } }, 'config.filters[0].value', /JSON data/],
    ['an integer beyond 64 bits', { config: { filters: [{ path: 'lr', op: 'in', value: [1, 2n ** 64n] }] } }, 'config.filters[0].value[1]', /64-bit/],
    ['sort that is not a list', { sort: { by: 'label' } }, 'sort'],
    ['an unknown sort key', { sort: [{ by: 'label', order: 'asc' }] }, 'sort[0].order', /by, config_layer, direction/],
    ['an unsortable column', { sort: [{ by: 'record_id' }] }, 'sort[0].by', /created_at_ns, updated_at_ns, created_by, label, module, kind/],
    ['an unknown sort layer', { sort: [{ by: 'lr', config_layer: 'resolve' }] }, 'sort[0].config_layer'],
    ['a malformed sort path', { sort: [{ by: 'a..b c', config_layer: 'resolved' }] }, 'sort[0].by'],
    ['a direction that is not a string', { sort: [{ by: 'label', direction: 1 }] }, 'sort[0].direction'],
    ['a limit of 0', { limit: 0 }, 'limit', /from 1 to 1000/],
    ['a limit above 1000', { limit: 1001 }, 'limit'],
    ['a fractional limit', { limit: 1.5 }, 'limit'],
    ['a limit as text', { limit: '10' }, 'limit'],
    ['a negative offset', { offset: -1 }, 'offset', />= 0/],
    ['a flag that is not a boolean', { include_hidden: 'yes' }, 'include_hidden'],
    ['a suffix that is not a string', { record_id_suffix: 2 }, 'record_id_suffix'],
  ];
  for (const [what, request, key, message] of invalid) {
    it(`refuses ${what}, naming ${key}`, () => {
      for (const call of [() => index.find(request as FindRequest), () => index.search(request as FindRequest), () => index.all(request as FindRequest)]) {
        assert.throws(call, (error: unknown) => {
          assert.ok(error instanceof FindRequestError, String(error));
          assert.equal(error.key, key);
          assert.ok(error.message.startsWith(`invalid find request: ${key}: `), error.message);
          if (message) assert.match(error.message, message);
          return true;
        });
      }
    });
  }

  it("accepts exactly the path segments SQLite's JSON path parser reads, whatever the rows hold", () => {
    const engine = connectionOf(index).prepare("SELECT json_set('{}', ?, 0)");
    const accepted = ['a', 'a-b', 'a_b', '0', 'A9', 'a]', 'a]b', 'a[0]', 'a[0][12]', 'a][0]'];
    const refused = ['[0]', 'a[x]', 'a[', 'a[0', 'a[]', 'a[0]x', 'a[-1]', 'a[0]]'];
    for (const segment of accepted) {
      assert.doesNotThrow(() => engine.get(`$.${segment}`), segment);
      assert.doesNotThrow(() => index.find({ config: { filters: [{ path: `x.${segment}` }] } }), segment);
    }
    for (const segment of refused) {
      assert.throws(() => engine.get(`$.${segment}`), /bad JSON path/, segment);
      assert.throws(() => index.find({ config: { filters: [{ path: `x.${segment}` }] } }), FindRequestError, segment);
    }
  });

  it('refuses a request that is not an object', () => {
    assert.throws(() => index.find(null as unknown as FindRequest), FindRequestError);
    assert.throws(() => index.find([] as unknown as FindRequest), FindRequestError);
  });

  it('accepts keys set to undefined as absent', () => {
    assert.equal(letters(index, { module: undefined, limit: undefined, config: { filters: [{ path: 'lr', value: undefined, op: 'ne' }] } }), 'DCBA');
  });
});

describe('index: find indexes on config paths', () => {
  const filled = (): SqliteIndex => {
    const index = new SqliteIndex(dbFile());
    index.ingest(Array.from({ length: 50 }, (_, i) => item(row({ config: { default: {}, version: [], update: {}, resolved: { lr: i / 100, opt: { name: i % 2 ? 'adam' : 'sgd' } } } }))));
    return index;
  };
  const withPlain = <T>(index: SqliteIndex, read: (db: Database.Database) => T): T => {
    const db = plain(index.path);
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  const findIndexes = (index: SqliteIndex): string[] =>
    withPlain(index, (db) => db.prepare<[], string>("SELECT sql FROM sqlite_master WHERE name LIKE 'idx_find_%' ORDER BY sql").pluck().all());

  it('a filtered, sorted find makes an expression index per config path, which the query plan then uses', () => {
    const index = filled();
    const request = { module: 'train', config: { filters: [{ path: 'lr', op: 'gt' as const, value: 0.2 }] }, sort: [{ by: 'opt.name', config_layer: 'resolved' as const, direction: 'desc' as const }], limit: 5 };
    const first = index.find(request);
    assert.deepEqual(findIndexes(index), [
      "CREATE INDEX idx_find_resolved_" + createHash('sha256').update('$.lr').digest('hex').slice(0, 16) + " ON 'index'(module, json_extract(config_resolved_json, '$.lr'), hidden, bytes_missing)",
      "CREATE INDEX idx_find_resolved_" + createHash('sha256').update('$.opt.name').digest('hex').slice(0, 16) + " ON 'index'(module, json_extract(config_resolved_json, '$.opt.name'), hidden, bytes_missing)",
    ].sort());
    const plan = withPlain(index, (db) =>
      db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM 'index' WHERE module = 'train' AND json_extract(config_resolved_json, '$.lr') > 0.2 AND hidden = 0 AND bytes_missing = 0").all(),
    ) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING COVERING INDEX idx_find_resolved_/);
    assert.equal(first.total, 29);
    assert.deepEqual(index.find(request), first, 'the same answer from the index');
    index.close();
  });

  it('a page of the newest records of the whole table, and a count of a module\'s records of one kind, are read from indexes made for them', () => {
    const index = filled();
    const newest = index.find({ include_hidden: true, limit: 5 });
    const counted = index.find({ module: 'train', kind: 'Interface', limit: 1 });
    assert.ok(findIndexes(index).some((sql) => sql.includes('idx_find_created_at_ns_desc')), 'the newest page has its index');
    assert.ok(findIndexes(index).some((sql) => sql.includes('idx_find_module_kind')), 'a module and kind have theirs');
    const plans = withPlain(index, (db) => [
      db.prepare("EXPLAIN QUERY PLAN SELECT * FROM 'index' WHERE bytes_missing = 0 ORDER BY created_at_ns DESC, record_id LIMIT 5").all(),
      db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM 'index' WHERE module = 'train' AND kind = 'Interface' AND hidden = 0 AND bytes_missing = 0").all(),
    ]) as { detail: string }[][];
    assert.match(plans[0]!.map((p) => p.detail).join('\n'), /USING INDEX idx_find_created_at_ns_desc/);
    assert.doesNotMatch(plans[0]!.map((p) => p.detail).join('\n'), /TEMP B-TREE/, 'no sort of the whole table');
    assert.match(plans[1]!.map((p) => p.detail).join('\n'), /USING COVERING INDEX idx_find_module_kind/);
    assert.deepEqual(index.find({ include_hidden: true, limit: 5 }), newest, 'the same answers from the indexes');
    assert.deepEqual(index.find({ module: 'train', kind: 'Interface', limit: 1 }), counted);
    index.close();
  });

  it('are dropped by rebuild (made again when asked), and no more than 16 are made', () => {
    const index = filled();
    index.find({ module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0 }] } });
    index.rebuild(() => undefined);
    assert.deepEqual(findIndexes(index), []);
    index.find({ module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0 }] } });
    assert.equal(findIndexes(index).length, 1);
    for (let i = 0; i < 20; i++) index.find({ module: 'train', config: { filters: [{ path: `k${i}`, op: 'eq', value: 1 }] } });
    assert.equal(findIndexes(index).length, 16);
    index.close();
  });
});

describe('index: rebuild', () => {
  it('runs the fill without the secondary indexes, builds them after, and keeps rows and overlay', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const kept = row();
    index.ingest([item(kept)]);
    index.setPrivate(kept.record_id, { note: 'mine' });
    let during: string[] = [];
    const added = index.rebuild(() => {
      during = secondaryIndexes(path);
      return index.ingest([item(kept), item(row())]);
    });
    assert.equal(added, 1);
    assert.deepEqual(during, []);
    assert.deepEqual(secondaryIndexes(path), SECONDARY_INDEXES);
    assert.deepEqual(index.get(kept.record_id)?.private, { note: 'mine' });
    index.close();
    const db = plain(path);
    assert.deepEqual(master(db), REFERENCE_MASTER);
    db.close();
  });

  it('builds the indexes again after a fill that throws', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    assert.throws(
      () =>
        index.rebuild(() => {
          throw new Error('storage went away');
        }),
      /storage went away/,
    );
    assert.deepEqual(secondaryIndexes(path), SECONDARY_INDEXES);
    index.close();
  });

  it('waits for an async fill before building the indexes again', async () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    let during: string[] = [];
    const result = await index.rebuild(async () => {
      await sleep(1);
      during = secondaryIndexes(path);
      return 'filled';
    });
    assert.equal(result, 'filled');
    assert.deepEqual(during, []);
    assert.deepEqual(secondaryIndexes(path), SECONDARY_INDEXES);
    await assert.rejects(
      index.rebuild(async () => {
        throw new Error('late failure');
      }),
      /late failure/,
    );
    assert.deepEqual(secondaryIndexes(path), SECONDARY_INDEXES);
    index.close();
  });

  it('repairs on open what a process that died mid-rebuild left: the indexes come back, the rows stay', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const r = row();
    index.ingest([item(r)]);
    index.close();
    const db = plain(path);
    for (const name of SECONDARY_INDEXES) db.exec(`DROP INDEX ${name}`);
    db.close();

    const again = new SqliteIndex(path);
    assert.equal(again.needsReindex, false);
    assert.deepEqual(secondaryIndexes(path), SECONDARY_INDEXES);
    assert.deepEqual(again.get(r.record_id), r);
    again.close();
    const after = plain(path);
    assert.deepEqual(master(after), REFERENCE_MASTER);
    after.close();
  });
});

/** Every record directory under a store (those holding a `.machinable` sentinel), sorted. */
function recordDirectories(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === '.machinable')) out.push(dir);
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return out.sort();
}

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The ingest items of a store, as the reference's reindex makes them (storage id 'storage'). */
function storeItems(store: string): IngestItem[] {
  return recordDirectories(store).map((dir) => {
    const record = readRecord(
      { header: readText(join(dir, 'id.json')), model: readText(join(dir, 'model.json')), updatedAt: readText(join(dir, 'updated_at')) },
      `file://${dir}`,
      dir,
    );
    const edges = parseEdgeLog(readText(join(dir, 'related', 'metadata.jsonl')) ?? '');
    return ingestItem({ header: record.header, model: record.model, location: record.location, updatedAtNs: record.updatedAtNs, storageId: 'storage' }, edges);
  });
}

describe('index: the conformance corpus', () => {
  const store = join(CORPUS, 'store');
  let path: string;
  let index: SqliteIndex;
  before(() => {
    assert.ok(existsSync(store), `the conformance corpus is not at ${CORPUS}; set MACHINABLE_CORPUS to its directory`);
    path = dbFile();
    index = new SqliteIndex(path);
    assert.equal(index.ingest(storeItems(store)), 5);
  });
  after(() => index?.close());

  it('ingests the store into the rows of expected_index.json, as the file itself holds them', () => {
    const expected = parseJson(readFileSync(join(CORPUS, 'expected_index.json'), 'utf8')) as {
      rows: Array<Record<string, JsonValue>>;
      relations: Array<Record<string, string>>;
    };
    const db = plain(path);
    const read = db.prepare("SELECT * FROM 'index' WHERE record_id = ?").safeIntegers(true);
    assert.equal(db.prepare("SELECT count(*) FROM 'index'").pluck().get(), expected.rows.length);
    for (const want of expected.rows) {
      const got = read.get(want['record_id']) as Record<string, string | bigint | null> | undefined;
      assert.ok(got, `row ${String(want['record_id'])}`);
      const storageUri = got['storage_uri'] as string;
      assert.ok(storageUri.startsWith('file://'));
      assert.deepEqual(
        {
          record_id: got['record_id'],
          kind: got['kind'],
          module: got['module'],
          identity_key: got['identity_key'],
          predicate_key: got['predicate_key'],
          parent_id: got['parent_id'],
          predicate: parseJson(got['predicate_json'] as string),
          config_resolved: parseJson(got['config_resolved_json'] as string),
          config_default: parseJson(got['config_default_json'] as string),
          label: got['label'],
          created_by: got['created_by'],
          created_at_ns: got['created_at_ns'],
          updated_at_ns: got['updated_at_ns'],
          storage_path: relative(store, storageUri.slice('file://'.length)),
        },
        want,
        `row ${String(want['record_id'])}`,
      );
    }
    const relations = db.prepare('SELECT relation, record_id, related_id FROM relations ORDER BY relation, record_id, related_id').all();
    assert.deepEqual(relations, expected.relations);
    db.close();
  });

  it('stores JSON columns as canonical JSON', () => {
    const db = plain(path);
    const rows = db.prepare("SELECT predicate_json, config_default_json, config_version_json, config_update_json, config_resolved_json, inherits_json, context_json, extra_json, private_json FROM 'index'").raw(true).all() as string[][];
    for (const columns of rows) for (const text of columns) assert.equal(text, canonicalJson(parseJson(text)));
    db.close();
  });

  it('answers every case of behavior.json', () => {
    const behavior = JSON.parse(readFileSync(join(CORPUS, 'behavior.json'), 'utf8')) as {
      cases: Array<{ note: string; request: FindRequest; expect: { total: number; record_ids: string[] } }>;
    };
    assert.equal(behavior.cases.length, 11);
    for (const { note, request, expect } of behavior.cases) {
      const result = index.find(request);
      assert.deepEqual({ total: result.total, record_ids: recordIds(result.items) }, expect, note);
    }
  });

  it('re-ingesting the store adds nothing and changes nothing', () => {
    const before = index.all({ include_hidden: true });
    assert.equal(index.ingest(storeItems(store)), 0);
    assert.deepEqual(index.all({ include_hidden: true }), before);
  });
});

// The reference's own code, run by Python against the same files: the selected definitions of
// index.py (migrate, load, _row_to_entry, _build_find_sql, ...) and the API models they use, executed
// from the reference's source, so that no copy of the algebra stands between the two.
