// The floors: the work of each figure done by hand, with plain `fs`, `JSON` and better-sqlite3 in
// the reference's SQLite schema (format v1), writing and reading what machinable writes and reads,
// and nothing else: no config resolution, no checks, no temporary files, no exceptions on the
// way. bench/verify.mjs holds each floor's output against machinable's.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, hostname, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The reference's schema (machinable 5.0, schema version 11), statement for statement as
 * packages/core/src/index/sqlite-schema.ts writes it (bench/verify.mjs compares the two files'
 * `sqlite_master`): the floors pay for the same table and the same b-tree indexes.
 */
export const REFERENCE_SCHEMA = [
  `CREATE TABLE 'index' (
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
            )`,
  "CREATE INDEX idx_index_module ON 'index'(module)",
  "CREATE INDEX idx_index_parent ON 'index'(parent_id)",
  "CREATE INDEX idx_index_predicate_key ON 'index'(predicate_key)",
  `CREATE INDEX idx_index_identity ON 'index'(
                parent_id, identity_key, predicate_key
            )`,
  `CREATE TABLE relations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                relation TEXT NOT NULL,
                record_id TEXT NOT NULL REFERENCES 'index' (record_id),
                related_id TEXT NOT NULL REFERENCES 'index' (record_id),
                priority INTEGER NOT NULL DEFAULT 0,
                created_at_ns INTEGER NOT NULL,
                UNIQUE (record_id, related_id, relation)
            )`,
];

/** The 24 columns of `'index'`, in table order. */
export const INDEX_COLUMNS = [
  'record_id', 'kind', 'module', 'identity_key', 'predicate_json', 'predicate_key', 'parent_id',
  'config_default_json', 'config_version_json', 'config_update_json', 'config_resolved_json',
  'inherits_json', 'context_json', 'storage_uri', 'local_uri', 'storage_id', 'hidden', 'bytes_missing',
  'created_at_ns', 'updated_at_ns', 'created_by', 'label', 'extra_json', 'private_json',
];
const INSERT = `INSERT INTO 'index' (${INDEX_COLUMNS.join(', ')}) VALUES (${INDEX_COLUMNS.map(() => '?').join(', ')})`;

/** Opens (creating) an index file with the reference's connection profile and schema. */
export function openIndex(path) {
  const db = new Database(path, { timeout: 5000 });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  db.pragma('synchronous = NORMAL');
  db.pragma('journal_mode = WAL');
  if (db.pragma('user_version', { simple: true }) !== 11) {
    db.transaction(() => {
      for (const sql of REFERENCE_SCHEMA) db.exec(sql);
      db.pragma('user_version = 11');
    }).immediate();
  }
  return db;
}

const sha = (text) => createHash('sha256').update(text).digest('hex');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A record id: 12 random base62 characters. */
export function recordId() {
  const bytes = randomBytes(12);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte % 62];
  return id;
}

/** The project root's keys and id, from the project folder's name (as the reference derives them). */
export function rootKeys(projectName) {
  const identity = sha('{"config":{},"module":"machinable.project"}').slice(0, 24);
  const predicate = sha(JSON.stringify({ name: projectName })).slice(0, 32);
  return { identity, predicate, id: `P${sha(`{"identity":"${identity}","predicate":"${predicate}"}`).slice(0, 11)}` };
}

/** The identity key of `trivial` with this seed (the default, 0, is left out of the identity). */
export function trivialIdentity(seed) {
  return sha(seed === 0 ? '{"config":{},"module":"trivial"}' : `{"config":{"seed":${seed}},"module":"trivial"}`).slice(0, 24);
}

export const EMPTY_PREDICATE_KEY = sha('{}').slice(0, 32);
export const EXECUTION_IDENTITY = sha('{"config":{},"module":"machinable.execution"}').slice(0, 24);
const USER = process.env.LOGNAME || process.env.USER || userInfo().username;

