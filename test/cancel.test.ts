/**
 * Cancelling a run that has not finished (`run.cancel()`, `machinable cancel <id>`), for runs
 * computed on this host: the process computing it (an `Execution`'s, a `Multiprocess` child) is
 * sent SIGTERM, and the run record reads as cancelled. (Slurm jobs: test/slurm.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CANCELLED_FILE, CLAIM_FILE, RunCancelledError, dispatch, finishedRunStatus, get, project } from '@machinable/core';
import { Slurm } from '@machinable/slurm';
import { CORE_URL, makeProject, outputOf } from './helpers.js';
import { CLI_BIN, machinable } from './cli-helpers.js';
import { slurmProject, until } from './slurm-helpers.js';

const WORK = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field() mode = 'ok'; }
export default class Work extends Interface<C> {
  static Config = C;
  async run() {
    const dir = Project.current().directory;
    appendFileSync(join(dir, 'runs.log'), this.uuid + ' ' + process.pid + '\\n');
    if (this.config.mode === 'hang' && !existsSync(join(dir, 'fixed'))) await new Promise((r) => setTimeout(r, 1e9));
    if (this.config.mode === 'busy') while (!existsSync(join(dir, 'fixed'))); // synchronous: takes no signal
    this.saveFile('out.json', { seed: this.config.seed });
  }
}`;

const runsOf = (dir: string): string[][] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : [];

/** Launches `work` with a config in another Node process, in the given execution (a core expression). */
function launchElsewhere(dir: string, config: object, execution = 'new Execution()') {
  const source = `const { Execution, Multiprocess, get } = await import(${JSON.stringify(CORE_URL)});
    await ${execution}.within(async () => (await get('work', ${JSON.stringify(config)})).launch());`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: dir });
  return { child, done: outputOf(child) };
}

