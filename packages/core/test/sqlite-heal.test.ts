/**
 * The SQLite index heals: a file deleted or replaced under an open index is noticed on the next
 * write and the file there now used (and refilled through `onReopen`); a file damaged under it is
 * set aside and replaced; the store an index describes is marked in its header.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { IndexRow } from '@machinable/core';
import { SqliteIndex } from '@machinable/core/sqlite';

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'machinable-sqlite-heal-'));
});
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let ids = 0;
function row(store = 'file:///store'): IndexRow {
  ids += 1;
  const id = `Heal${String(ids).padStart(8, '0')}`;
  return {
    record_id: id, kind: 'Interface', module: 'train', identity_key: `${'a'.repeat(20)}${String(ids).padStart(4, '0')}`, predicate_key: 'b'.repeat(32),
    predicate: {}, parent_id: null, storage_uri: `${store}/${id}`, local_uri: `${store}/${id}`, storage_id: 'storage', hidden: false, bytes_missing: false,
    config: { default: {}, version: [], update: {}, resolved: {} }, inherits: [], context: [], created_at_ns: BigInt(ids), updated_at_ns: BigInt(ids),
    created_by: 'ada', label: null, extra: {}, private: {},
  };
}

const idsIn = (path: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT record_id FROM 'index' ORDER BY record_id").pluck().all() as string[]);
  } finally {
    db.close();
  }
};

describe('SqliteIndex heals', () => {
  it('a file deleted under an open index: the next write opens a new file there and asks for a refill', () => {
    const path = join(scratch, 'deleted.sqlite');
    let reopened = 0;
    const index = new SqliteIndex(path, { onReopen: () => (reopened += 1) });
    const first = row();
    index.claim(first, () => undefined);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    const second = row();
    index.claim(second, () => undefined);
    assert.equal(reopened, 1);
    assert.deepEqual(idsIn(path), [second.record_id], 'the write went to the file at the path now');
    index.close();
  });

  it('a file damaged under an open index: a read sets it aside, opens a new one and reads again', () => {
    const path = join(scratch, 'damaged.sqlite');
    const writer = new SqliteIndex(path);
    writer.ingest(Array.from({ length: 300 }, () => ({ row: row(), relations: [] })));
    writer.close();
    let reopened = 0;
    const index = new SqliteIndex(path, { onReopen: () => (reopened += 1) });
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const found = index.find({ limit: 1 });
    assert.equal(found.total, 0, 'a new, empty index (the caller refills it)');
    assert.equal(reopened, 1);
    assert.equal(readdirSync(scratch).filter((name) => name.startsWith('damaged.sqlite.damaged-') && !/-(wal|shm)$/.test(name)).length, 1);
    index.close();
  });

  it('marks the store it describes; one beside another store does not describe it', () => {
    const index = new SqliteIndex(join(scratch, 'marked.sqlite'));
    assert.equal(index.describes('file:///here/storage'), true, 'empty and unmarked');
    index.ingest([{ row: row('file:///there/storage'), relations: [] }]);
    assert.equal(index.describes('file:///here/storage'), false, 'unmarked, its newest record is elsewhere');
    assert.equal(index.describes('file:///there/storage'), true);
    index.markStore('file:///here/storage');
    assert.equal(index.describes('file:///here/storage'), true);
    assert.equal(index.describes('file:///there/storage'), false, 'marked for another store');
    index.close();
  });
});
