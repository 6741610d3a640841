/**
 * Finding runs: `find()` (the reference's FindRequest, and a builder compiling to it),
 * collections that answer from it in the enclosing scope, labels and hidden records, results
 * tables with values read from files, and `machinable find` on the command line.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FindRequestError,
  find,
  get,
  parseWhere,
  project,
  scope,
  type FindRequest,
  type Interface,
  type WhereOperator,
} from '@machinable/core';
import { makeProject } from './helpers.js';
import { lines, machinable } from './cli-helpers.js';

const TRAIN = `
import { Interface, Config, Field, Version } from '@machinable/core';
@Config() export class Optimizer { @Field() name = 'sgd'; }
@Config() export class C { @Field() lr = 0.1; @Field({ type: 'int' }) seed = 0; @Field() optimizer = new Optimizer(); @Field() note = ''; }
export default class Train extends Interface<C> {
  static Config = C;
  @Version() adam() { return { optimizer: { name: 'adam' } }; }
  run() { this.saveFile('result.json', { loss: Math.round(1000 * (this.config.lr + this.config.seed / 100)) / 1000 }); }
}`;

/** lr, seed, adam?: the grid every spec below searches. */
const GRID: Array<[number, number, boolean]> = [
  [0.5, 1, false],
  [0.1, 1, false],
  [0.01, 1, false],
  [0.1, 2, true],
  [0.01, 2, true],
  [0.001, 3, true],
];

let dir: string;
const ids: Record<string, string> = {};
const key = (lr: number, seed: number): string => `${lr}/${seed}`;
const inProject = <T>(fn: () => Promise<T>): Promise<T> => project(dir).within(fn);
const idsOf = (result: { items: Array<{ record_id: string }> }): string[] => result.items.map((item) => item.record_id);
const expected = (...pairs: Array<[number, number]>): string[] => pairs.map(([lr, seed]) => ids[key(lr, seed)]!);

before(async () => {
  dir = makeProject({ 'train.ts': TRAIN });
  await inProject(async () => {
    for (const [lr, seed, adam] of GRID) {
      const run = await (await get('train', [...(adam ? ['~adam'] : []), { lr, seed, note: `warm up = ${seed}` }])).launch();
      ids[key(lr, seed)] = run.uuid;
    }
    await scope({ dataset: 'v2' }).within(async () => {
      ids['scoped'] = (await (await get('train', { lr: 0.1, seed: 1 })).launch()).uuid;
    });
  });
});

