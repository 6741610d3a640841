/**
 * Which code produced a result: every new run record uses the `Manifest` record of the project's
 * code state (git commit, a fingerprint of uncommitted changes, installed package versions),
 * captured read-only and shared by every run at that state; `provenance()` returns the graph as
 * plain JSON; an execution's seed is stored with its runs and read by them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Execution, Manifest, get, project, type Interface, type ProvenanceGraph } from '@machinable/core';
import { makeProject, recordsOnDisk } from './helpers.js';

const WORK = `
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; }
export default class Work extends Interface<C> {
  static Config = C;
  async run() { this.saveFile('out.json', { seed: this.config.seed, executionSeed: this.execution?.seed ?? null }); }
}`;

const git = (dir: string, ...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();

/** A project folder that is a git repository with everything committed (storage and index ignored). */
function repository(): string {
  const dir = makeProject({ 'work.ts': WORK, '.gitignore': 'storage/\n.machinable.sqlite*\nnode_modules/\n' });
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.email', 'test@example.org');
  git(dir, 'config', 'user.name', 'test');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

const launch = (dir: string, seed: number, execution?: Execution): Promise<Interface> =>
  project(dir).within(async () => {
    const run = await get('work', { seed });
    return execution ? execution.within(() => run.launch()) : run.launch();
  });

/** The manifest each of the runs' run records uses (undefined for none). */
async function manifestsOf(dir: string, runs: Interface[]): Promise<(Manifest | undefined)[]> {
  return project(dir).within(async () =>
    Promise.all(
      runs.map(async (run) => {
        const uses = await (await get.byId(run.uuid)).execution!.uses();
        return [...uses].find((used): used is Manifest => used instanceof Manifest);
      }),
    ),
  );
}

/** Everything under .git with its modification time: what "read-only" must leave as it was. */
function gitState(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(path, statSync(path).mtimeMs);
    }
  };
  walk(join(dir, '.git'));
  return out;
}

describe('provenance: the code state of every run', () => {
  it('a clean repository: runs at one commit share one manifest (commit, not dirty); the repository is untouched', async () => {
    const dir = repository();
    const before = gitState(dir);
    const runs = [await launch(dir, 1), await launch(dir, 2)];
    const [first, second] = await manifestsOf(dir, runs);
    assert.ok(first && second, 'each run record uses a manifest');
    assert.equal(first.uuid, second.uuid, 'one manifest record for one code state');
    assert.equal(recordsOnDisk(dir).filter((r) => r.kind === 'Manifest').length, 1);
    const source = first.entries.find((entry) => entry.provider === 'git')!;
    assert.deepEqual(source.token, { commit: git(dir, 'rev-parse', 'HEAD'), dirty: false });
    assert.deepEqual(first.describe(), [`git ${git(dir, 'rev-parse', 'HEAD').slice(0, 8)}`]);
    assert.deepEqual(gitState(dir), before, 'nothing under .git was written');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('uncommitted changes: dirty, with a fingerprint that tells different changes apart and the same change alike', async () => {
    const dir = repository();
    const clean = (await manifestsOf(dir, [await launch(dir, 1)]))[0]!;
    writeFileSync(join(dir, 'work.ts'), `${WORK}\n// an edit\n`);
    // A new process sees the new state (the state is read once per process, like the code it loaded).
    const edited = await runInChild(dir, 2);
    writeFileSync(join(dir, 'notes.txt'), 'untracked\n');
    const withUntracked = await runInChild(dir, 3);
    const again = await runInChild(dir, 4);
    const [a, b, c] = await manifestsOf(dir, [edited, withUntracked, again]);
    for (const manifest of [a, b, c]) assert.equal(manifest!.entries[0]!.token['dirty'], true);
    assert.match(String(a!.entries[0]!.token['uncommitted']), /^[0-9a-f]{24}$/);
    assert.notEqual(a!.uuid, clean.uuid, 'an edit is another code state');
    assert.notEqual(a!.entries[0]!.token['uncommitted'], b!.entries[0]!.token['uncommitted'], 'an untracked file changes the fingerprint');
    assert.equal(b!.uuid, c!.uuid, 'the same uncommitted state is one manifest');
    assert.deepEqual(a!.describe(), [`git ${git(dir, 'rev-parse', 'HEAD').slice(0, 8)} (dirty)`]);
  });

  it('no repository and no package.json: nothing is recorded, and the run is not affected', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const run = await launch(dir, 1);
    assert.deepEqual(await manifestsOf(dir, [run]), [undefined]);
    assert.equal(recordsOnDisk(dir).filter((r) => r.kind === 'Manifest').length, 0);
    assert.equal(run.status(), 'finished');
  });

  it('package.json: the installed versions of the dependencies, and the Node version', async () => {
    const dir = makeProject({
      'work.ts': WORK,
      'package.json': JSON.stringify({ name: 'study', dependencies: { lodash: '^4.0.0', missing: '^1.0.0' }, devDependencies: { typescript: '*' } }),
      'node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.21' }),
      'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '5.9.3' }),
    });
    const [manifest] = await manifestsOf(dir, [await launch(dir, 1)]);
    assert.deepEqual(manifest!.entries, [
      { provider: 'npm', component: 'dependencies', token: { packages: { lodash: '4.17.21', missing: null, typescript: '5.9.3' } }, meta: { node: process.version } },
    ]);
  });
});