/** Now as the markers hold it: ISO-8601 with microseconds and offset (UTC here). */
let tick = 0;
function isoNow(ms = Date.now()) {
  tick = (tick + 1) % 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(tick).padStart(3, '0')}+00:00`;
}

const header = (uuid, kind, identity, predicate, parent) =>
  `{"format": 1, "uuid": "${uuid}", "kind": "${kind}", "identity_key": "${identity}", "predicate_key": "${predicate}", "parent": "${parent}"}`;

/**
 * Figure 1: a launcher that writes what one launch of `trivial` leaves, by hand. The interface
 * record `<storage>/<root identity>/<root predicate>/<identity>/<predicate>/` (`.machinable`,
 * `id.json`, `model.json`, `updated_at`, `result.json`, `cached`) and its run record
 * `<record>/<execution identity>/<YYYY-MM-DD_HHMMSS>/` (`.machinable`, `id.json`, `model.json`,
 * `updated_at`, `started_at`, `heartbeat_at`, `finished_at`, `host.json`), every file written once
 * with `writeFileSync`, every directory made with one `mkdirSync`; and their two index rows, each
 * inserted in its own `BEGIN IMMEDIATE` transaction (while its directory is written, as machinable
 * claims them). The project root's row is inserted when the launcher is made. `launch(seed)`
 * returns the interface record's directory; `launch.close()` closes the index.
 */
export function floorLauncher(storage, projectDir) {
  const projectName = basename(projectDir);
  mkdirSync(storage, { recursive: true });
  const db = openIndex(join(storage, '.machinable.sqlite'));
  const insert = db.prepare(INSERT);
  const claim = db.transaction((write, values) => {
    write();
    insert.run(values);
  });
  const root = rootKeys(projectName);
  const scoped = join(storage, root.identity, root.predicate);
  mkdirSync(scoped, { recursive: true });
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const rootNs = nowNs();
  db.transaction(() =>
    insert.run([
      root.id, 'Project', null, root.identity, JSON.stringify({ name: projectName }), root.predicate, null,
      JSON.stringify({ directory: process.cwd() }), JSON.stringify([{ directory: projectDir }]), JSON.stringify({ directory: projectDir }),
      JSON.stringify({ directory: projectDir }), '["machinable.interface"]', '[]', `file://${projectDir}`, `file://${projectDir}`, null,
      0, 0, rootNs, rootNs, USER, null, '{}', '{}',
    ]),
  ).immediate();
  const host = `${JSON.stringify({ network_name: hostname(), hostname: hostname(), machine: arch(), node_version: process.versions.node, user: USER, argv: process.argv, pid: process.pid }, null, 2)}\n`;

  const launch = (seed) => {
    const identity = trivialIdentity(seed);
    const id = recordId();
    const created = nowNs();
    const now = isoNow();
    const record = join(scoped, identity, EMPTY_PREDICATE_KEY);
    const layer = `{"seed": ${seed}}`;
    const model = `{"uuid": "${id}", "kind": "Interface", "module": "trivial", "version": [${layer}], "config": {"seed": ${seed}, "_default_": {"seed": 0}, "_version_": [${layer}], "_update_": ${layer}}, "predicate": {}, "inherits": ["machinable.interface"], "context": [], "created_at_ns": ${created}, "created_by": "${USER}", "label": null}`;
    const uri = `file://${record}`;
    claim.immediate(
      () => {
        mkdirSync(join(scoped, identity));
        mkdirSync(record);
        writeFileSync(join(record, 'id.json'), header(id, 'Interface', identity, EMPTY_PREDICATE_KEY, root.id));
        writeFileSync(join(record, 'model.json'), model);
        writeFileSync(join(record, 'updated_at'), now);
        writeFileSync(join(record, '.machinable'), id);
      },
      [
        id, 'Interface', 'trivial', identity, '{}', EMPTY_PREDICATE_KEY, root.id, '{"seed":0}', `[{"seed":${seed}}]`, `{"seed":${seed}}`,
        `{"seed":${seed}}`, '["machinable.interface"]', '[]', uri, uri, 'storage', 0, 0, created, created, USER, null, '{}', '{}',
      ],
    );

    const runId = recordId();
    const runCreated = nowNs();
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '').replace('T', '_');
    const run = join(record, EXECUTION_IDENTITY, stamp);
    const runSeed = randomBytes(4).readUInt32LE() >>> 1;
    const nickname = 'bench_nickname';
    const runModel = `{"uuid": "${runId}", "kind": "Execution", "module": "machinable.execution", "version": [], "config": {"_default_": {}, "_version_": [], "_update_": {}}, "predicate": {"resources": null, "started_at": "${stamp}"}, "inherits": ["machinable.interface"], "context": [], "created_at_ns": ${runCreated}, "created_by": "${USER}", "label": null, "seed": ${runSeed}, "nickname": "${nickname}", "resources": null}`;
    const runUri = `file://${run}`;
    const runNow = isoNow();
    claim.immediate(
      () => {
        mkdirSync(join(record, EXECUTION_IDENTITY));
        mkdirSync(run);
        writeFileSync(join(run, 'id.json'), header(runId, 'Execution', EXECUTION_IDENTITY, stamp, id));
        writeFileSync(join(run, 'model.json'), runModel);
        writeFileSync(join(run, 'updated_at'), runNow);
        writeFileSync(join(run, '.machinable'), runId);
      },
      [
        runId, 'Execution', 'machinable.execution', EXECUTION_IDENTITY, `{"resources":null,"started_at":"${stamp}"}`, stamp, id,
        '{}', '[]', '{}', '{}', '["machinable.interface"]', '[]', runUri, runUri, 'storage', 0, 0, runCreated, runCreated, USER, null,
        `{"nickname":"${nickname}","resources":null,"seed":${runSeed}}`, '{}',
      ],
    );
    writeFileSync(join(run, 'started_at'), runNow);
    writeFileSync(join(run, 'heartbeat_at'), runNow);
    writeFileSync(join(run, 'host.json'), host);
    writeFileSync(join(record, 'result.json'), `${JSON.stringify({ seed, double: seed * 2 }, null, 2)}\n`);
    writeFileSync(join(run, 'finished_at'), isoNow());
    writeFileSync(join(record, 'cached'), 'finished');
    return record;
  };
  launch.close = () => db.close();
  return launch;
}

