/**
 * The feed's change tracking and the module counts, through the `Index` contract only: records
 * added by another process in any order of creation time, bursts longer than a page, and what is
 * never reported (what was there at the start, old records imported later).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IndexRow } from '@machinable/core';
import { SqliteIndex } from '@machinable/core/sqlite';
import { IndexChanges, ModuleCounts } from '@machinable/server';

const folder = mkdtempSync(join(tmpdir(), 'machinable-changes-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

/** A fresh SQLite index in the test folder. */
function freshIndex(): SqliteIndex {
  return new SqliteIndex(join(folder, `index-${files++}.sqlite`));
}

/** An index row of a record created at `created` (seconds), as another process would add it. */
function row(id: string, created: number, fields: Partial<Pick<IndexRow, 'module' | 'kind' | 'hidden'>> = {}): IndexRow {
  return {
    record_id: id,
    kind: fields.kind ?? 'Interface',
    module: fields.module === undefined ? 'train' : fields.module,
    identity_key: `identity-${id}`,
    predicate_key: 'p',
    predicate: {},
    parent_id: null,
    storage_uri: `memory://${id}`,
    local_uri: null,
    storage_id: null,
    hidden: fields.hidden ?? false,
    bytes_missing: false,
    config: { default: {}, version: [], update: {}, resolved: {} },
    inherits: [],
    context: [],
    created_at_ns: BigInt(created) * 1_000_000_000n,
    updated_at_ns: BigInt(created) * 1_000_000_000n,
    created_by: 'spec',
    label: null,
    extra: {},
    private: {},
  };
}

/** Adds rows as reindex does (a pure copy of records), then hides those marked hidden (an overlay, which ingest leaves alone). */
function add(index: SqliteIndex, rows: readonly IndexRow[]): void {
  index.ingest(rows.map((item) => ({ row: item, relations: [] })));
  for (const item of rows) if (item.hidden) index.setHidden(item.record_id, true);
}

async function addedIds(changes: IndexChanges): Promise<string[]> {
  return (await changes.added()).map((item) => item.record_id);
}

describe('IndexChanges: records added since the last look', () => {
  it('reports new records oldest first, each once; not those there at the start', async () => {
    const index = freshIndex();
    add(index, [row('before1', 10), row('before2', 11)]);
    const changes = new IndexChanges(index);
    await changes.start();
    assert.deepEqual(await addedIds(changes), []);
    add(index, [row('new2', 21), row('new1', 20), row('hidden', 22, { hidden: true })]);
    assert.deepEqual(await addedIds(changes), ['new1', 'new2', 'hidden']);
    assert.deepEqual(await addedIds(changes), []);
    index.close();
  });

  it('finds a record that comes in late with an older creation time, below the newest page', async () => {
    const index = freshIndex();
    add(index, Array.from({ length: 600 }, (_, i) => row(`old${i}`, 1000 + i)));
    const changes = new IndexChanges(index);
    await changes.start();
    add(index, Array.from({ length: 300 }, (_, i) => row(`burst${i}`, 2000 + i)));
    const burst = await addedIds(changes);
    assert.equal(burst.length, 300, 'a burst longer than a page is read whole');
    assert.deepEqual(burst.slice(0, 2), ['burst0', 'burst1']);
    // Created before the burst's records (another machine's clock, a slow write), added after them.
    add(index, [row('late', 1999)]);
    assert.deepEqual(await addedIds(changes), ['late']);
    index.close();
  });

  it('does not report records older than every record seen (an import of old records)', async () => {
    const index = freshIndex();
    add(index, Array.from({ length: 250 }, (_, i) => row(`r${i}`, 1000 + i)));
    const changes = new IndexChanges(index);
    await changes.start();
    add(index, [row('imported', 5)]);
    assert.deepEqual(await addedIds(changes), []);
    add(index, [row('fresh', 3000)]);
    assert.deepEqual(await addedIds(changes), ['fresh']);
    index.close();
  });
});

describe('ModuleCounts: modules and counts per kind', () => {
  it('counts non-hidden records per module and kind, and sees modules added later', async () => {
    const index = freshIndex();
    add(index, [row('a1', 1), row('a2', 2), row('e1', 3, { module: 'machinable.execution', kind: 'Execution' }), row('h', 4, { hidden: true }), row('n', 5, { module: null })]);
    const counts = new ModuleCounts(index);
    assert.deepEqual(await counts.modules(), [
      { module: 'machinable.execution', kind: 'Execution', count: 1 },
      { module: 'train', kind: 'Interface', count: 2 },
    ]);
    add(index, [row('b1', 6, { module: 'eval' }), row('a3', 7)]);
    assert.deepEqual(await counts.modules(), [
      { module: 'eval', kind: 'Interface', count: 1 },
      { module: 'machinable.execution', kind: 'Execution', count: 1 },
      { module: 'train', kind: 'Interface', count: 3 },
    ]);
    index.setHidden('b1', true);
    assert.deepEqual((await counts.modules()).map((entry) => entry.module), ['machinable.execution', 'train']);
    index.close();
  });

  it('finds pairs from both ends until they hold every row, the middle ones included', async () => {
    const index = freshIndex();
    const modules = ['a', 'b', 'c', 'd', 'e'];
    add(index, modules.flatMap((module, m) => Array.from({ length: m + 1 }, (_, i) => row(`${module}${i}`, 10 * m + i, { module }))));
    add(index, [row('b-run', 99, { module: 'b', kind: 'Execution' })]);
    assert.deepEqual(
      (await new ModuleCounts(index).modules()).map((entry) => [entry.module, entry.kind, entry.count]),
      [['a', 'Interface', 1], ['b', 'Execution', 1], ['b', 'Interface', 2], ['c', 'Interface', 3], ['d', 'Interface', 4], ['e', 'Interface', 5]],
    );
    index.close();
  });
});