/** Launches `work` with `seed` in a new Node process (which reads the code state afresh); returns the run. */
async function runInChild(dir: string, seed: number): Promise<Interface> {
  const core = import.meta.resolve('@machinable/core');
  execFileSync(process.execPath, ['--input-type=module', '-e', `const { get } = await import(${JSON.stringify(core)}); await (await get('work', { seed: ${seed} })).launch();`], { cwd: dir, stdio: 'ignore' });
  return project(dir).within(async () => get('work', { seed }));
}

describe('provenance: the graph', () => {
  it('has the record, what it derives from and uses, its runs and the manifest of each, as plain JSON', async () => {
    const dir = repository();
    const graph = await project(dir).within(async () => {
      const data = await (await get('work', { seed: 1 })).launch();
      const derived = await data.derive('work', { seed: 2 });
      await derived.launch();
      const helper = await (await get('work', { seed: 3 })).materialize();
      await derived.use(helper);
      return derived.provenance();
    });
    assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph, 'plain JSON');
    const byKind = (kind: string) => graph.nodes.filter((node) => node.kind === kind);
    assert.equal(byKind('Manifest').length, 1, 'one manifest, shared by both runs');
    assert.equal(byKind('Execution').length, 2);
    const rels = (graph as ProvenanceGraph).links.map((link) => link.rel).sort();
    assert.deepEqual(rels, ['derivation', 'manifest', 'manifest', 'runs', 'runs', 'uses']);
    const root = graph.nodes.find((node) => node.uuid === graph.root)!;
    assert.deepEqual(root.attributes['config_layers'], { default: { seed: 0 }, version: [{ seed: 2 }], update: { seed: 2 }, resolved: { seed: 2 } });
    const ids = new Set(graph.nodes.map((node) => node.uuid));
    for (const link of graph.links) assert.ok(ids.has(link.source) && ids.has(link.target), 'every link joins two nodes');
    assert.equal(graph.truncated, false);
  });

  it('a node cap bounds it and says so', async () => {
    const dir = repository();
    const graph = await project(dir).within(async () => (await (await get('work', { seed: 1 })).launch()).provenance({ nodeCap: 2 }));
    assert.equal(graph.nodes.length, 2);
    assert.equal(graph.truncated, true);
  });
});

describe('seeds', () => {
  it('an execution fixes the seed its runs store and read; otherwise each execution draws one', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const fixed = await launch(dir, 1, new Execution(undefined, { seed: 42 }));
    const drawn = await launch(dir, 2);
    await project(dir).within(async () => {
      const run = await get.byId(fixed.uuid);
      assert.equal(run.execution!.seed, 42);
      assert.deepEqual(run.loadFile('out.json'), { seed: 1, executionSeed: 42 });
      assert.equal(run.provenance().nodes.find((node) => node.kind === 'Execution')!.attributes['seed'], 42);
      const other = await get.byId(drawn.uuid);
      assert.equal(typeof other.execution!.seed, 'number');
      assert.equal((other.loadFile('out.json') as { executionSeed: number }).executionSeed, other.execution!.seed);
    });
  });
});