/**
 * Figure 2: a cached lookup by hand: one `SELECT` on the dedup key (`parent_id IS ?`,
 * `identity_key`, `predicate_key`), then `id.json`, `model.json` (parsed) and the `cached` marker.
 * `lookup(seed)` returns the record's directory; `lookup.close()` closes the index.
 */
export function floorLookup(indexPath, projectName) {
  const db = new Database(indexPath, { readonly: true });
  const find = db.prepare("SELECT storage_uri FROM 'index' WHERE parent_id IS ? AND identity_key = ? AND predicate_key = ?").pluck();
  const parent = rootKeys(projectName).id;
  const lookup = (seed) => {
    const uri = find.get(parent, trivialIdentity(seed), EMPTY_PREDICATE_KEY);
    if (uri === undefined) throw new Error(`seed ${seed} is not indexed`);
    const record = uri.slice('file://'.length);
    JSON.parse(readFileSync(join(record, 'id.json'), 'utf8'));
    JSON.parse(readFileSync(join(record, 'model.json'), 'utf8'));
    if (readFileSync(join(record, 'cached'), 'utf8') !== 'finished') throw new Error(`seed ${seed} is not computed`);
    return record;
  };
  lookup.close = () => db.close();
  return lookup;
}

/**
 * Figure 3: reindex by hand: walk the storage depth-first (`readdirSync` with file types), read
 * and parse `id.json` and `model.json` of every directory that has an `id.json`, and insert the
 * rows into a new index file with the reference's table and indexes, 10,000 per transaction.
 * Returns the number of records.
 */
export function floorReindex(storage, indexPath) {
  const db = openIndex(indexPath);
  const insert = db.prepare(INSERT);
  const insertAll = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  let rows = [];
  let records = 0;
  const stack = [storage];
  while (stack.length > 0) {
    const dir = stack.pop();
    const entries = readdirSync(dir, { withFileTypes: true });
    let isRecord = false;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry.name === 'id.json') isRecord = true;
      else if (entry.isDirectory() && entry.name !== 'related') stack.push(join(dir, entry.name));
    }
    if (!isRecord) continue;
    const id = JSON.parse(readFileSync(join(dir, 'id.json'), 'utf8'));
    const text = readFileSync(join(dir, 'model.json'), 'utf8');
    const model = JSON.parse(text);
    const created = BigInt(/"created_at_ns": (\d+)/.exec(text)[1]);
    const { _default_, _version_, _update_, ...resolved } = model.config;
    const uri = `file://${dir}`;
    rows.push([
      id.uuid, id.kind, model.module, id.identity_key, JSON.stringify(model.predicate), id.predicate_key, id.parent,
      JSON.stringify(_default_), JSON.stringify(_version_), JSON.stringify(_update_), JSON.stringify(resolved),
      JSON.stringify(model.inherits), JSON.stringify(model.context), uri, uri, 'storage', 0, 0, created, created,
      model.created_by, model.label,
      id.kind === 'Execution' ? JSON.stringify({ nickname: model.nickname, resources: model.resources, seed: model.seed }) : '{}', '{}',
    ]);
    records += 1;
    if (rows.length === 10_000) {
      insertAll.immediate(rows);
      rows = [];
    }
  }
  insertAll.immediate(rows);
  db.close();
  return records;
}