describe('cancel: a run computing on this host', () => {
  it('sends the process computing it SIGTERM and marks its run record cancelled; a relaunch computes it anew', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const { child, done } = launchElsewhere(dir, { seed: 1, mode: 'hang' });
    await until('the run to start', () => runsOf(dir).length === 1, 30_000);
    await project(dir).within(async () => {
      const run = await get('work', { seed: 1, mode: 'hang' });
      const result = run.cancel();
      assert.deepEqual(result, { run: run.execution!.uuid, was: 'live', pid: child.pid, already: false });
      const ended = await done;
      assert.equal(child.signalCode, 'SIGTERM');
      assert.equal(run.status(), 'cancelled');
      assert.match(ended.stderr, new RegExp(`^Cancelled: work ${run.uuid} \\(run record ${run.execution!.uuid}\\) was cancelled with machinable cancel or run\\.cancel\\(\\) \\(cancelled by \\S+ at .*\\(process ${child.pid} sent SIGTERM\\)\\); this process stops\\.$`, 'm'));
      assert.equal(run.failure()?.name, 'RunCancelled');
      assert.match(run.failure()!.message, new RegExp(`\\(process ${child.pid} sent SIGTERM\\)$`));
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'its claim is released');
      assert.deepEqual(run.cancel(), { run: run.execution!.uuid, was: 'cancelled', already: true }, 'cancelling again does nothing');

      writeFileSync(join(dir, 'fixed'), '');
      await run.launch();
      assert.equal(run.status(), 'finished');
      assert.equal((await run.executions()).length, 2, 'in a new run record');
    });
  });

  it('machinable get --launch, cancelled by machinable cancel, says which run was cancelled and ends by SIGTERM (status 143)', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const launcher = spawn(process.execPath, [CLI_BIN, 'get', 'work', 'seed=7', 'mode=hang', '--launch'], { cwd: dir, env: { ...process.env, MACHINABLE_PROGRESS: 'off' } });
    const launched = outputOf(launcher);
    await until('the run to start', () => runsOf(dir).length === 1, 30_000);
    const run = await project(dir).within(() => get('work', { seed: 7, mode: 'hang' }));
    const cancelled = await machinable(dir, 'cancel', run.uuid);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const ended = await launched;
    assert.equal(ended.signal, 'SIGTERM', 'it ends as a SIGTERM ends it: status 143 in a shell');
    const runRecord = await project(dir).within(async () => (await get('work', { seed: 7, mode: 'hang' })).execution!.uuid);
    assert.match(
      ended.stderr,
      new RegExp(`^Cancelled: work ${run.uuid} \\(run record ${runRecord}\\) was cancelled with machinable cancel or run\\.cancel\\(\\) \\(cancelled by \\S+ at .*\\(process ${launcher.pid} sent SIGTERM\\)\\); this process stops\\.$`, 'm'),
      ended.stderr,
    );
  });

  it('machinable cancel sends SIGKILL to a run busy in synchronous code once --grace has passed, and says so', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const launcher = spawn(process.execPath, [CLI_BIN, 'get', 'work', 'seed=9', 'mode=busy', '--launch'], { cwd: dir, env: { ...process.env, MACHINABLE_PROGRESS: 'off' } });
    const launched = outputOf(launcher);
    try {
      await until('the run to start', () => runsOf(dir).length === 1, 30_000);
      const run = await project(dir).within(() => get('work', { seed: 9, mode: 'busy' }));
      const cancelled = await machinable(dir, 'cancel', run.uuid, '--grace', '1');
      assert.equal(cancelled.code, 0, cancelled.stderr);
      assert.match(cancelled.stdout, new RegExp(`process ${launcher.pid} had not ended 1 s after SIGTERM \\(busy in synchronous code, which takes no signal until it awaits\\): sent SIGKILL`));
      await until('the launcher to end', () => launcher.exitCode !== null || launcher.signalCode !== null, 30_000);
      const ended = await launched;
      assert.equal(ended.signal, 'SIGKILL');
      await project(dir).within(async () => assert.equal((await get('work', { seed: 9, mode: 'busy' })).status(), 'cancelled'));
    } finally {
      launcher.kill('SIGKILL');
    }
  });

  it('a SIGTERM that is not a cancel says which run it cut short, and that it reads died', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const { child, done } = launchElsewhere(dir, { seed: 8, mode: 'hang' });
    await until('the run to start', () => runsOf(dir).length === 1, 30_000);
    child.kill('SIGTERM');
    const ended = await done;
    assert.equal(ended.signal, 'SIGTERM');
    await project(dir).within(async () => {
      const run = await get('work', { seed: 8, mode: 'hang' });
      assert.match(ended.stderr, new RegExp(`^Terminated: SIGTERM stopped work ${run.uuid} \\(run record ${run.execution!.uuid}\\) while it computed; it reads died, and launching it again continues it\\.$`, 'm'));
      assert.equal(run.status(), 'died', 'its process is gone: died at once, not live for the window');
    });
  });

  it("cancels a process pool's child: the pool reports the run cancelled", async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const { child, done } = launchElsewhere(dir, { seed: 2, mode: 'hang' }, 'new Multiprocess({ processes: 1 })');
    await until('the run to start', () => runsOf(dir).length === 1, 30_000);
    const [, computing] = runsOf(dir)[0]!;
    assert.notEqual(Number(computing), child.pid, 'computed in a child of the pool');
    const cancelled = await machinable(dir, 'cancel', (await project(dir).within(() => get('work', { seed: 2, mode: 'hang' }))).uuid);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`which was live: process ${computing} sent SIGTERM`));
    const pool = await done;
    assert.equal(pool.code, 1);
    assert.match(pool.stderr, /failed in a child process: RunCancelled: cancelled by /);
    await project(dir).within(async () => assert.equal((await get('work', { seed: 2, mode: 'hang' })).status(), 'cancelled'));
  });

  it('a run handed to another process and cancelled before it started is not computed by it', async () => {
    const dir = slurmProject({ 'work.ts': WORK }); // declares @machinable/slurm, whose dry mode makes the run record
    await project(dir).within(async () => {
      const run = await get('work', { seed: 3 });
      // A run record made for another process (as a pool or a scheduler makes it), not started yet.
      await new Slurm({ dry: true }).within(() => run.launch());
      const record = run.execution!;
      assert.deepEqual(run.cancel(), { run: record.uuid, was: 'pending', already: false });
      await assert.rejects(dispatch(run.localDirectory(), { run: record.localDirectory() }), (error: Error) => {
        assert.ok(error instanceof RunCancelledError);
        assert.match(error.message, /was cancelled .*launch it again to compute it anew/);
        return true;
      });
      assert.deepEqual(runsOf(dir), []);
    });
  });
});

describe('cancel: the marker as the reference writes it', () => {
  it('a cancelled marker on a run that finished without failure (the reference API writes it on any run) leaves it finished', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    await project(dir).within(async () => {
      const run = await get('work', { seed: 6 });
      await run.launch();
      writeFileSync(run.execution!.localDirectory(CANCELLED_FILE), 'cancelled');
      assert.equal(run.execution!.status(), 'finished');
      assert.equal(run.status(), 'finished');
      assert.equal(finishedRunStatus(true, true), 'cancelled');
      assert.equal(finishedRunStatus(true, false), 'failed');
      assert.equal(finishedRunStatus(false, true), 'finished');
    });
  });
});

describe('cancel: nothing to cancel', () => {
  it('machinable cancel: a finished run, a run never launched, an unknown id exit 1 with one line', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const done = await machinable(dir, 'get', 'work', 'seed=4', '--launch', '--uuid');
    const never = await project(dir).within(async () => (await (await get('work', { seed: 5 })).materialize()).uuid);
    const finished = await machinable(dir, 'cancel', done.stdout.trim());
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, /^Error: run record \w+ has finished \(.*\): there is nothing to cancel\n$/);
    const unlaunched = await machinable(dir, 'cancel', never);
    assert.match(unlaunched.stderr, new RegExp(`^Error: work ${never} has not been launched: there is nothing to cancel\\n$`));
    const unknown = await machinable(dir, 'cancel', 'nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: no record 'nope' in the index of .*; check the id with `machinable ls`/);
  });
});
