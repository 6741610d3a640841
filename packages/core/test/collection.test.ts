import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, Element, Field, Interface, InterfaceCollection, MachinableError, resolveConfig } from '@machinable/core';
import { Layer, Train, TrainConfig } from './fixtures.js';

/** What `get().all()` items look like to the collection: the duck-typed members it reads. */
interface FakeRun {
  uuid: string;
  module: string;
  config: object;
  version(): unknown[];
  cached(): boolean;
  launch(): Promise<FakeRun>;
  log: string[];
}

function fakeRun(uuid: string, config: object = {}, options: { version?: unknown[]; cached?: boolean; module?: string; log?: string[] } = {}): FakeRun {
  const run: FakeRun = {
    uuid,
    module: options.module ?? 'train',
    config,
    log: options.log ?? [],
    version: () => options.version ?? [],
    cached: () => options.cached ?? false,
    async launch() {
      run.log.push(`start ${uuid}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      run.log.push(`end ${uuid}`);
      return run;
    },
  };
  return run;
}

const uuidsOf = (collection: InterfaceCollection<{ uuid: string }>) => collection.map((item) => item.uuid);

function sizeErrorOf(fn: () => unknown): MachinableError & { count: number } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MachinableError, `expected a MachinableError, got ${String(error)}`);
    assert.equal(error.name, 'CollectionSizeError');
    return error as MachinableError & { count: number };
  }
  assert.fail('expected a CollectionSizeError');
}

@Config()
class Network {
  @Field({ type: Layer, each: true }) layers: Layer[] = [];
  @Field({ type: Layer, each: 'record' }) heads: Record<string, Layer> = {};
  @Field({ type: 'json' }) extra: Record<string, unknown> = {};
}

/** An element whose config resolves from defaults alone, so `new Probe().config` needs no project. */
@Config()
class ProbeConfig {
  @Field() rate = 0.5;
  @Field() label = 'probe';
}

class Probe extends Element<ProbeConfig> {
  static override Config = ProbeConfig;
}

/** The same as an interface; not materialized, so `cached()` is false without a project. */
class ProbeRun extends Interface<ProbeConfig> {
  static override Config = ProbeConfig;
}

describe('collection: basics', () => {
  it('is iterable, indexable and knows its length', () => {
    const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b'), fakeRun('c')]);
    assert.equal(runs.length, 3);
    assert.deepEqual([...runs].map((r) => r.uuid), ['a', 'b', 'c']);
    assert.equal(runs.at(1)?.uuid, 'b');
    assert.equal(runs.at(-1)?.uuid, 'c');
    assert.equal(runs.at(3), undefined);
  });

  it('gives the first and last item, or undefined when empty', () => {
    const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b')]);
    assert.equal(runs.first()?.uuid, 'a');
    assert.equal(runs.last()?.uuid, 'b');
    const empty = new InterfaceCollection<FakeRun>();
    assert.equal(empty.first(), undefined);
    assert.equal(empty.last(), undefined);
    assert.equal(empty.length, 0);
  });

  it('cannot be changed through toArray() or the source array', () => {
    const source = [fakeRun('a')];
    const runs = new InterfaceCollection(source);
    source.push(fakeRun('b'));
    runs.toArray().push(fakeRun('c'));
    assert.deepEqual(uuidsOf(runs), ['a']);
  });
});

describe('collection: filter', () => {
  it('returns a new collection of the matching items, in order', () => {
    const runs = new InterfaceCollection([fakeRun('a', {}, { cached: true }), fakeRun('b'), fakeRun('c', {}, { cached: true })]);
    const finished = runs.filter((run) => run.cached());
    assert.ok(finished instanceof InterfaceCollection);
    assert.deepEqual(uuidsOf(finished), ['a', 'c']);
    assert.equal(runs.length, 3, 'the original is unchanged');
  });

  it('passes the index to the predicate', () => {
    const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b'), fakeRun('c')]);
    assert.deepEqual(uuidsOf(runs.filter((_, index) => index !== 1)), ['a', 'c']);
  });

  it('narrows the item type with a type guard', () => {
    const mixed = new InterfaceCollection<FakeRun | { note: string }>([fakeRun('a'), { note: 'x' }]);
    const runs = mixed.filter((item): item is FakeRun => 'uuid' in item);
    // Compiles only because the guard narrowed the type to FakeRun.
    assert.deepEqual(runs.map((run) => run.uuid), ['a']);
  });
});

describe('collection: map', () => {
  it('returns a plain array of the results, with the index', () => {
    const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b')]);
    const mapped = runs.map((run, index) => `${index}:${run.uuid}`);
    assert.ok(Array.isArray(mapped));
    assert.deepEqual(mapped, ['0:a', '1:b']);
  });
});

describe('collection: sortBy', () => {
  const runs = new InterfaceCollection([
    fakeRun('a', { loss: 0.3 }),
    fakeRun('b', { loss: 0.1 }),
    fakeRun('c', {}),
    fakeRun('d', { loss: 0.3 }),
    fakeRun('e', { loss: 0.2 }),
  ]);
  const loss = (run: FakeRun) => (run.config as { loss?: number }).loss;

  it('sorts ascending and keeps ties in their order', () => {
    assert.deepEqual(uuidsOf(runs.sortBy(loss)), ['b', 'e', 'a', 'd', 'c']);
  });

  it('sorts descending, still putting items without a key last', () => {
    assert.deepEqual(uuidsOf(runs.sortBy(loss, { descending: true })), ['a', 'd', 'e', 'b', 'c']);
  });

  it('compares strings by code unit and dates by time', () => {
    const named = new InterfaceCollection([fakeRun('b'), fakeRun('B'), fakeRun('a')]);
    assert.deepEqual(uuidsOf(named.sortBy((run) => run.uuid)), ['B', 'a', 'b']);
    const dated = new InterfaceCollection([fakeRun('x'), fakeRun('y')]);
    const at: Record<string, Date> = { x: new Date('2024-02-01'), y: new Date('2024-01-01') };
    assert.deepEqual(uuidsOf(dated.sortBy((run) => at[run.uuid])), ['y', 'x']);
  });

  it('puts NaN keys last, like missing ones', () => {
    const keys: Record<string, number> = { a: NaN, b: 2, c: 1 };
    const items = new InterfaceCollection([fakeRun('a'), fakeRun('b'), fakeRun('c')]);
    assert.deepEqual(uuidsOf(items.sortBy((run) => keys[run.uuid])), ['c', 'b', 'a']);
  });

  it('leaves the original order untouched', () => {
    runs.sortBy(loss);
    assert.deepEqual(uuidsOf(runs), ['a', 'b', 'c', 'd', 'e']);
  });
});

describe('collection: singleton', () => {
  it('returns the only item', () => {
    const run = fakeRun('a');
    assert.equal(new InterfaceCollection([run]).singleton(), run);
  });

  it('throws CollectionSizeError when empty, saying so', () => {
    const error = sizeErrorOf(() => new InterfaceCollection<FakeRun>().singleton());
    assert.equal(error.count, 0);
    assert.match(error.message, /exactly one item/);
    assert.match(error.message, /empty/);
  });

  it('throws CollectionSizeError with the count and the modules when there are several, suggesting filter', () => {
    const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b'), fakeRun('c', {}, { module: 'eval' })]);
    const error = sizeErrorOf(() => runs.singleton());
    assert.equal(error.count, 3);
    assert.match(error.message, /holds 3 items \(train, eval\)/);
    assert.match(error.message, /filter\(/);
  });

  it('works for items without a module', () => {
    const error = sizeErrorOf(() => new InterfaceCollection([1, 2]).singleton());
    assert.match(error.message, /holds 2 items;/);
  });
});

describe('collection: findManyById', () => {
  const runs = new InterfaceCollection([fakeRun('a'), fakeRun('b'), fakeRun('c')]);

  it('returns the items in the order of the ids given', () => {
    assert.deepEqual(uuidsOf(runs.findManyById(['c', 'a'])), ['c', 'a']);
  });

  it('skips unknown ids', () => {
    assert.deepEqual(uuidsOf(runs.findManyById(['x', 'b', 'y'])), ['b']);
    assert.equal(runs.findManyById([]).length, 0);
  });

  it('yields an item once when its id is given twice', () => {
    assert.deepEqual(uuidsOf(runs.findManyById(['b', 'b', 'a'])), ['b', 'a']);
  });

  it('skips items without a string uuid', () => {
    const mixed = new InterfaceCollection<object>([{ uuid: 1 }, { name: 'no id' }, fakeRun('a')]);
    assert.deepEqual(mixed.findManyById(['1', 'a']).map((item) => (item as FakeRun).uuid), ['a']);
  });
});

describe('collection: launch', () => {
  it('launches every item one after the other and resolves to the collection', async () => {
    const log: string[] = [];
    const runs = new InterfaceCollection([fakeRun('a', {}, { log }), fakeRun('b', {}, { log })]);
    const result = await runs.launch();
    assert.equal(result, runs);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
  });

  it('skips items without a launch() method', async () => {
    const log: string[] = [];
    const runs = new InterfaceCollection<object>([{ uuid: 'plain' }, fakeRun('a', {}, { log })]);
    await runs.launch();
    assert.deepEqual(log, ['start a', 'end a']);
  });

  it('stops at the first failure and rejects with its error', async () => {
    const log: string[] = [];
    const failing = { launch: async () => { throw new Error('boom'); } };
    const runs = new InterfaceCollection<object>([failing, fakeRun('a', {}, { log })]);
    await assert.rejects(runs.launch(), /boom/);
    assert.deepEqual(log, []);
  });
});

describe('collection: toRows', () => {
  it('starts every row with uuid, module, version and cached', () => {
    const rows = new InterfaceCollection([fakeRun('a', {}, { version: ['~adam', { seed: 1 }], cached: true })]).toRows();
    assert.deepEqual(rows, [{ uuid: 'a', module: 'train', version: '~adam {"seed":1}', cached: true }]);
    assert.deepEqual(Object.keys(rows[0]!), ['uuid', 'module', 'version', 'cached']);
  });

  it('renders the version as space-separated items: calls as written, objects as compact JSON', () => {
    const version = ['~adam(lr=3e-4)', { 'optimizer.momentum': 0.95, tags: ['a'] }, ' ~large '];
    const [row] = new InterfaceCollection([fakeRun('a', {}, { version })]).toRows();
    assert.equal(row!.version, '~adam(lr=3e-4) {"optimizer.momentum":0.95,"tags":["a"]} ~large');
    const [plain] = new InterfaceCollection([fakeRun('b')]).toRows();
    assert.equal(plain!.version, '', 'no version is the empty string');
  });

  it('flattens nested config instances with dotted keys', () => {
    const { config } = resolveConfig(TrainConfig, ['~adam', { seed: 1, 'optimizer.momentum': 0.95 }], { host: new Train() });
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.optimizer.name'], 'adam');
    assert.equal(row!['config.optimizer.momentum'], 0.95);
    assert.equal(row!['config.seed'], 1);
    assert.equal(row!['config.lr'], 0.001, 'set by ~adam');
    assert.equal(row!['config.layers'], 2);
    assert.equal(row!['config.optimizer'], undefined, 'a nested config is not a cell of its own');
  });

  it('expands arrays into indexed columns, like config error paths', () => {
    const { config } = resolveConfig(Network, { layers: [{ size: 4 }, { size: 2, activation: 'tanh' }] });
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.layers[0].size'], 4);
    assert.equal(row!['config.layers[0].activation'], 'relu');
    assert.equal(row!['config.layers[1].activation'], 'tanh');
  });

  it("keeps each array in one JSON column with { arrays: 'json' }", () => {
    const { config } = resolveConfig(Network, { layers: [{ size: 4 }], extra: { sizes: [1, 2] } });
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows({ arrays: 'json' });
    assert.equal(row!['config.layers'], '[{"size":4,"activation":"relu"}]');
    assert.equal(row!['config.extra.sizes'], '[1,2]');
    assert.equal(row!['config.layers[0].size'], undefined);
  });

  it('recurses into records, quoting keys that are not identifiers', () => {
    const { config } = resolveConfig(Network, { heads: { cls: { size: 3 } }, extra: { 'my key': 1, nested: { deep: true } } });
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.heads.cls.size'], 3);
    assert.equal(row!['config.extra["my key"]'], 1);
    assert.equal(row!['config.extra.nested.deep'], true);
    // A dotted record key stays one key, so it cannot be mistaken for nesting.
    const [plain] = new InterfaceCollection([fakeRun('b', { weights: { 'a.b': 2 } })]).toRows();
    assert.equal(plain!['config.weights["a.b"]'], 2);
  });

  it('keeps empty nested objects and arrays visible as {} and []', () => {
    const { config } = resolveConfig(Network, {});
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.layers'], '[]');
    assert.equal(row!['config.heads'], '{}');
    assert.equal(row!['config.extra'], '{}');
  });

  it('gives rows of different configs the union of columns, undefined where missing', () => {
    const rows = new InterfaceCollection([fakeRun('a', { lr: 0.1, seed: 1 }), fakeRun('b', { lr: 0.2, depth: 3 })]).toRows();
    const columns = ['uuid', 'module', 'version', 'cached', 'config.lr', 'config.seed', 'config.depth'];
    assert.deepEqual(Object.keys(rows[0]!), columns);
    assert.deepEqual(Object.keys(rows[1]!), columns);
    assert.equal(rows[0]!['config.depth'], undefined);
    assert.equal(rows[1]!['config.seed'], undefined);
    assert.equal(rows[1]!['config.depth'], 3);
  });

  it('leaves the config out with { config: false }', () => {
    const rows = new InterfaceCollection([fakeRun('a', { lr: 0.1 })]).toRows({ config: false });
    assert.deepEqual(Object.keys(rows[0]!), ['uuid', 'module', 'version', 'cached']);
  });

  it('leaves members an item lacks undefined', () => {
    const rows = new InterfaceCollection<unknown>([{ config: { a: 1 } }, { uuid: 7, cached: 'yes' }, null, 'text']).toRows();
    assert.equal(rows.length, 4);
    for (const row of rows) {
      assert.equal(row.uuid, undefined);
      assert.equal(row.module, undefined);
      assert.equal(row.version, undefined);
      assert.equal(row.cached, undefined);
    }
    assert.equal(rows[0]!['config.a'], 1);
    assert.equal(rows[2]!['config.a'], undefined);
  });

  it('flattens a config of any class at the top level, and shows a non-object config as one column', () => {
    class Loose { lr = 0.1; }
    const rows = new InterfaceCollection<object>([{ config: new Loose() }, { config: 'raw' }]).toRows();
    assert.equal(rows[0]!['config.lr'], 0.1);
    assert.equal(rows[1]!['config'], 'raw');
  });

  it('reads members given as values instead of methods', () => {
    const [row] = new InterfaceCollection([{ uuid: 'a', module: 'm', version: '~fast', cached: false }]).toRows();
    assert.deepEqual(row, { uuid: 'a', module: 'm', version: '~fast', cached: false });
  });

  it('works on real elements and interfaces', () => {
    const run = new ProbeRun();
    const rows = new InterfaceCollection<Element<ProbeConfig>>([new Probe(), run]).toRows();
    assert.deepEqual(rows, [
      { uuid: undefined, module: 'Probe', version: '', cached: undefined, 'config.rate': 0.5, 'config.label': 'probe' },
      { uuid: run.uuid, module: 'ProbeRun', version: '', cached: false, 'config.rate': 0.5, 'config.label': 'probe' },
    ]);
  });

  it('turns other values into scalars: dates as ISO strings, other objects as JSON', () => {
    const config = { when: new Date('2024-01-02T03:04:05.000Z'), tags: new Set(['x']), big: 10n, none: null, shape: new (class Shape { w = 2; })() };
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.when'], '2024-01-02T03:04:05.000Z');
    assert.equal(row!['config.tags'], '{}');
    assert.equal(row!['config.big'], '10');
    assert.equal(row!['config.none'], null);
    assert.equal(row!['config.shape'], '{"w":2}', 'a class that is not a @Config() is a single cell');
  });

  it('does not loop on a cyclic config', () => {
    const config: Record<string, unknown> = { a: 1 };
    config.self = config;
    const [row] = new InterfaceCollection([fakeRun('a', config)]).toRows();
    assert.equal(row!['config.a'], 1);
    assert.equal(row!['config.self'], '[Circular]');
  });
});

describe('collection: toCsv', () => {
  it('writes a header and one CRLF-terminated line per item', () => {
    const runs = new InterfaceCollection([fakeRun('a', { lr: 0.1 }, { cached: true }), fakeRun('b', { depth: 2 })]);
    assert.equal(runs.toCsv(), 'uuid,module,version,cached,config.lr,config.depth\r\na,train,,true,0.1,\r\nb,train,,false,,2\r\n');
  });

  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    const runs = new InterfaceCollection([fakeRun('a', { note: 'x,y', quote: 'say "hi"', lines: 'one\ntwo' }, { version: ['~adam', { seed: 1 }] })]);
    const [, line] = runs.toCsv({ config: true }).split('\r\n');
    assert.equal(line, 'a,train,"~adam {""seed"":1}",false,"x,y","say ""hi""","one\ntwo"');
  });

  it('quotes header names that need it', () => {
    const csv = new InterfaceCollection([fakeRun('a', { 'a,b': 1 })]).toCsv();
    assert.ok(csv.startsWith('uuid,module,version,cached,"config[""a,b""]"\r\n'));
  });

  it('passes options through to toRows', () => {
    const csv = new InterfaceCollection([fakeRun('a', { lr: 0.1 })]).toCsv({ config: false });
    assert.equal(csv, 'uuid,module,version,cached\r\na,train,,false\r\n');
  });

  it('writes only the header for an empty collection', () => {
    assert.equal(new InterfaceCollection().toCsv(), 'uuid,module,version,cached\r\n');
  });
});
