/**
 * The SQLite index (DESIGN.md, "Identity" and "On-disk record"): a rebuildable cache of the record
 * directories, unique on the dedup key (parent, identity_key, predicate_key), whose `claim()` is
 * what makes asking for the same run twice, from any process, end with one record.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

import {
  CorruptRecordError,
  MachinableError,
  RecordConflictError,
  entryOf,
  ingestRecordDirectory as ingestDirectory,
  rebuildIndex as reindex,
  type IndexEntry,
  type RelationEntry,
} from '@machinable/core';
import { SQLITE_INDEX_SCHEMA_VERSION, SqliteIndex } from '@machinable/core/sqlite';
import { MemoryStorage, makeRecord } from './memory-storage.js';

const IDENTITY = 'a'.repeat(24);
const PREDICATE = 'b'.repeat(24);

/** An index entry with test defaults; override what the test is about. */
function entry(fields: Partial<IndexEntry> = {}): IndexEntry {
  return {
    uuid: randomUUID(),
    kind: 'Interface',
    module: 'train',
    parent: null,
    identityKey: IDENTITY,
    predicateKey: PREDICATE,
    version: '[]',
    createdAt: new Date().toISOString(),
    ...fields,
  };
}

/** A storage holding `count` records with distinct identities, created one millisecond apart. */
function storageWith(count: number): MemoryStorage {
  const storage = new MemoryStorage();
  const start = Date.parse('2024-01-01T00:00:00.000Z');
  for (let i = 0; i < count; i += 1) {
    const { id, model, createdAt } = makeRecord({
      identity_key: i.toString(16).padStart(24, '0'),
      createdAt: new Date(start + i).toISOString(),
    });
    storage.create(id, model, new Map(), createdAt);
  }
  return storage;
}

function sorted(uuids: Iterable<string>): string[] {
  return [...uuids].sort();
}

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

