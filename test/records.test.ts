import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigurationError,
  Element,
  INDEX_FILE,
  Interface,
  InterfaceStateError,
  ModuleNotFoundError,
  RecordConflictError,
  get,
  importDirectory,
  IndexCollisionError,
  ingestDirectory,
  project,
  reindex,
} from '@machinable/core';
import { CORE_URL, TRAIN_MODULE, makeProject, recordsOnDisk, runScript } from './helpers.js';
import { READY_THEN_WAIT_FOR_GO, startTogether } from './child-signals.js';

interface TrainLike extends Interface<{ lr: number; seed: number; optimizer: { name: string; momentum: number } }> {
  loss(): number;
}

const runsOf = (dir: string): string[] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n') : [];
/** uuids of the stored records other than executions. */
const recordsOf = (dir: string): string[] => recordsOnDisk(dir).filter((r) => r.kind !== 'Execution').map((r) => r.uuid);

describe('records: get() and launch()', () => {
  it('computes once; launching again is a cached no-op', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', ['~adam', { seed: 1, 'optimizer.momentum': 0.95 }]);
      assert.equal(run.isMaterialized, false);
      assert.equal(run.cached(), false);
      await run.launch();
      assert.equal(run.cached(), true);
      await run.launch();
      assert.equal(runsOf(dir).length, 1);
      assert.equal(run.loss(), 1 / (1 + 1e-3));
    });
  });

  it('finds the stored record for another spelling of the same config', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', ['~adam', { seed: 1, 'optimizer.momentum': 0.95 }]);
      await run.launch();
      const again = await get<TrainLike>('train', ['~adam', { seed: 1, optimizer: { momentum: 0.95 } }]);
      assert.equal(again.uuid, run.uuid);
      assert.equal(again.isMaterialized, true);
      assert.equal(again.cached(), true);
      const other = await get<TrainLike>('train', { seed: 2 });
      assert.notEqual(other.uuid, run.uuid);
      assert.equal(other.isMaterialized, false);
    });
  });

  it('reloads a run computed in another process without recomputing', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const child = await runScript(
      dir,
      `import { get } from ${JSON.stringify(CORE_URL)};
       const run = await get('train', { seed: 7, lr: 0.5 });
       await run.launch();
       console.log(run.uuid);`,
    );
    assert.equal(child.code, 0, child.stderr);
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', { seed: '7', lr: '0.5' });
      assert.equal(run.uuid, child.stdout.trim());
      await run.launch();
      assert.equal(runsOf(dir).length, 1, 'not recomputed');
      assert.equal(run.loss(), 1 / 1.5);
    });
  });

  it('two processes launching the same config at once end with one record', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const script = `import { get } from ${JSON.stringify(CORE_URL)};
      const run = await get('train', { seed: 3 });
      ${READY_THEN_WAIT_FOR_GO}
      await run.materialize();
      console.log(run.uuid);`;
    const children = [runScript(dir, script), runScript(dir, script), runScript(dir, script)];
    await startTogether(dir, children);
    const results = await Promise.all(children);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const uuids = new Set(results.map((r) => r.stdout.trim()));
    assert.equal(uuids.size, 1, `every process ends with the same record, got ${[...uuids].join(', ')}`);
    assert.deepEqual(recordsOf(dir), [...uuids]);
  });

  it('finds every record again after the index file is deleted', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const uuids: string[] = [];
    const p = project(dir);
    await p.within(async () => {
      for (const seed of [1, 2, 3]) uuids.push((await (await get('train', { seed })).launch()).uuid);
    });
    await p.close();
    rmSync(join(dir, INDEX_FILE), { force: true });
    rmSync(join(dir, `${INDEX_FILE}-wal`), { force: true });
    rmSync(join(dir, `${INDEX_FILE}-shm`), { force: true });
    await project(dir).within(async () => {
      for (const [i, seed] of [1, 2, 3].entries()) assert.equal((await get('train', { seed })).uuid, uuids[i]);
    });
  });

  it('reindex() rebuilds the index from the directories alone', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('train', { seed: 4 })).launch();
      const report = await reindex();
      assert.equal(report.indexed, 2, 'the run and the execution that computed it');
      assert.equal((await get('train', { seed: 4 })).uuid, run.uuid);
    });
  });

  it('rejects an unknown module with near matches', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      await assert.rejects(get('trian', { seed: 1 }), (e: unknown) => e instanceof ModuleNotFoundError && /Did you mean 'train'\?/.test(e.message));
    });
  });

  it('rejects a module without an interface default export', async () => {
    const dir = makeProject({ 'helper.ts': 'export const x = 1;\n' });
    await project(dir).within(async () => {
      await assert.rejects(get('helper'), /has no interface class as its default export/);
    });
  });

  it('reports a bad config with its path before touching storage', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      await assert.rejects(get('train', { seed: 1, 'optimizer.lrr': 1 }), (e: unknown) => e instanceof ConfigurationError && e.path === 'optimizer.lrr');
    });
    assert.deepEqual(recordsOf(dir), []);
  });
});

