/**
 * Sweeps on the command line: comma lists and ranges in key=value arguments expand to a grid;
 * --dry lists it with each config's state; --launch computes what is not computed in one process,
 * goes on past a failure (unless --fail-fast) and ends with a table.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@machinable/core';
import { get, project } from '@machinable/core';
import { expandGrid, expandValue, parseGetArgs, plan, sweepOptions, toCli, UsageError } from '@machinable/cli';
import { makeProject, recordsOnDisk, removeProject, runNode } from './helpers.js';
import { CLI_BIN, lines, machinable, shell } from './cli-helpers.js';

/** Appends `lr seed` to runs.log when it computes; fails while a file fail-<seed> is in the project. */
const SWEEP_MODULE = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config()
export class SweepConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) seed = 0;
  @Field() name = 'x';
}
export default class Sweep extends Interface<SweepConfig> {
  static Config = SweepConfig;
  run() {
    const dir = Project.current().directory;
    appendFileSync(join(dir, 'runs.log'), this.config.lr + ' ' + this.config.seed + ' ' + process.pid + '\\n');
    if (existsSync(join(dir, 'fail-' + this.config.seed))) throw new Error('boom ' + this.config.seed);
    this.saveFile('result.json', { loss: this.config.lr * (this.config.seed + 1) });
  }
}
`;

const newProject = () => makeProject({ 'sweep.ts': SWEEP_MODULE });
const logged = (dir: string): string[][] => (existsSync(join(dir, 'runs.log')) ? lines(readFileSync(join(dir, 'runs.log'), 'utf8')).map((line) => line.split(' ')) : []);
/** The computations, as `lr seed`, in order. */
const computed = (dir: string): string[] => logged(dir).map(([lr, seed]) => `${lr} ${seed}`);
/** A table's rows (after its header) split at runs of two or more spaces. */
const rowsOf = (stdout: string): string[][] => lines(stdout).slice(1).map((line) => line.split(/\s{2,}/));
const header = (stdout: string): string[] => lines(stdout)[0]!.split(/\s{2,}/);

describe('cli sweep: the grid', () => {
  it('expands comma lists and Python ranges, the last key varying fastest', () => {
    assert.deepEqual(expandValue('seed', 'range(3)'), ['0', '1', '2']);
    assert.deepEqual(expandValue('seed', 'range(1,10,3)'), ['1', '4', '7']);
    assert.deepEqual(expandValue('seed', 'range(3, 0, -1)'), ['3', '2', '1']);
    assert.deepEqual(expandValue('seed', '0,range(5,7)'), ['0', '5', '6']);
    assert.deepEqual(expandValue('lr', '0.1'), ['0.1']);
    const request = parseGetArgs(['train', '~adam', 'lr=0.1,0.01', 'seed=range(3)', 'layers=2'], core);
    const grid = expandGrid(request.target);
    assert.deepEqual(grid.axes, [{ key: 'lr', values: ['0.1', '0.01'] }, { key: 'seed', values: ['0', '1', '2'] }]);
    assert.deepEqual(grid.choices, [['0.1', '0'], ['0.1', '1'], ['0.1', '2'], ['0.01', '0'], ['0.01', '1'], ['0.01', '2']]);
    assert.deepEqual(grid.requests[4]!.version, ['~adam', { lr: '0.01', seed: '1', layers: '2' }]);
    // still plain text: typedVersion reads them as the declared types
    assert.ok(grid.requests[4]!.plain.get(grid.requests[4]!.version[1] as core.PlainObject)?.has('seed'));
  });

  it('keeps literals whole: a list and a quoted text with commas are one value', () => {
    const grid = expandGrid(parseGetArgs(['train', 'layers=[1,2]', `name='a,b'`, 'seed=1'], core).target);
    assert.deepEqual(grid.axes, []);
    assert.deepEqual(grid.requests[0]!.version, [{ layers: [1, 2], name: 'a,b', seed: '1' }]);
  });

  it('names the key of a malformed range or an empty list item', () => {
    assert.throws(() => expandValue('seed', 'range(1,x)'), (e: Error) => e instanceof UsageError && /'seed=range\(1,x\)' is not a range: 'x' is not an integer/.test(e.message));
    assert.throws(() => expandValue('seed', 'range(0,5,0)'), /'seed=range\(0,5,0\)' is not a range: its step is 0/);
    assert.throws(() => expandValue('seed', 'range()'), /'seed=range\(\)' is not a range: it takes 1 to 3 integers, not 0/);
    assert.throws(() => expandValue('lr', '0.1,,0.2'), /'lr=0.1,,0.2' has an empty value/);
    assert.throws(() => expandValue('seed', 'range(5,0)'), /'seed=range\(5,0\)' stands for no values/);
    assert.throws(() => expandValue('seed', 'range(100000)'), /more than 10000/);
  });

  it('takes --dry, --fail-fast and --columns out of the tokens', () => {
    assert.deepEqual(sweepOptions(['sweep', 'seed=1,2', '--dry', '--fail-fast', '--columns', 'a,b', '--columns=c', '--launch']), {
      dry: true,
      failFast: true,
      columns: ['a', 'b', 'c'],
      argv: ['sweep', 'seed=1,2', '--launch'],
    });
    assert.equal(plan([{ before: 'computed' }, { before: 'failed' }, { before: 'new' }, { before: 'computed' }]), '4 configs: 2 computed before, 2 to compute (1 failed before, 1 new)');
  });
});

describe('cli sweep: end to end', () => {
  it('--dry lists each config with its id, identity and state (computed, failed, new), and computes and stores nothing', async () => {
    const dir = newProject();
    try {
      const stored = await machinable(dir, 'get', 'sweep', 'seed=0', '--launch', '--uuid');
      assert.equal(stored.code, 0, stored.stderr);
      writeFileSync(join(dir, 'fail-1'), '');
      assert.equal((await machinable(dir, 'get', 'sweep', 'seed=1', '--launch')).code, 1);
      const records = recordsOnDisk(dir).length;
      const result = await machinable(dir, 'get', 'sweep', 'seed=range(3)', '--dry');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(header(result.stdout), ['seed', 'id', 'identity', 'state']);
      const rows = rowsOf(result.stdout);
      assert.deepEqual(rows.map((row) => [row[0], row[3]]), [['0', 'computed'], ['1', 'failed'], ['2', 'new']]);
      assert.equal(rows[0]![1], stored.stdout.trim());
      assert.notEqual(rows[1]![1], '-');
      assert.equal(rows[2]![1], '-');
      for (const row of rows) assert.match(row[2]!, /^[0-9a-f]{24}$/);
      assert.equal(new Set(rows.map((row) => row[2])).size, 3, 'each config has its own identity');
      const listed = await machinable(dir, 'get', 'sweep', 'seed=range(3)');
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(listed.stdout, result.stdout, 'a grid without --launch lists it as --dry does');
      assert.match(listed.stderr, /^sweep: 3 configs: 1 computed before, 2 to compute \(1 failed before, 1 new\); add --launch to compute them$/m);
      const done = await machinable(dir, 'get', 'sweep', 'seed=0,0');
      assert.match(done.stderr, /^sweep: 2 configs, all computed before; nothing to compute$/m);
      assert.deepEqual(computed(dir), ['0.1 0', '0.1 1'], 'nothing computed');
      assert.equal(recordsOnDisk(dir).length, records, 'nothing stored');
    } finally {
      removeProject(dir);
    }
  });

  it('computes every config in one process past a failure, ends with the table and exits 1; the same command again computes only what failed or is missing', async () => {
    const dir = newProject();
    try {
      writeFileSync(join(dir, 'fail-1'), '');
      const first = await machinable(dir, 'get', 'sweep', 'lr=0.5', 'seed=0,1,2', '--launch', '--columns', 'result.json:loss');
      assert.equal(first.code, 1, first.stderr);
      assert.deepEqual(computed(dir), ['0.5 0', '0.5 1', '0.5 2'], 'all three computed, the one after the failure too');
      assert.equal(new Set(logged(dir).map((entry) => entry[2])).size, 1, 'in one process');
      assert.deepEqual(header(first.stdout), ['seed', 'id', 'status', 'result.json:loss']);
      assert.deepEqual(rowsOf(first.stdout).map((row) => [row[0], row[2], row[3]]), [['0', 'computed', '0.5'], ['1', 'failed', undefined], ['2', 'computed', '1.5']]);
      assert.match(first.stderr, /sweep: 3 configs: 0 computed before, 3 to compute \(3 new\)/);
      assert.match(first.stderr, /1 of 3 runs failed \(the first: boom 1\)/);

      rmSync(join(dir, 'fail-1'));
      const again = await machinable(dir, 'get', 'sweep', 'lr=0.5', 'seed=range(4)', '--launch');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /sweep: 4 configs: 2 computed before, 2 to compute \(1 failed before, 1 new\)/);
      assert.deepEqual(computed(dir).slice(3), ['0.5 1', '0.5 3'], 'only the failed and the missing config computed');
      assert.deepEqual(rowsOf(again.stdout).map((row) => row[2]), ['computed', 'computed', 'computed', 'computed']);

      const third = await machinable(dir, 'get', 'sweep', 'lr=0.5', 'seed=range(4)', '--launch');
      assert.equal(third.code, 0, third.stderr);
      assert.match(third.stderr, /4 configs, all computed before; nothing to compute/);
      assert.equal(computed(dir).length, 5);
    } finally {
      removeProject(dir);
    }
  });

  it('shows the progress of the runs it computes on stderr', async () => {
    const dir = newProject();
    try {
      const env = { MACHINABLE_PROGRESS: 'plain', NODE_TEST_CONTEXT: undefined, MACHINABLE_STORAGE: undefined, MACHINABLE_INDEX: undefined };
      const result = await runNode(dir, [CLI_BIN, 'get', 'sweep', 'seed=0,1', '--launch'], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^sweep: 0\/2 finished · 0 running · 2 pending · 0 failed/m);
      assert.match(result.stderr, /^sweep: 2\/2 finished · 0 running · 0 pending · 0 failed/m);
      const quiet = await runNode(dir, [CLI_BIN, 'get', 'sweep', 'seed=2,3', '--launch', '--quiet'], env);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.doesNotMatch(quiet.stderr, /finished ·/);
    } finally {
      removeProject(dir);
    }
  });

  it('in a storage context, stores the runs under its root and reads the table\'s columns from there', async () => {
    const dir = newProject();
    try {
      const result = await machinable(dir, 'get', 'storage', 'root=./other', 'sweep', 'seed=0,1', '--launch', '--columns', 'result.json:loss');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(rowsOf(result.stdout).map((row) => [row[0], row[2], row[3]]), [['0', 'computed', '0.1'], ['1', 'computed', '0.2']]);
      assert.equal(recordsOnDisk(dir, join(dir, 'other')).filter((r) => r.kind !== 'Execution').length >= 2, true);
      assert.deepEqual(recordsOnDisk(dir), [], 'nothing in the project\'s own storage');
    } finally {
      removeProject(dir);
    }
  });

  it('--fail-fast stops at the first failure and shows the rest as not run', async () => {
    const dir = newProject();
    try {
      writeFileSync(join(dir, 'fail-0'), '');
      const result = await machinable(dir, 'get', 'sweep', 'seed=0,1,2', '--launch', '--fail-fast');
      assert.equal(result.code, 1);
      assert.deepEqual(computed(dir), ['0.1 0']);
      assert.deepEqual(rowsOf(result.stdout).map((row) => row[2]), ['failed', 'not run (--fail-fast)', 'not run (--fail-fast)']);
      assert.match(result.stderr, /1 of 3 runs failed \(the first: boom 0\); 2 not run \(--fail-fast\)/);
    } finally {
      removeProject(dir);
    }
  });

  it('in an execution context (multiprocess), gives it every run to compute and ends with the same table', async () => {
    const dir = newProject();
    try {
      writeFileSync(join(dir, 'fail-1'), '');
      const result = await machinable(dir, 'get', 'multiprocess', 'processes=2', 'sweep', 'seed=0,1,2', '--launch', '--columns', 'result.json:loss');
      assert.equal(result.code, 1, result.stderr);
      assert.deepEqual(computed(dir).sort(), ['0.1 0', '0.1 1', '0.1 2']);
      assert.deepEqual(rowsOf(result.stdout).map((row) => [row[0], row[2], row[3]]), [['0', 'computed', '0.1'], ['1', 'failed', undefined], ['2', 'computed', String(0.1 * 3)]]);
      assert.match(result.stderr, /1 of 3 runs failed/);
      const fast = await machinable(dir, 'get', 'multiprocess', 'processes=2', 'sweep', 'seed=0,1,2', '--launch', '--fail-fast');
      assert.equal(fast.code, 1);
      assert.match(fast.stderr, /--fail-fast stops a sweep computed in this process; multiprocess computes every run/);
    } finally {
      removeProject(dir);
    }
  });

  it('toCli writes a text with a comma or a range as a literal, so its command gets that one run, not a sweep', async () => {
    const dir = newProject();
    try {
      const runs = await project(dir).within(async () =>
        Promise.all(['a,b', 'range(2)', 'range(x)'].map(async (name) => {
          const run = await (await get('sweep', [{ name }])).materialize();
          return { uuid: run.uuid, command: toCli(run) };
        })),
      );
      assert.equal(runs[0]!.command, `machinable get sweep 'name='\\''a,b'\\'''`);
      const result = await shell(dir, runs.map(({ command }) => `${command} --uuid`).join('\n'));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(lines(result.stdout), runs.map(({ uuid }) => uuid));
    } finally {
      removeProject(dir);
    }
  });

  it('refuses what a sweep cannot do, before computing anything', async () => {
    const dir = newProject();
    try {
      const method = await machinable(dir, 'get', 'sweep', 'seed=0,1', '--launch', '--config');
      assert.equal(method.code, 1);
      assert.match(method.stderr, /a sweep .* takes --launch, --dry, --fail-fast and --columns, not --config/);
      const single = await machinable(dir, 'get', 'sweep', 'seed=0', '--launch', '--fail-fast');
      assert.equal(single.code, 1);
      assert.match(single.stderr, /--fail-fast is for a sweep/);
      const range = await machinable(dir, 'get', 'sweep', 'seed=range(a)', '--launch');
      assert.equal(range.code, 1);
      assert.match(range.stderr, /'seed=range\(a\)' is not a range/);
      assert.deepEqual(computed(dir), []);
    } finally {
      removeProject(dir);
    }
  });
});