describe('SqliteIndex: opening', () => {
  it('puts a file database in WAL mode, so readers never block the writer', () => {
    const index = new SqliteIndex(dbFile());
    assert.equal(index.journalMode, 'wal');
    index.close();
  });

  it('accepts :memory:', () => {
    const index = new SqliteIndex(':memory:');
    index.upsert([entry()]);
    assert.equal(index.findByModule('train').length, 1);
    index.close();
  });

  it('says a reindex is needed only when it created the table', () => {
    const path = dbFile();
    const first = new SqliteIndex(path);
    assert.equal(first.needsReindex, true);
    first.upsert([entry()]);
    first.close();

    const again = new SqliteIndex(path);
    assert.equal(again.needsReindex, false);
    assert.equal(again.findByModule('train').length, 1);
    again.close();
  });

  it('stores its schema version in user_version', () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    const db = new Database(path);
    assert.equal(db.pragma('user_version', { simple: true }), SQLITE_INDEX_SCHEMA_VERSION);
    db.close();
  });

  it('discards a file with an older schema and asks for a reindex', () => {
    const path = dbFile();
    const db = new Database(path);
    db.exec('CREATE TABLE records (uuid TEXT PRIMARY KEY, stale TEXT); INSERT INTO records VALUES (1, 2);');
    db.pragma('user_version = 0');
    db.close();

    const index = new SqliteIndex(path);
    assert.equal(index.needsReindex, true);
    assert.deepEqual(index.findByModule('train'), []);
    index.upsert([entry()]);
    index.close();
  });

  it('refuses a file written by a newer schema instead of destroying it', () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SQLITE_INDEX_SCHEMA_VERSION + 1}`);
    db.close();

    assert.throws(() => new SqliteIndex(path), (error: unknown) => {
      assert.ok(error instanceof MachinableError);
      assert.match(error.message, new RegExp(`schema version ${SQLITE_INDEX_SCHEMA_VERSION + 1}`));
      assert.match(error.message, /machinable reindex/);
      return true;
    });
  });
});

describe('SqliteIndex: lookups', () => {
  it('finds an entry by its dedup key and by its uuid, field for field', () => {
    const index = new SqliteIndex(':memory:');
    const stored = entry({ kind: 'Experiment', version: '["~adam",{"seed":1}]' });
    index.upsert([stored]);

    assert.deepEqual(index.find(stored), stored);
    assert.deepEqual(index.findByUuid(stored.uuid), stored);
    assert.equal(index.find({ parent: null, identityKey: IDENTITY, predicateKey: 'other' }), undefined);
    assert.equal(index.findByUuid(randomUUID()), undefined);
    index.close();
  });

  it('lists a module oldest first (then by uuid), optionally for one identity key', () => {
    const index = new SqliteIndex(':memory:');
    const late = entry({ createdAt: '2024-03-01T00:00:00.000Z' });
    const early = entry({ identityKey: 'c'.repeat(24), createdAt: '2024-01-01T00:00:00.000Z' });
    const tieA = entry({ uuid: '00000000-0000-4000-8000-00000000000a', predicateKey: 'x', createdAt: '2024-02-01T00:00:00.000Z' });
    const tieB = entry({ uuid: '00000000-0000-4000-8000-00000000000b', predicateKey: 'y', createdAt: '2024-02-01T00:00:00.000Z' });
    const elsewhere = entry({ module: 'eval', identityKey: 'e'.repeat(24) });
    index.upsert([late, tieB, elsewhere, early, tieA]);

    assert.deepEqual(
      index.findByModule('train').map((e) => e.uuid),
      [early.uuid, tieA.uuid, tieB.uuid, late.uuid],
    );
    assert.deepEqual(
      index.findByModule('train', IDENTITY).map((e) => e.uuid),
      [tieA.uuid, tieB.uuid, late.uuid],
    );
    assert.deepEqual(index.findByModule('nothing'), []);
    index.close();
  });
});

describe('SqliteIndex: the dedup key and a null parent', () => {
  it('treats two top-level records with the same keys as one run (null is not distinct)', () => {
    const index = new SqliteIndex(':memory:');
    const first = entry({ parent: null });
    assert.equal(index.claim(first, () => undefined).created, true);

    const second = index.claim(entry({ parent: null }), () => assert.fail('create() must not run'));
    assert.equal(second.created, false);
    assert.equal(second.entry.uuid, first.uuid);
    assert.equal(second.entry.parent, null);
    index.close();
  });

  it('keeps a top-level record and a child with the same keys apart', () => {
    const index = new SqliteIndex(':memory:');
    const top = entry({ parent: null });
    const child = entry({ parent: top.uuid });
    assert.equal(index.claim(top, () => undefined).created, true);
    assert.equal(index.claim(child, () => undefined).created, true);

    assert.equal(index.find({ parent: null, identityKey: IDENTITY, predicateKey: PREDICATE })?.uuid, top.uuid);
    assert.equal(index.find({ parent: top.uuid, identityKey: IDENTITY, predicateKey: PREDICATE })?.uuid, child.uuid);
    assert.equal(index.findByUuid(child.uuid)?.parent, top.uuid);
    index.close();
  });

  it('lets an upsert of another uuid for a held key replace the holder, never holding two rows', () => {
    const index = new SqliteIndex(':memory:');
    const first = entry();
    const second = entry();
    index.upsert([first, second]);
    assert.equal(index.find(first)?.uuid, second.uuid);
    assert.equal(index.findByUuid(first.uuid), undefined);
    assert.equal(index.findByModule('train').length, 1);
    index.close();
  });
});

describe('SqliteIndex: claim', () => {
  it('creates once: a second claim of the key returns the first entry without calling create()', () => {
    const index = new SqliteIndex(':memory:');
    let creates = 0;
    const first = entry();
    const won = index.claim(first, () => {
      creates += 1;
    });
    const lost = index.claim(entry(), () => {
      creates += 1;
    });

    assert.deepEqual(won, { entry: first, created: true });
    assert.deepEqual(lost, { entry: first, created: false });
    assert.equal(creates, 1);
    index.close();
  });

  it('inserts nothing and rethrows when create() throws', () => {
    const index = new SqliteIndex(':memory:');
    const failing = entry();
    assert.throws(
      () =>
        index.claim(failing, () => {
          throw new Error('disk full');
        }),
      /disk full/,
    );
    assert.equal(index.find(failing), undefined);
    assert.equal(index.findByUuid(failing.uuid), undefined);

    // The key is free again: the next claim creates.
    assert.equal(index.claim(entry(), () => undefined).created, true);
    index.close();
  });

  it('refuses a uuid already indexed under another key, before create() runs', () => {
    const index = new SqliteIndex(':memory:');
    const held = entry();
    index.upsert([held]);
    assert.throws(
      () => index.claim(entry({ uuid: held.uuid, predicateKey: 'other' }), () => assert.fail('create() must not run')),
      (error: unknown) => error instanceof RecordConflictError && error.message.includes(held.uuid),
    );
    index.close();
  });

  it('refuses an async create(), which would still be writing when the lock is released', () => {
    const index = new SqliteIndex(':memory:');
    const pending = entry();
    assert.throws(() => index.claim(pending, (async () => undefined) as () => void), TypeError);
    assert.equal(index.find(pending), undefined);
    index.close();
  });
});

describe('SqliteIndex: rebuild', () => {
  const indexNames = (path: string): string[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[];
    } finally {
      db.close();
    }
  };

  it('empties the index, runs the fill, and has every index back (the dedup key enforced) after', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const before = indexNames(path);
    index.upsert([entry({ predicateKey: 'old' })]);
    const kept = entry();
    assert.equal(index.rebuild(() => index.upsert([kept, entry({ predicateKey: 'p2' })])), 2);
    assert.deepEqual(indexNames(path), before);
    assert.deepEqual(sorted(index.findByModule('train').map((e) => e.predicateKey)), sorted([PREDICATE, 'p2']));
    const claim = index.claim(entry(), () => assert.fail('the key is held: nothing is created'));
    assert.equal(claim.entry.uuid, kept.uuid);
    index.close();
  });

  it('has every index back after a fill that throws', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const before = indexNames(path);
    assert.throws(() => index.rebuild(() => { throw new Error('storage went away'); }), /storage went away/);
    assert.deepEqual(indexNames(path), before);
    index.close();
  });

  it('builds missing indexes on open, as after a process that died mid-rebuild', () => {
    const path = dbFile();
    const index = new SqliteIndex(path);
    const before = indexNames(path);
    index.upsert([entry()]);
    index.close();
    const db = new Database(path);
    db.exec('DROP INDEX records_dedup; DROP INDEX relations_to;');
    db.close();
    const again = new SqliteIndex(path);
    assert.equal(again.needsReindex, false);
    assert.deepEqual(indexNames(path), before);
    assert.equal(again.findByModule('train').length, 1);
    again.close();
  });

  it('starts over, as for an outdated file, when a dedup key is held twice without the index', () => {
    const path = dbFile();
    new SqliteIndex(path).close();
    const db = new Database(path);
    db.exec('DROP INDEX records_dedup;');
    const insert = db.prepare("INSERT INTO records VALUES (?, 'Interface', 'train', '', ?, ?, '[]', '')");
    insert.run(randomUUID(), IDENTITY, PREDICATE);
    insert.run(randomUUID(), IDENTITY, PREDICATE);
    db.close();
    const again = new SqliteIndex(path);
    assert.equal(again.needsReindex, true);
    assert.deepEqual(again.findByModule('train'), []);
    again.close();
  });
});

describe('SqliteIndex: upsert, remove, clear', () => {
  it('writes entries in one transaction and returns the count', () => {
    const index = new SqliteIndex(':memory:');
    const entries = [entry(), entry({ predicateKey: 'p2' }), entry({ predicateKey: 'p3' })];
    assert.equal(index.upsert(entries), 3);
    assert.equal(index.findByModule('train').length, 3);
    index.close();
  });

  it('replaces an entry with the same uuid', () => {
    const index = new SqliteIndex(':memory:');
    const original = entry();
    index.upsert([original]);
    assert.equal(index.upsert([{ ...original, version: '["~adam"]' }]), 1);
    assert.equal(index.findByUuid(original.uuid)?.version, '["~adam"]');
    index.close();
  });

  it('writes all or nothing: an error mid-way leaves the index as it was', () => {
    const index = new SqliteIndex(':memory:');
    function* broken(): Generator<IndexEntry> {
      yield entry();
      throw new Error('storage went away');
    }
    assert.throws(() => index.upsert(broken()), /storage went away/);
    assert.deepEqual(index.findByModule('train'), []);
    index.close();
  });

  it('removes one entry, and clears all', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b] = [entry(), entry({ predicateKey: 'p2' })];
    index.upsert([a, b]);
    index.remove(a.uuid);
    assert.deepEqual(index.findByModule('train').map((e) => e.uuid), [b.uuid]);
    index.clear();
    assert.deepEqual(index.findByModule('train'), []);
    index.close();
  });

  it('can be closed twice', () => {
    const index = new SqliteIndex(':memory:');
    index.close();
    index.close();
  });
});

describe('reindex: rebuilding the cache from storage', () => {
  it('restores every entry after clear()', () => {
    const storage = storageWith(25);
    const index = new SqliteIndex(':memory:');
    reindex(storage, index);
    const before = index.findByModule('train');
    index.clear();
    assert.deepEqual(index.findByModule('train'), []);

    const report = reindex(storage, index, { batchSize: 10 });
    assert.deepEqual(report, { indexed: 25, corrupt: [], duplicates: [] });
    assert.deepEqual(index.findByModule('train'), before);
    index.close();
  });

  it('fills a brand-new database file with entries equal to entryOf() of each record', () => {
    const storage = storageWith(3);
    const index = new SqliteIndex(dbFile());
    assert.equal(index.needsReindex, true);
    assert.equal(reindex(storage, index).indexed, 3);
    for (const uuid of storage.list()) {
      const record = storage.find(uuid)!;
      assert.deepEqual(index.findByUuid(uuid), entryOf(record.id, record.model, record.createdAt));
    }
    index.close();
  });

  it('drops entries whose records are gone from storage', () => {
    const storage = storageWith(2);
    const index = new SqliteIndex(':memory:');
    const ghost = entry({ predicateKey: 'ghost' });
    index.upsert([ghost]);
    reindex(storage, index);
    assert.equal(index.findByUuid(ghost.uuid), undefined);
    index.close();
  });

  it('skips a corrupt record, reports it, and leaves it in storage', () => {
    const storage = storageWith(4);
    const [bad] = storage.list();
    storage.corrupt(bad!, 'Unexpected end of JSON input');
    const index = new SqliteIndex(':memory:');

    const report = reindex(storage, index);
    assert.equal(report.indexed, 3);
    assert.equal(report.corrupt.length, 1);
    assert.equal(report.corrupt[0]!.uuid, bad);
    assert.ok(report.corrupt[0]!.error instanceof CorruptRecordError);
    assert.match(report.corrupt[0]!.error.message, /Unexpected end of JSON input/);
    assert.equal(index.findByUuid(bad!), undefined);
    assert.ok(sorted(storage.list()).includes(bad!), 'the corrupt record is not deleted');
    index.close();
  });

  it('keeps the older of two records with one dedup key and reports the other', () => {
    const storage = new MemoryStorage();
    // Stored newest first and across batch boundaries (batchSize 2), so the oldest arrives last.
    const newest = makeRecord({ createdAt: '2024-01-03T00:00:00.000Z' });
    const middle = makeRecord({ createdAt: '2024-01-02T00:00:00.000Z' });
    const other = makeRecord({ predicate_key: 'unrelated', createdAt: '2024-01-01T00:00:00.000Z' });
    const oldest = makeRecord({ createdAt: '2024-01-01T00:00:00.000Z' });
    for (const r of [newest, middle, other, oldest]) storage.create(r.id, r.model, new Map(), r.createdAt);
    const index = new SqliteIndex(':memory:');

    const report = reindex(storage, index, { batchSize: 2 });
    assert.equal(report.indexed, 2);
    assert.deepEqual(
      [...report.duplicates].sort((a, b) => a.dropped.localeCompare(b.dropped)),
      [
        { kept: oldest.id.uuid, dropped: newest.id.uuid },
        { kept: oldest.id.uuid, dropped: middle.id.uuid },
      ].sort((a, b) => a.dropped.localeCompare(b.dropped)),
    );
    assert.equal(index.find({ parent: null, identityKey: IDENTITY, predicateKey: PREDICATE })?.uuid, oldest.id.uuid);
    assert.deepEqual(sorted(index.findByModule('train').map((e) => e.uuid)), sorted([oldest.id.uuid, other.id.uuid]));
    index.close();
  });

  it('breaks a creation-time tie by uuid, so every rebuild makes the same choice', () => {
    const storage = new MemoryStorage();
    const at = '2024-01-01T00:00:00.000Z';
    const b = makeRecord({ uuid: 'bbbbbbbb-0000-4000-8000-000000000000', createdAt: at });
    const a = makeRecord({ uuid: 'aaaaaaaa-0000-4000-8000-000000000000', createdAt: at });
    for (const r of [b, a]) storage.create(r.id, r.model, new Map(), r.createdAt);
    const index = new SqliteIndex(':memory:');
    assert.deepEqual(reindex(storage, index).duplicates, [{ kept: a.id.uuid, dropped: b.id.uuid }]);
    index.close();
  });

  it('reports progress as records are read', () => {
    const storage = storageWith(25);
    const index = new SqliteIndex(':memory:');
    const seen: number[] = [];
    reindex(storage, index, { batchSize: 10, onProgress: (done) => seen.push(done) });
    assert.deepEqual(seen, [10, 20, 25]);
    index.close();
  });
});

describe('ingestDirectory: bringing in a record from elsewhere', () => {
  function setup() {
    const storage = new MemoryStorage();
    const index = new SqliteIndex(':memory:');
    return { storage, index };
  }

  it('copies the record into storage and indexes it', () => {
    const { storage, index } = setup();
    const r = makeRecord();
    storage.place('/home/alice/run', r);

    const ingested = ingestDirectory('/home/alice/run', storage, index);
    assert.deepEqual(ingested, entryOf(r.id, r.model, r.createdAt));
    assert.ok(storage.find(r.id.uuid), 'copied into storage');
    assert.deepEqual(index.findByUuid(r.id.uuid), ingested);
  });

  it('does nothing when the same record is ingested again', () => {
    const { storage, index } = setup();
    const r = makeRecord();
    storage.place('/home/alice/run', r);
    const first = ingestDirectory('/home/alice/run', storage, index);
    const again = ingestDirectory('/home/alice/run', storage, index);
    assert.deepEqual(again, first);
    assert.equal(index.findByModule('train').length, 1);
  });

  it('indexes a record already inside storage in place', () => {
    const { storage, index } = setup();
    const r = makeRecord();
    const stored = storage.create(r.id, r.model, new Map(), r.createdAt);
    assert.equal(ingestDirectory(stored.location, storage, index).uuid, r.id.uuid);
    assert.equal(index.findByUuid(r.id.uuid)?.uuid, r.id.uuid);
  });

  it('refuses a uuid the index knows with other fields, naming the directory, uuid and each field', () => {
    const { storage, index } = setup();
    const known = makeRecord({ module: 'train', predicate_key: 'p-known' });
    storage.create(known.id, known.model, new Map(), known.createdAt);
    reindex(storage, index);
    const impostor = makeRecord({ uuid: known.id.uuid, module: 'eval', predicate_key: 'p-other' });
    storage.place('/home/alice/impostor', impostor);

    assert.throws(() => ingestDirectory('/home/alice/impostor', storage, index), (error: unknown) => {
      assert.ok(error instanceof RecordConflictError);
      assert.match(error.message, /\/home\/alice\/impostor/);
      assert.ok(error.message.includes(known.id.uuid));
      assert.match(error.message, /module: "train" in the index, "eval" in the directory/);
      assert.match(error.message, /predicate_key: "p-known" in the index, "p-other" in the directory/);
      assert.doesNotMatch(error.message, /identity_key:/, 'only differing fields are named');
      return true;
    });
    assert.equal(index.findByUuid(known.id.uuid)?.module, 'train', 'never merged');
  });

  it('refuses a record whose dedup key another uuid holds, saying which, and copies nothing', () => {
    const { storage, index } = setup();
    const holder = makeRecord();
    storage.create(holder.id, holder.model, new Map(), holder.createdAt);
    reindex(storage, index);
    const twin = makeRecord(); // same keys, different uuid
    storage.place('/home/alice/twin', twin);

    assert.throws(() => ingestDirectory('/home/alice/twin', storage, index), (error: unknown) => {
      assert.ok(error instanceof RecordConflictError);
      assert.match(error.message, /\/home\/alice\/twin/);
      assert.ok(error.message.includes(twin.id.uuid));
      assert.ok(error.message.includes(`record ${holder.id.uuid}`));
      return true;
    });
    assert.equal(storage.find(twin.id.uuid), undefined, 'not copied into storage');
    assert.equal(index.findByUuid(twin.id.uuid), undefined);
  });
});

describe('SqliteIndex: claim across processes', () => {
  it('lets exactly one of several processes claiming one key at the same moment create it', { timeout: 60_000 }, async () => {
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
      import { randomUUID } from 'node:crypto';
      const { SqliteIndex } = await import(${JSON.stringify(import.meta.resolve('@machinable/core/sqlite'))});
      const [db, go, ready, pids] = process.argv.slice(2);
      const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      const index = new SqliteIndex(db);
      mkdirSync(ready, { recursive: true });
      writeFileSync(ready + '/' + process.pid, '');
      while (!existsSync(go)) pause(1);
      const entry = {
        uuid: randomUUID(), kind: 'Interface', module: 'train', parent: null,
        identityKey: ${JSON.stringify(IDENTITY)}, predicateKey: ${JSON.stringify(PREDICATE)},
        version: '[]', createdAt: new Date().toISOString(),
      };
      const claim = index.claim(entry, () => { appendFileSync(pids, process.pid + '\\n'); pause(100); });
      index.close();
      process.stdout.write(JSON.stringify({ pid: process.pid, own: entry.uuid, created: claim.created, held: claim.entry.uuid }));
      `,
    );

    const children = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, [script, db, go, ready, pids], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
        child.on('close', (code) => resolve({ code, out, err })),
      );
      return { child, done };
    });

    const deadline = Date.now() + 30_000;
    while (!existsSync(ready) || readdirSync(ready).length < processes) {
      if (Date.now() > deadline) {
        for (const { child } of children) child.kill();
        assert.fail(`children not ready: ${(await Promise.all(children.map((c) => c.done))).map((r) => r.err).join('\n')}`);
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
    for (const c of claims) assert.equal(c.held, winner.own, `process ${c.pid} got the winner's uuid`);
    assert.deepEqual(readFileSync(pids, 'utf8').trim().split('\n'), [String(winner.pid)], 'create() ran once');

    const index = new SqliteIndex(db);
    assert.deepEqual(index.findByModule('train').map((e) => e.uuid), [winner.own]);
    index.close();
  });
});

