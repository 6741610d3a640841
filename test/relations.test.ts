/**
 * Relations between records (DESIGN.md, "Identity" and "On-disk record"): derived children keyed
 * on their parent, `uses` / `used_by` edges in the edge log, and aggregates that lay out a grid.
 * Everything here lives in the record directories, so it all survives `reindex()` and a lost index.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, Interface, InterfaceStateError, RelationError, get, project, reindex, type Aggregate } from '@machinable/core';
import { TRAIN_MODULE, makeProject } from './helpers.js';

const SWEEP_MODULE = `
import { Aggregate, Config, Field } from '@machinable/core';

@Config()
export class SweepConfig { @Field() seed = 1; @Field() label = ''; }

export default class Sweep extends Aggregate<SweepConfig> {
  static Config = SweepConfig;
  grid() { return [0.1, 0.01].map((lr) => ['train', { lr, seed: this.config.seed }] as const); }
}
`;

const ELEMENT_MODULE = `
import { Element } from '@machinable/core';
export default class Helper extends Element {}
`;

const runsOf = (dir: string): string[] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n') : [];
const idJson = (run: Interface): { parent: string | null } => JSON.parse(readFileSync(join(run.localDirectory(), 'id.json'), 'utf8'));
const uuidsOf = (items: Iterable<Interface>): string[] => [...items].map((i) => i.uuid);

function dropIndex(dir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `${INDEX_FILE}${suffix}`), { force: true });
}

describe('relations: derive()', () => {
  it('stores the child under its parent and finds the same child again', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const root = await (await get('train', { seed: 1 })).materialize();
      const child = await root.derive('train', { seed: 2 });
      assert.equal(child.isMaterialized, false);
      await child.launch();
      assert.equal(idJson(child).parent, root.uuid);
      assert.ok(child.localDirectory().startsWith(root.localDirectory() + '/'), 'nested in its parent');
      assert.match(idJson(root).parent ?? '', /^P[0-9a-f]{11}$/, 'a top-level record is scoped under the project root');

      const again = await root.derive('train', { seed: 2 });
      assert.equal(again.uuid, child.uuid);
      assert.equal(again.cached(), true);
      assert.equal(runsOf(dir).length, 1);

      const topLevel = await get('train', { seed: 2 });
      assert.notEqual(topLevel.uuid, child.uuid, 'the dedup key includes the parent');
      assert.equal(topLevel.isMaterialized, false);
    });
  });

  it('derives the same config from two parents as two records', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const a = await (await get('train', { seed: 1 })).materialize();
      const b = await (await get('train', { seed: 2 })).materialize();
      const fromA = await (await a.derive('train', { seed: 3 })).launch();
      const fromB = await (await b.derive('train', { seed: 3 })).launch();
      assert.notEqual(fromA.uuid, fromB.uuid);
      assert.equal(fromA.identityKey, fromB.identityKey);
      assert.equal(runsOf(dir).length, 2);
    });
  });

  it('needs a materialized parent and an interface to derive', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE, 'helper.ts': ELEMENT_MODULE });
    await project(dir).within(async () => {
      const root = await get('train', { seed: 1 });
      await assert.rejects(root.derive('train', { seed: 2 }), (e: unknown) => e instanceof InterfaceStateError && /derive\(\).*not materialized/.test(e.message));
      await root.materialize();
      await assert.rejects(root.derive('helper'), RelationError);
    });
  });

  it('links ancestor, derived() and lineage()', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const root = await (await get('train', { seed: 1 })).materialize();
      const child = await (await root.derive('train', { seed: 2 })).materialize();
      const sibling = await (await root.derive('train', { seed: 3 })).materialize();
      const grandchild = await (await child.derive('train', { seed: 4 })).materialize();
      await root.derive('train', { seed: 5 }); // never materialized: not a child yet

      assert.equal(await root.ancestor, undefined);
      assert.equal((await child.ancestor)?.uuid, root.uuid);
      assert.equal(((await grandchild.ancestor) as unknown as { config: { seed: number } }).config.seed, 2, 'the ancestor is loaded with its class and config');
      assert.deepEqual(uuidsOf(await root.derived()), [child.uuid, sibling.uuid]);
      assert.deepEqual(uuidsOf(await grandchild.lineage()), [child.uuid, root.uuid]);
      assert.deepEqual(uuidsOf(await root.lineage()), []);
      assert.deepEqual(uuidsOf(await child.related()), [root.uuid, grandchild.uuid]);
      assert.deepEqual(uuidsOf(await child.related('derived')), [grandchild.uuid]);
    });
  });
});

describe('relations: use(), uses(), usedBy(), related()', () => {
  it('records a uses edge on one side and a used_by edge on the other', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const data = await (await get('train', { seed: 1 })).materialize();
      const model = await (await get('train', { seed: 2 })).materialize();
      const evaluation = await (await get('train', { seed: 3 })).launch();
      await evaluation.use(data);
      await evaluation.use(model);
      await evaluation.use(data); // again: nothing new

      assert.deepEqual(uuidsOf(await evaluation.uses()), [data.uuid, model.uuid]);
      assert.deepEqual(uuidsOf(await data.usedBy()), [evaluation.uuid]);
      assert.deepEqual(uuidsOf(await data.uses()), []);
      assert.deepEqual(evaluation.edges('uses').map((e) => e.related_uuid), [data.uuid, model.uuid]);
      assert.deepEqual(model.edges('used_by').map((e) => e.uuid), [evaluation.uuid]);

      const related = await evaluation.related();
      assert.deepEqual(uuidsOf(await evaluation.related('uses')), [data.uuid, model.uuid]);
      assert.ok(uuidsOf(related).includes(data.uuid) && uuidsOf(related).includes(model.uuid));
      assert.deepEqual(related.map((i) => i.module), ['train', 'train']);
    });
  });

  it('needs both sides materialized and two different records', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const a = await get('train', { seed: 1 });
      const b = await (await get('train', { seed: 2 })).materialize();
      await assert.rejects(a.use(b), InterfaceStateError);
      await assert.rejects(b.use(a), InterfaceStateError);
      await assert.rejects(b.use(b), RelationError);
    });
  });
});

describe('relations: stored in the records, not only the index', () => {
  async function build(dir: string): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    await project(dir).within(async () => {
      const root = await (await get('train', { seed: 1 })).materialize();
      const child = await (await root.derive('train', { seed: 2 })).launch();
      const grandchild = await (await child.derive('train', { seed: 3 })).materialize();
      const other = await (await get('train', { seed: 9 })).materialize();
      await grandchild.use(other);
      Object.assign(ids, { root: root.uuid, child: child.uuid, grandchild: grandchild.uuid, other: other.uuid });
    });
    return ids;
  }

  async function check(ids: Record<string, string>): Promise<void> {
    const root = await get.byId(ids['root']!);
    const child = await get.byId(ids['child']!);
    const grandchild = await get.byId(ids['grandchild']!);
    const other = await get.byId(ids['other']!);
    assert.equal((await root.derive('train', { seed: 2 })).uuid, child.uuid, 'derive finds the same child');
    assert.equal((await child.ancestor)?.uuid, root.uuid);
    assert.deepEqual(uuidsOf(await root.derived()), [child.uuid]);
    assert.deepEqual(uuidsOf(await grandchild.lineage()), [child.uuid, root.uuid]);
    assert.deepEqual(uuidsOf(await grandchild.uses()), [other.uuid]);
    assert.deepEqual(uuidsOf(await other.usedBy()), [grandchild.uuid]);
    assert.deepEqual(uuidsOf(await grandchild.related()), [child.uuid, other.uuid]);
  }

  it('survives reindex()', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const ids = await build(dir);
    await project(dir).within(async () => {
      await reindex();
      await check(ids);
    });
  });

  it('survives a deleted index file', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const p = project(dir);
    await p.within(async () => undefined);
    const ids = await build(dir);
    await p.close();
    dropIndex(dir);
    await project(dir).within(() => check(ids));
  });
});

describe('relations: aggregates', () => {
  interface SweepLike extends Aggregate<{ seed: number; label: string }> {}

  it('lays out the grid without running it; launch() runs every member', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE, 'sweep.ts': SWEEP_MODULE });
    await project(dir).within(async () => {
      const sweep = await get<SweepLike>('sweep');
      const planned = await sweep.interfaces;
      assert.deepEqual(planned.map((run) => (run.config as { lr: number }).lr), [0.1, 0.01]);
      assert.deepEqual(planned.map((run) => run.isMaterialized), [false, false]);
      assert.equal(runsOf(dir).length, 0, 'nothing computed before launch()');
      assert.equal(sweep.cached(), false);

      await sweep.launch();
      assert.equal(runsOf(dir).length, 2);
      assert.equal(sweep.cached(), true);
      const members = await sweep.interfaces;
      assert.deepEqual(uuidsOf(members), uuidsOf(await sweep.derived()));
      assert.deepEqual(members.map((run) => run.cached()), [true, true]);
      for (const member of members) assert.equal((await member.ancestor)?.uuid, sweep.uuid);

      await (await get<SweepLike>('sweep')).launch();
      assert.equal(runsOf(dir).length, 2, 'launching again is a cached no-op');
    });
  });

  it('keeps the members of two aggregates apart, and finds them after a lost index', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE, 'sweep.ts': SWEEP_MODULE });
    const p = project(dir);
    let first: string[] = [];
    await p.within(async () => {
      first = uuidsOf(await (await (await get<SweepLike>('sweep', { label: 'a' })).launch()).interfaces);
    });
    await p.close();
    dropIndex(dir);
    await project(dir).within(async () => {
      const again = await get<SweepLike>('sweep', { label: 'a' });
      assert.equal(again.cached(), true);
      assert.deepEqual(uuidsOf(await again.interfaces), first);
      const other = await (await get<SweepLike>('sweep', { label: 'b' })).launch();
      assert.equal(runsOf(dir).length, 4, 'the same member configs under another aggregate are new runs');
      assert.equal(uuidsOf(await other.interfaces).filter((uuid) => first.includes(uuid)).length, 0);
    });
  });
});