describe('records: the record directory', () => {
  it('buffers files saved before materialize and writes them with the record', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', { seed: 9 });
      run.saveFile('notes/plan.txt', 'try adam next');
      run.saveFile('curve.npy', new Float64Array([0.5, 0.25]));
      assert.equal(run.loadFile('notes/plan.txt'), 'try adam next');
      assert.equal(existsSync(join(dir, 'storage')), false, 'nothing written yet');
      await run.materialize();
      assert.equal(readFileSync(join(run.localDirectory(), 'notes/plan.txt'), 'utf8'), 'try adam next');
      const reloaded = await get<TrainLike>('train', { seed: 9 });
      assert.equal(reloaded.loadFile('notes/plan.txt'), 'try adam next');
      assert.deepEqual([...(reloaded.loadFile<{ data: Float64Array }>('curve.npy').data)], [0.5, 0.25]);
      assert.equal(reloaded.loadFile('missing.json', null), null);
      assert.throws(() => reloaded.loadFile('missing.json'), /no file 'missing.json'/);
    });
  });

  it('keeps config immutable once materialized and refuses reserved file names', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get<TrainLike>('train', { seed: 1 })).materialize();
      assert.throws(() => {
        (run.config as { lr: number }).lr = 5;
      }, TypeError);
      assert.throws(() => {
        (run.config.optimizer as { name: string }).name = 'x';
      }, TypeError);
      assert.throws(() => run.saveFile('id.json', {}), /kept by machinable/);
    });
  });

  it('needs a record for localDirectory()', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', { seed: 1 });
      assert.throws(() => run.localDirectory(), InterfaceStateError);
    });
  });

  it('loads a record with Interface.fromDirectory() and get.byId()', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get<TrainLike>('train', { seed: 5, lr: 0.25 })).launch();
      const fromDir = (await Interface.fromDirectory(run.localDirectory())) as TrainLike;
      assert.equal(fromDir.uuid, run.uuid);
      assert.equal(fromDir.config.lr, 0.25);
      assert.equal(fromDir.loss(), 0.8);
      const byId = await get.byId<TrainLike>(run.uuid);
      assert.equal(byId.module, 'train');
      assert.equal(byId.loss(), 0.8);
      await assert.rejects(get.byId('nope'), /no record 'nope' in the index/);
    });
  });

  it('lists records with get(m).all() and get(m, v).all() across version spellings', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const a = await (await get('train', ['~adam', { seed: 1 }])).launch();
      await (await get('train', { seed: 2 })).launch();
      const all = await get('train').all();
      assert.equal(all.length, 2);
      const adam = await get('train', [{ seed: 1, lr: 0.001, optimizer: { name: 'adam' } }]).all();
      assert.deepEqual(adam.toArray().map((r) => r.uuid), [a.uuid]);
    });
  });

  it('cached(false) makes the next launch recompute; cached(true) marks it computed', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('train', { seed: 1 })).launch();
      await run.cached(false).launch();
      assert.equal(runsOf(dir).length, 2);
      const other = await (await get('train', { seed: 2 })).materialize();
      other.cached(true);
      await other.launch();
      assert.equal(runsOf(dir).length, 2);
    });
  });

  it('does not compute a record that another process computed after this one created it', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('train', { seed: 3 })).materialize();
      // Another process computed it meanwhile: its cached marker is there, as any writer leaves it.
      writeFileSync(join(run.localDirectory(), 'cached'), 'finished');
      await run.launch();
      assert.equal(runsOf(dir).length, 0);
      assert.equal(run.cached(), true);
      assert.equal(run.execution, undefined);
    });
  });

  it('keeps markers in memory only', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('train', { seed: 1 })).materialize();
      run.mark('seen').mark('score', 3);
      assert.equal(run.marker('seen'), true);
      assert.equal(run.marker('score'), 3);
      assert.equal((await get.byId(run.uuid)).marker('seen'), undefined);
    });
  });
});