describe('SqliteIndex: relations and parents', () => {
  const at = (ms: number): string => new Date(Date.parse('2024-01-01T00:00:00.000Z') + ms).toISOString();
  const edge = (from: string, relation: string, to: string, ms = 0): RelationEntry => ({ from, relation, to, createdAt: at(ms) });

  it('stores relations and lists them oldest first, optionally by name', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    assert.equal(index.relate([edge(a, 'uses', c, 2), edge(a, 'uses', b, 1), edge(a, 'execution', c, 3)]), 3);
    assert.deepEqual(index.related(a, 'uses').map((r) => r.to), [b, c]);
    assert.deepEqual(index.related(a).map((r) => r.relation), ['uses', 'uses', 'execution']);
    assert.deepEqual(index.related(a, 'uses')[0], edge(a, 'uses', b, 1));
    assert.deepEqual(index.related(b), [], 'relations are directed: b has none of its own');
    index.close();
  });

  it('keeps one row per (from, relation, to): relating again is a no-op', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b] = [randomUUID(), randomUUID()];
    assert.equal(index.relate([edge(a, 'uses', b, 1)]), 1);
    assert.equal(index.relate([edge(a, 'uses', b, 5), edge(a, 'used_by', b, 5)]), 1);
    assert.deepEqual(index.related(a).map((r) => [r.relation, r.createdAt]), [['uses', at(1)], ['used_by', at(5)]]);
    index.close();
  });

  it('writes relations all or nothing', () => {
    const index = new SqliteIndex(':memory:');
    const a = randomUUID();
    function* broken(): Generator<RelationEntry> {
      yield edge(a, 'uses', randomUUID());
      throw new Error('log went away');
    }
    assert.throws(() => index.relate(broken()), /log went away/);
    assert.deepEqual(index.related(a), []);
    index.close();
  });

  it('finds the children of a parent, oldest first, and only those', () => {
    const index = new SqliteIndex(':memory:');
    const parent = entry();
    const older = entry({ parent: parent.uuid, predicateKey: 'p1', createdAt: at(1) });
    const newer = entry({ parent: parent.uuid, predicateKey: 'p2', createdAt: at(2) });
    const other = entry({ parent: randomUUID() });
    index.upsert([parent, newer, other, older]);
    assert.deepEqual(index.findByParent(parent.uuid).map((e) => e.uuid), [older.uuid, newer.uuid]);
    assert.deepEqual(index.findByParent(newer.uuid), []);
    index.close();
  });

  it('remove() drops the relations from a record but keeps those into it; clear() drops all', () => {
    const index = new SqliteIndex(':memory:');
    const [a, b] = [entry(), entry({ predicateKey: 'p2' })];
    index.upsert([a, b]);
    index.relate([edge(a.uuid, 'uses', b.uuid), edge(b.uuid, 'used_by', a.uuid)]);
    index.remove(a.uuid);
    assert.deepEqual(index.related(a.uuid), []);
    assert.deepEqual(index.related(b.uuid).map((r) => r.to), [a.uuid]);
    index.clear();
    assert.deepEqual(index.related(b.uuid), []);
    index.close();
  });

  it('an index of schema version 1 (no relations table) is rebuilt', () => {
    const path = dbFile();
    const db = new Database(path);
    db.exec('CREATE TABLE records (uuid TEXT PRIMARY KEY, stale TEXT);');
    db.pragma('user_version = 1');
    db.close();
    const index = new SqliteIndex(path);
    assert.equal(index.needsReindex, true);
    const a = randomUUID();
    index.relate([edge(a, 'uses', randomUUID())]);
    assert.equal(index.related(a).length, 1);
    index.close();
  });

  it('reindex() restores relations from each edge log and parents from id.json', () => {
    const storage = new MemoryStorage();
    const parent = makeRecord({ identity_key: '1'.repeat(24) });
    const child = makeRecord({ identity_key: '2'.repeat(24), parent: parent.id.uuid });
    storage.create(parent.id, parent.model, new Map(), parent.createdAt);
    storage.create(child.id, child.model, new Map(), child.createdAt);
    storage.appendLine(child.id.uuid, 'related/metadata.jsonl', JSON.stringify({ relation: 'uses', uuid: parent.id.uuid, at: at(1) }));
    storage.appendLine(child.id.uuid, 'related/metadata.jsonl', '{"relation": "uses", "uu'); // torn last line
    storage.appendLine(parent.id.uuid, 'related/metadata.jsonl', JSON.stringify({ relation: 'used_by', uuid: child.id.uuid, at: at(1) }));

    const index = new SqliteIndex(':memory:');
    index.relate([edge(child.id.uuid, 'stale', parent.id.uuid)]);
    reindex(storage, index, { batchSize: 1 });
    assert.deepEqual(index.related(child.id.uuid), [edge(child.id.uuid, 'uses', parent.id.uuid, 1)]);
    assert.deepEqual(index.related(parent.id.uuid).map((r) => r.to), [child.id.uuid]);
    assert.deepEqual(index.findByParent(parent.id.uuid).map((e) => e.uuid), [child.id.uuid]);
    index.close();
  });

  it('ingestDirectory() indexes the relations of the record it brings in', () => {
    const storage = new MemoryStorage();
    const index = new SqliteIndex(':memory:');
    const target = randomUUID();
    const { id, model, createdAt } = makeRecord();
    storage.create(id, model, new Map([['related/metadata.jsonl', Buffer.from(`${JSON.stringify({ relation: 'uses', uuid: target, at: at(0) })}\n`)]]), createdAt);
    ingestDirectory(storage.directory(id.uuid), storage, index);
    assert.deepEqual(index.related(id.uuid).map((r) => r.to), [target]);
    index.close();
  });
});