describe('find: the request', () => {
  it('filters with every operator on config paths, SQLite semantics', async () => {
    await inProject(async () => {
      const filtered = (filter: { path: string; op: string; value: unknown }): Promise<string[]> =>
        find({ module: 'train', config: { filters: [filter] }, sort: [{ by: 'created_at_ns', direction: 'asc' }] } as FindRequest).then(idsOf);
      assert.deepEqual(await filtered({ path: 'lr', op: 'eq', value: 0.01 }), expected([0.01, 1], [0.01, 2]));
      assert.deepEqual(await filtered({ path: 'lr', op: 'ne', value: 0.1 }), expected([0.5, 1], [0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await filtered({ path: 'lr', op: 'lt', value: 0.01 }), expected([0.001, 3]));
      assert.deepEqual(await filtered({ path: 'lr', op: 'lte', value: 0.01 }), expected([0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await filtered({ path: 'lr', op: 'gt', value: 0.1 }), expected([0.5, 1]));
      assert.deepEqual(await filtered({ path: 'lr', op: 'gte', value: 0.1 }), [...expected([0.5, 1], [0.1, 1], [0.1, 2]), ids['scoped']], 'two 0.1 runs, 0.5, and the scoped 0.1 run');
      assert.deepEqual(await filtered({ path: 'seed', op: 'in', value: [2, 3] }), expected([0.1, 2], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await filtered({ path: 'optimizer.name', op: 'contains', value: 'da' }), expected([0.1, 2], [0.01, 2], [0.001, 3]));
      // Mixed types: a number is less than any text, as SQLite compares them.
      assert.deepEqual(await filtered({ path: 'note', op: 'gt', value: 1e6 }), [...expected(...GRID.map(([lr, seed]): [number, number] => [lr, seed])), ids['scoped']]);
    });
  });

  it('sorts by a column and by a config path, both ways, and pages with a total', async () => {
    await inProject(async () => {
      const byLr = await find({ module: 'train', predicate: null, sort: [{ by: 'lr', config_layer: 'resolved', direction: 'asc' }, { by: 'created_at_ns', direction: 'asc' }], limit: 2, offset: 1 });
      assert.equal(byLr.total, 7);
      assert.deepEqual(idsOf(byLr), expected([0.01, 1], [0.01, 2]));
      const newest = await find({ module: 'train', sort: [{ by: 'created_at_ns', direction: 'desc' }], limit: 1 });
      assert.deepEqual(idsOf(newest), [ids['scoped']]);
      const byModule = await find({ sort: [{ by: 'module', direction: 'asc' }] });
      const modules = byModule.items.map((item) => item.module);
      assert.deepEqual(modules, [...modules].sort((a, b) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0)), 'NULL first, as SQLite orders it');
    });
  });

  it("returns the reference's summaries: record_id and the row's fields", async () => {
    await inProject(async () => {
      const { items } = await find({ module: 'train', limit: 1 });
      assert.deepEqual(Object.keys(items[0]!).sort(), [
        'bytes_missing', 'created_at_ns', 'created_by', 'hidden', 'identity_key', 'kind', 'label', 'local_uri', 'module', 'parent_id', 'predicate_key', 'record_id', 'storage_id', 'storage_uri',
      ]);
      assert.equal(typeof items[0]!.created_at_ns, 'bigint');
    });
  });

  it('names an unknown key, operator or layer in a clear error', async () => {
    await inProject(async () => {
      await assert.rejects(find({ modul: 'train' } as unknown as FindRequest), (e: unknown) => e instanceof FindRequestError && /modul: unknown key \(did you mean 'module'\?\)/.test(e.message));
      await assert.rejects(find({ config: { filters: [{ path: 'lr', op: 'bigger' as never, value: 1 }] } }), /config\.filters\[0\]\.op/);
      await assert.rejects(find({ config: { layer: 'final' as never, filters: [] } }), /config\.layer/);
      await assert.rejects(find({ sort: [{ by: 'loss' }] }), /sort\[0\]\.by/);
      await assert.rejects(find({ limit: 0 }), /limit/);
    });
  });
});

describe('find: the builder', () => {
  it('compiles to the same request as the JSON form', () => {
    const query = find({ module: 'train' }).where('lr', '>', 0.01).where('optimizer.name=adam').where('predicate.dataset=v2').sort('-lr').limit(20);
    assert.deepEqual(query.request, {
      module: 'train',
      config: { filters: [{ path: 'lr', op: 'gt', value: 0.01 }, { path: 'optimizer.name', op: 'eq', value: 'adam' }] },
      predicate: { dataset: 'v2' },
      sort: [{ by: 'lr', config_layer: 'resolved', direction: 'desc' }],
      limit: 20,
    });
  });

  it('maps every operator symbol of where(path, op, value) to its own operator, and finds what each one means', async () => {
    const compiled = (op: WhereOperator): unknown => find({}).where('lr', op, 0.1).request.config?.filters?.[0]?.op;
    const symbols: Array<[WhereOperator, string]> = [['=', 'eq'], ['==', 'eq'], ['!=', 'ne'], ['<', 'lt'], ['<=', 'lte'], ['>', 'gt'], ['>=', 'gte'], ['~', 'contains']];
    for (const [symbol, op] of symbols) assert.equal(compiled(symbol), op, `where('lr', '${symbol}', 0.1)`);
    await inProject(async () => {
      const matching = (op: WhereOperator, value: number): Promise<string[]> => find({ module: 'train' }).where('lr', op, value).sort('created').then(idsOf);
      assert.deepEqual(await matching('!=', 0.1), expected([0.5, 1], [0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await matching('ne', 0.1), expected([0.5, 1], [0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await matching('==', 0.5), expected([0.5, 1]));
      assert.deepEqual(await matching('<', 0.1), expected([0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await matching('<=', 0.01), expected([0.01, 1], [0.01, 2], [0.001, 3]));
      assert.deepEqual(await matching('>', 0.1), expected([0.5, 1]));
      assert.deepEqual(await matching('>=', 0.1), [...expected([0.5, 1], [0.1, 1], [0.1, 2]), ids['scoped']]);
    });
  });

  it('sorts by a value read from a file, and makes a results table without loading modules', async () => {
    await inProject(async () => {
      // Two runs lose 0.11 (lr 0.1, seed 1: the plain one and the scoped one): 'created' orders them.
      const rows = await find({ module: 'train' }).where('lr>=0.01').sort('-result.json:loss', 'created').limit(4).rows(['id', 'config.lr', 'status', 'result.json:loss']);
      assert.deepEqual(rows, [
        { id: ids[key(0.5, 1)], 'config.lr': 0.5, status: 'finished', 'result.json:loss': 0.51 },
        { id: ids[key(0.1, 2)], 'config.lr': 0.1, status: 'finished', 'result.json:loss': 0.12 },
        { id: ids[key(0.1, 1)], 'config.lr': 0.1, status: 'finished', 'result.json:loss': 0.11 },
        { id: ids['scoped'], 'config.lr': 0.1, status: 'finished', 'result.json:loss': 0.11 },
      ]);
      const { total, items } = await find({ module: 'train' }).sort('result.json:loss').limit(2);
      assert.equal(total, 7);
      assert.deepEqual(items.map((i) => i.record_id), expected([0.01, 1], [0.01, 2]), 'losses 0.02 and 0.03, then 0.031 and more');
    });
  });

  it('reads conditions as the command line writes them, values with = and spaces included', () => {
    assert.deepEqual(parseWhere('lr>0.01'), { path: 'lr', op: 'gt', value: 0.01 });
    assert.deepEqual(parseWhere('note=warm up = 2'), { path: 'note', op: 'eq', value: 'warm up = 2' });
    assert.deepEqual(parseWhere('optimizer.name != adam'), { path: 'optimizer.name', op: 'ne', value: 'adam' });
    assert.deepEqual(parseWhere('lr in [0.1, 0.01]'), { path: 'lr', op: 'in', value: [0.1, 0.01] });
    assert.deepEqual(parseWhere('seed in 1,2'), { path: 'seed', op: 'in', value: [1, 2] });
    assert.deepEqual(parseWhere("name='007'"), { path: 'name', op: 'eq', value: '007' });
    assert.deepEqual(parseWhere('note~warm'), { path: 'note', op: 'contains', value: 'warm' });
    assert.throws(() => parseWhere('just text'), FindRequestError);
  });
});

describe('find: collections, labels, hidden records', () => {
  it('get(m).all() answers in the enclosing scope, and narrows, sorts and pages in SQL', async () => {
    await inProject(async () => {
      assert.equal((await get('train').all()).length, 7, 'outside a scope: the runs of every scope, as the reference matches them');
      await scope({ dataset: 'v2' }).within(async () => {
        assert.deepEqual((await get('train').all()).map((r) => r.uuid), [ids['scoped']]);
        assert.deepEqual((await get('train', { lr: 0.1, seed: 1 }).all()).map((r) => r.uuid), [ids['scoped']]);
      });
      // lr < 0.5 by lr descending, then created: 0.1/1, 0.1/2, the scoped 0.1/1, 0.01/1, 0.01/2, 0.001/3.
      const page = await get('train').where('lr<0.5').sort('-lr', 'created').limit(2).offset(1).all();
      assert.deepEqual(page.map((r) => r.uuid), [ids[key(0.1, 2)], ids['scoped']]);
      const next = await get('train').where('lr<0.5').sort('-lr', 'created').limit(2).offset(3).all();
      assert.deepEqual(next.map((r) => r.uuid), expected([0.01, 1], [0.01, 2]));
      assert.equal(await get('train').where('optimizer.name=adam').count(), 3);
    });
  });

  it('keeps a label in model.json and the index, and finds by it', async () => {
    await inProject(async () => {
      const run = await get.byId(ids[key(0.1, 1)]!);
      const before = run.updatedAt!;
      run.setLabel('baseline');
      assert.equal((await get.byId(run.uuid)).label, 'baseline');
      assert.ok(run.updatedAt! >= before);
      assert.deepEqual(idsOf(await find({ label: 'baseline' })), [run.uuid]);
      assert.equal(typeof run.createdBy, 'string');
      run.setLabel(null);
      assert.equal((await find({ label: 'baseline' })).total, 0);
    });
  });

  it('hides a record in the index only: out of find, all() and ls unless asked for, the record untouched', async () => {
    let hiddenId = '';
    let updated: Date | undefined;
    await inProject(async () => {
      const run = await get.byId(ids[key(0.001, 3)]!);
      hiddenId = run.uuid;
      updated = (await get.byId(run.uuid)).updatedAt;
      run.hide('a typo in the data');
      assert.equal(run.hidden, true);
      assert.equal((await find({ module: 'train' })).total, 6);
      assert.equal((await find({ module: 'train', include_hidden: true })).total, 7);
      assert.equal((await get('train').all()).length, 6);
      assert.equal((await get('train').includeHidden().all()).length, 7);
      assert.equal((await get.byId(run.uuid)).updatedAt?.getTime(), updated?.getTime(), 'hiding never writes to the record');
    });
    const listed = await machinable(dir, 'ls', 'train');
    assert.ok(!listed.stdout.includes(hiddenId));
    assert.ok((await machinable(dir, 'ls', 'train', '--hidden')).stdout.includes(hiddenId));
    await inProject(async () => (await get.byId(hiddenId)).unhide());
    assert.ok((await machinable(dir, 'ls', 'train')).stdout.includes(hiddenId));
  });

  it('writes results tables from a collection as rows, CSV and JSON', async () => {
    await inProject(async () => {
      const runs = await get('train').where('seed=2').sort('lr').all();
      const columns = ['config.lr', 'status', 'result.json:loss'];
      assert.deepEqual(runs.toRows({ columns }), [
        { 'config.lr': 0.01, status: 'finished', 'result.json:loss': 0.03 },
        { 'config.lr': 0.1, status: 'finished', 'result.json:loss': 0.12 },
      ]);
      assert.equal(runs.toCsv({ columns }), 'config.lr,status,result.json:loss\r\n0.01,finished,0.03\r\n0.1,finished,0.12\r\n');
      assert.deepEqual(JSON.parse(runs.toJson({ columns })), runs.toRows({ columns }));
    });
  });
});

describe('find: the command line', () => {
  it('prints a table of the columns asked for, filtered and sorted', async () => {
    const result = await machinable(dir, 'find', 'train', '--where', 'lr>0.01', '--where', 'optimizer.name=sgd', '--sort=-result.json:loss', '--columns', 'config.lr,status,result.json:loss');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout).map((line) => line.split(/\s+/)), [
      ['config.lr', 'status', 'result.json:loss'],
      ['0.5', 'finished', '0.51'],
      ['0.1', 'finished', '0.11'],
      ['0.1', 'finished', '0.11'],
    ]);
  });

  it('reads a value with = and spaces in it, and prints CSV', async () => {
    const result = await machinable(dir, 'find', 'train', '--where', 'note=warm up = 3', '--csv', '--columns', 'id,config.note');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `id,config.note\r\n${ids[key(0.001, 3)]},warm up = 3\r\n`);
  });

  it('takes a whole FindRequest and prints exactly what the API returns', async () => {
    const request: FindRequest = { module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0.01 }] }, limit: 2 };
    const result = await machinable(dir, 'find', '--request', JSON.stringify(request), '--json');
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout.replace(/"created_at_ns": (\d+)/g, '"created_at_ns": "$1"')) as { items: Array<Record<string, unknown>>; total: number };
    const api = await inProject(() => find(request));
    assert.equal(printed.total, api.total);
    assert.deepEqual(
      printed.items,
      api.items.map((item) => ({ ...item, created_at_ns: String(item.created_at_ns) })),
    );
  });

  it('reports a bad request or condition on one line, naming it', async () => {
    const bad = await machinable(dir, 'find', '--request', '{"modul": "train"}', '--json');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: invalid find request: modul: unknown key/);
    const where = await machinable(dir, 'find', 'train', '--where', 'lr');
    assert.equal(where.code, 1);
    assert.match(where.stderr, /^Error: /);
  });
});

describe('ls: bounded cells', () => {
  it('cuts a long cell instead of widening every row', async () => {
    const wide = makeProject({ 'train.ts': TRAIN });
    await project(wide).within(async () => {
      await (await get('train', { lr: 0.1, note: 'x'.repeat(5000) })).materialize();
      await (await get('train', { lr: 0.2 })).materialize();
    });
    const result = await machinable(wide, 'ls');
    assert.equal(result.code, 0, result.stderr);
    for (const line of lines(result.stdout)) assert.ok(line.length < 200, `a line of ${line.length} characters`);
    assert.match(result.stdout, /…/);
  });
});

export type { Interface };