describe('records: hooks and elements', () => {
  it('calls lifecycle hooks in order and adds onComputePredicate() to the identity', async () => {
    const dir = makeProject({
      'hooked.ts': `
        import { Interface, Config, Field } from '@machinable/core';
        @Config() class C { @Field() x = 1; }
        export const calls: string[] = [];
        export default class Hooked extends Interface<C> {
          static Config = C;
          onConfigure() { calls.push('configure'); }
          onComputePredicate() { return { dataset: (globalThis as any).DATASET ?? 'a' }; }
          onBeforeMaterialize() { calls.push('beforeMaterialize'); }
          onMaterialize() { calls.push('materialize'); }
          onBeforeLaunch() { calls.push('beforeLaunch'); }
          run() { calls.push('run'); }
          onAfterLaunch() { calls.push('afterLaunch'); }
        }`,
    });
    await project(dir).within(async () => {
      const run = await (await get('hooked')).launch();
      const { calls } = (await import(join(dir, 'hooked.ts'))) as { calls: string[] };
      assert.deepEqual(calls, ['configure', 'beforeMaterialize', 'materialize', 'beforeLaunch', 'run', 'afterLaunch']);
      (globalThis as { DATASET?: string }).DATASET = 'b';
      const other = await get('hooked');
      delete (globalThis as { DATASET?: string }).DATASET;
      assert.notEqual(other.uuid, run.uuid, 'a different predicate is a different record');
      assert.equal(other.identityKey, run.identityKey, 'with the same config identity');
    });
  });

  it('waits for hooks and run() that return a promise before the next step, and runs plain ones as they are', async () => {
    const dir = makeProject({
      'slow.ts': `
        import { Interface } from '@machinable/core';
        import { setTimeout as sleep } from 'node:timers/promises';
        export const calls: string[] = [];
        const slow = async (name: string) => { calls.push(name + ' starts'); await sleep(20); calls.push(name + ' ends'); };
        export default class Slow extends Interface {
          onBeforeMaterialize() { return slow('beforeMaterialize'); }
          onMaterialize() { calls.push('materialize'); }
          onBeforeLaunch() { return slow('beforeLaunch'); }
          async run() { await slow('run'); this.saveFile('done.json', { calls: calls.length }); }
          onAfterLaunch() { return slow('afterLaunch'); }
        }`,
    });
    await project(dir).within(async () => {
      const run = await (await get('slow')).launch();
      const { calls } = (await import(join(dir, 'slow.ts'))) as { calls: string[] };
      assert.deepEqual(calls, [
        'beforeMaterialize starts', 'beforeMaterialize ends', 'materialize', 'beforeLaunch starts', 'beforeLaunch ends',
        'run starts', 'run ends', 'afterLaunch starts', 'afterLaunch ends',
      ]);
      assert.equal(run.cached(), true, 'marked computed only after onAfterLaunch() ended');
      assert.deepEqual(run.loadFile('done.json'), { calls: 7 });
    });
  });

  it('never stores an Element', async () => {
    const dir = makeProject({
      'tokenizer.ts': `
        import { Element, Config, Field } from '@machinable/core';
        @Config() class C { @Field({ type: 'int' }) vocab = 256; }
        export default class Tokenizer extends Element<C> { static Config = C; }`,
    });
    await project(dir).within(async () => {
      const tokenizer = await get<Element<{ vocab: number }>>('tokenizer', { vocab: '512' });
      assert.ok(tokenizer instanceof Element);
      assert.ok(!(tokenizer instanceof Interface));
      assert.equal(tokenizer.config.vocab, 512);
    });
    assert.deepEqual(recordsOf(dir), []);
  });

  it('loads nested module names from folders: models.resnet is models/resnet.ts', async () => {
    const dir = makeProject({
      'models/resnet.ts': `
        import { Interface } from '@machinable/core';
        export default class ResNet extends Interface { run() { this.saveFile('done.txt', 'yes'); } }`,
    });
    await project(dir).within(async () => {
      const run = await (await get('models.resnet')).launch();
      assert.equal(run.module, 'models.resnet');
      assert.equal(run.loadFile('done.txt'), 'yes');
    });
  });
});

