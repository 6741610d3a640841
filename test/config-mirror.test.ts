/**
 * The dashboard server's config mirror answers a search exactly as the index does: the same
 * record ids in the same order and the same total, for filters over values of every JSON type
 * (SQLite's rules: NULL matches nothing, numbers sort before text, text by UTF-8 bytes), with
 * hidden rows, labels, sorts on config paths and paging; and it sees rows added, hidden or
 * relabelled after it first read a module. What it does not cover it leaves to the index.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FindRequest, IndexRow, JsonObject, JsonValue } from '@machinable/core';
import { SqliteIndex } from '@machinable/core/sqlite';
import { ConfigMirror, openReadonlyIndex } from '@machinable/server';
import { temporaryDirectory } from './helpers.js';

let sequence = 0;
function row(module: string, resolved: JsonObject, extra: Partial<IndexRow> = {}): IndexRow {
  sequence += 1;
  const id = `rec${String(sequence).padStart(9, '0')}`;
  return {
    record_id: id,
    kind: 'Interface',
    module,
    identity_key: `identity${sequence}`,
    predicate_key: 'p',
    predicate: {},
    parent_id: null,
    storage_uri: `file:///nowhere/${id}`,
    local_uri: null,
    storage_id: null,
    hidden: false,
    bytes_missing: false,
    config: { default: {}, version: [], update: {}, resolved },
    inherits: [],
    context: [],
    // A few share a creation time, so the record id breaks ties.
    created_at_ns: 1_700_000_000_000_000_000n + BigInt(Math.floor(sequence / 3)),
    updated_at_ns: 1_700_000_000_000_000_000n,
    created_by: 'spec',
    label: null,
    extra: {},
    private: {},
    ...extra,
  };
}

const VALUES: JsonValue[] = [0, 1, 2, -1, 0.1, 0.5, 1.5, 1e-5, 100, 'a', 'b', 'B', '0.1', '1', '', 'é', 'z', '😀', '\uffff', true, false, null];

function store(): { index: SqliteIndex; path: string; rows: IndexRow[] } {
  const path = join(temporaryDirectory('mirror'), '.machinable.sqlite');
  const index = new SqliteIndex(path);
  const rows: IndexRow[] = [];
  for (const [i, value] of VALUES.entries()) {
    rows.push(row('m', { x: value, n: i % 4, opt: { name: i % 2 ? 'adam' : 'sgd', lr: i / 10 } }));
    rows.push(row('m', { n: i % 3, opt: { name: 'sgd' } })); // x missing
  }
  rows.push(row('m', { x: [1, 2], n: 0 }), row('m', { x: { a: 1 }, n: 9 }), row('other', { x: 1, n: 1 }));
  rows.push(row('m', { x: 1, n: 1 }, { label: 'baseline' }), row('m', { x: 2, n: 1 }, { kind: 'Execution' }));
  index.ingest(rows.map((r) => ({ row: r, relations: [] })));
  index.setHidden(rows[4]!.record_id, true);
  return { index, path, rows };
}

const REQUESTS: FindRequest[] = [];
for (const op of ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'] as const) {
  for (const value of [1, 0.1, 0, 'a', 'B', '1', '', '😀', 100, -5]) REQUESTS.push({ module: 'm', config: { filters: [{ path: 'x', op, value }] }, limit: 1000 });
}
REQUESTS.push(
  { module: 'm', config: { filters: [{ path: 'x', op: 'in', value: [1, 'a', 0.5, 'z'] }] } },
  { module: 'm', config: { filters: [{ path: 'n', op: 'gte', value: 1 }, { path: 'opt.name', op: 'eq', value: 'adam' }] } },
  { module: 'm', config: { filters: [{ path: 'opt.lr', op: 'gt', value: 0.3 }] }, sort: [{ by: 'opt.lr', config_layer: 'resolved', direction: 'desc' }] },
  { module: 'm', config: { filters: [{ path: 'n', op: 'lt', value: 3 }] }, sort: [{ by: 'x', config_layer: 'resolved', direction: 'asc' }], limit: 7, offset: 3 },
  { module: 'm', config: { filters: [{ path: 'n', op: 'lt', value: 3 }] }, limit: 5, offset: 1000 },
  { module: 'm', config: { filters: [{ path: 'n', op: 'eq', value: 1 }] }, label: 'baseline' },
  { module: 'm', config: { filters: [{ path: 'n', op: 'eq', value: 1 }] }, kind: 'Execution' },
  { module: 'm', config: { filters: [{ path: 'n', op: 'eq', value: 1 }] }, include_hidden: true },
  { module: 'm', config: { filters: [{ path: 'missing.deep', op: 'ne', value: 1 }] } },
  { module: 'm', config: { filters: [{ path: 'opt', op: 'ne', value: 1 }] } },
);

function same(mirror: ConfigMirror, index: SqliteIndex, request: FindRequest): boolean {
  const answer = mirror.search(request);
  const expected = index.find(request);
  if (answer === undefined) return false;
  assert.deepEqual(answer, { ids: expected.items.map((item) => item.record_id), total: expected.total }, JSON.stringify(request));
  return true;
}

describe('server: the config mirror answers as the index', () => {
  it('gives the same ids, order and total for filters over every kind of value', () => {
    const { index, path } = store();
    const db = openReadonlyIndex(path)!;
    try {
      const mirror = new ConfigMirror(db);
      const covered = REQUESTS.filter((request) => same(mirror, index, request));
      // Filters on x meet an array and an object in two rows: those requests are left to the index.
      assert.ok(covered.length >= 4, `covered ${covered.length} of ${REQUESTS.length}`);
      const onN = REQUESTS.filter((request) => !request.config?.filters?.some((f) => f.path === 'x' || f.path === 'opt'));
      for (const request of onN) assert.ok(same(mirror, index, request), `covered: ${JSON.stringify(request)}`);
    } finally {
      db.close();
      index.close();
    }
  });

  it('compares strings and numbers as SQLite does, where no row holds an object or array', () => {
    const { index, path, rows } = store();
    index.remove(rows.at(-5)!.record_id); // the array
    index.remove(rows.at(-4)!.record_id); // the object
    const db = openReadonlyIndex(path)!;
    try {
      const mirror = new ConfigMirror(db);
      for (const request of REQUESTS) {
        // `opt` is an object in every row: JSON text to SQLite, left to the index.
        if (request.config?.filters?.some((f) => f.path === 'opt')) assert.equal(mirror.search(request), undefined);
        else assert.ok(same(mirror, index, request), `covered: ${JSON.stringify(request)}`);
      }
    } finally {
      db.close();
      index.close();
    }
  });

  it('sees rows added, hidden and relabelled after it read the module', () => {
    const { index, path } = store();
    const db = openReadonlyIndex(path)!;
    try {
      const mirror = new ConfigMirror(db);
      const request: FindRequest = { module: 'm', config: { filters: [{ path: 'n', op: 'eq', value: 2 }] } };
      assert.ok(same(mirror, index, request));
      const added = row('m', { n: 2 });
      index.ingest([{ row: added, relations: [] }]);
      assert.ok(same(mirror, index, request));
      assert.ok(mirror.search(request)!.ids.includes(added.record_id));
      index.setHidden(added.record_id, true);
      assert.ok(same(mirror, index, request));
      assert.ok(!mirror.search(request)!.ids.includes(added.record_id));
      index.setLabel(mirror.search(request)!.ids[0]!, 'picked');
      assert.ok(same(mirror, index, { ...request, label: 'picked' }));
      assert.equal(mirror.search({ ...request, label: 'picked' })!.total, 1);
    } finally {
      db.close();
      index.close();
    }
  });

  it('leaves to the index what it does not cover', () => {
    const { index, path } = store();
    const db = openReadonlyIndex(path)!;
    try {
      const mirror = new ConfigMirror(db);
      for (const request of [
        { config: { filters: [{ path: 'n', op: 'eq', value: 1 }] } }, // no module
        { module: 'm' }, // no config filter
        { module: 'm', config: { filters: [{ path: 'n', op: 'contains', value: 1 }] } },
        { module: 'm', config: { filters: [{ path: 'n', value: true }] } },
        { module: 'm', config: { filters: [{ path: 'n', value: null }] } },
        { module: 'm', config: { layer: 'default', filters: [{ path: 'n', value: 1 }] } },
        { module: 'm', config: { filters: [{ path: 'x[0]', value: 1 }] } },
      ] as FindRequest[]) {
        assert.equal(mirror.search(request), undefined, JSON.stringify(request));
      }
      assert.throws(() => mirror.search({ modul: 'm' } as FindRequest), /unknown key/);
    } finally {
      db.close();
      index.close();
    }
  });
});