describe('records: records from elsewhere', () => {
  /** Two checkouts of one project (the same folder name) on two machines: one project root. */
  const checkouts = (): [string, string] => {
    const name = `study-${process.pid}-${Math.random().toString(36).slice(2)}`;
    return [join(makeProject({}), name), join(makeProject({}), name)].map((dir) => {
      mkdirSync(dir);
      writeFileSync(join(dir, 'train.ts'), TRAIN_MODULE);
      return dir;
    }) as [string, string];
  };

  it('imports a record from a colleague\'s checkout: copied into this storage, found by get() without recomputing', async () => {
    const [source, target] = checkouts();
    const run = await project(source).within(async () => (await get('train', { seed: 11 })).launch());
    await project(target).within(async () => {
      const row = await importDirectory(run.localDirectory());
      assert.equal(row.record_id, run.uuid);
      assert.ok(row.storage_uri.startsWith(`file://${join(target, 'storage')}/`), 'copied into this project\'s storage');
      const again = await get('train', { seed: 11 });
      assert.equal(again.uuid, run.uuid, 'found by get() without recomputing');
      assert.equal(again.cached(), true);
      assert.equal(again.status(), 'finished', 'with its run record');
      assert.deepEqual(recordsOf(target), [run.uuid]);
    });
    assert.equal(runsOf(target).length, 0);
  });

  it('indexes a directory where it is with ingestDirectory(), and refuses one that claims a known id with other keys', async () => {
    const [source, target] = checkouts();
    const run = await project(source).within(async () => (await get('train', { seed: 12 })).launch());
    await project(target).within(async () => {
      const row = await ingestDirectory(run.localDirectory());
      assert.equal(row.storage_uri, `file://${run.localDirectory()}`, 'indexed in place');
      assert.equal((await get('train', { seed: 12 })).uuid, run.uuid);
    });
    const tampered = join(run.localDirectory(), 'id.json');
    const id = JSON.parse(readFileSync(tampered, 'utf8'));
    writeFileSync(tampered, JSON.stringify({ ...id, identity_key: '0'.repeat(24) }));
    await project(target).within(async () => {
      await assert.rejects(ingestDirectory(run.localDirectory()), IndexCollisionError);
      await assert.rejects(importDirectory(run.localDirectory()), RecordConflictError);
    });
  });
});

describe('records: identity accessors and DI', () => {
  it('exposes uuid, a short id, the version as given, and commit() as materialize()', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await get<TrainLike>('train', ['~adam', { seed: 1 }]);
      assert.match(run.uuid, /^[A-Za-z0-9]{12}$/, 'a 12-character base62 record id, as the reference mints them');
      assert.equal(run.id, run.uuid);
      assert.deepEqual(run.version(), ['~adam', { seed: 1 }]);
      await run.commit();
      assert.equal(run.isMaterialized, true);
      assert.deepEqual((await get.byId(run.uuid)).version(), ['~adam', { seed: 1 }]);
    });
  });

  it('resolves modules through the DI container, so they can inject the storage', async () => {
    const dir = makeProject({
      'probe.ts': `
        import { Interface, STORAGE, inject, injectable, type Storage } from '@machinable/core';
        @injectable()
        export default class Probe extends Interface {
          constructor(@inject(STORAGE) readonly storage: Storage) { super(); }
        }`,
    });
    await project(dir).within(async () => {
      const probe = (await get('probe')) as Interface & { storage: { root: string } };
      assert.equal(probe.storage.root, join(dir, 'storage'));
    });
  });
});

describe('records: compiled modules', () => {
  it('keeps compiled .ts modules in a cache keyed by their source, so an edit is always seen', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'machinable-ts-cache-'));
    const module = (value: number): string => `
      import { Interface, Config, Field } from '@machinable/core';
      @Config() class C { @Field({ type: 'int' }) seed: number = 0; }
      export default class Probe extends Interface<C> { static Config = C; static value = ${value}; }`;
    const dir = makeProject({ 'probe.ts': module(1) });
    const script = `
      import { project } from ${JSON.stringify(CORE_URL)};
      const cls = await project(process.cwd()).load('probe');
      console.log(cls.value, Reflect.getMetadata('design:type', cls.Config.prototype, 'seed')?.name);`;
    const env = { MACHINABLE_TS_CACHE: cache };
    const first = await runScript(dir, script, env);
    assert.equal(first.stdout.trim(), '1 Number', first.stderr);
    assert.equal(readdirSync(cache).filter((name) => name.endsWith('.js')).length, 1);
    assert.equal((await runScript(dir, script, env)).stdout.trim(), '1 Number', 'from the cache, decorator metadata included');
    writeFileSync(join(dir, 'probe.ts'), module(2));
    assert.equal((await runScript(dir, script, env)).stdout.trim(), '2 Number', 'the edited source, not the cached one');
    assert.equal((await runScript(dir, script, { MACHINABLE_TS_CACHE: 'off' })).stdout.trim(), '2 Number');
    rmSync(cache, { recursive: true, force: true });
  });
});
