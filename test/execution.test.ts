import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { Execution, Interface, Multiprocess, currentScope, dispatch, get, project, scope, storage } from '@machinable/core';
import { CORE_URL, makeProject } from './helpers.js';

const WORK_MODULE = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field() mode = 'ok'; @Field({ type: 'int' }) sleepMs = 0; }
export default class Work extends Interface<C> {
  static Config = C;
  async run() {
    const dir = Project.current().directory;
    appendFileSync(join(dir, 'runs.log'), this.uuid + ' ' + process.pid + '\\n');
    const fixed = existsSync(join(dir, 'fixed'));
    if (this.config.mode === 'fail' && !fixed) throw new Error('boom ' + this.config.seed);
    if (this.config.mode === 'hang' && !fixed) await new Promise((r) => setTimeout(r, 1e9));
    if (this.config.sleepMs) await new Promise((r) => setTimeout(r, this.config.sleepMs));
    this.saveFile('out.json', { seed: this.config.seed, pid: process.pid });
  }
}`;

/** Sets MACHINABLE_HEARTBEAT_SECONDS for one test. */
function withHeartbeatSeconds(t: TestContext, seconds: string): void {
  const previous = process.env['MACHINABLE_HEARTBEAT_SECONDS'];
  process.env['MACHINABLE_HEARTBEAT_SECONDS'] = seconds;
  t.after(() => {
    if (previous === undefined) delete process.env['MACHINABLE_HEARTBEAT_SECONDS'];
    else process.env['MACHINABLE_HEARTBEAT_SECONDS'] = previous;
  });
}

const runsOf = (dir: string): string[][] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')) : [];

describe('contexts', () => {
  it('nests scopes, an inner value replacing an outer one, and restores the outer one after', async () => {
    await scope({ a: 1, b: { c: 1 } }).within(async () => {
      await scope({ b: { d: 2 } }).within(async () => {
        // As the reference updates a predicate scope by scope: by top-level key.
        assert.deepEqual(currentScope(), { a: 1, b: { d: 2 } });
      });
      assert.deepEqual(currentScope(), { a: 1, b: { c: 1 } });
    });
    assert.deepEqual(currentScope(), {});
  });

  it('keeps concurrent branches apart', async () => {
    const seen = await Promise.all(
      [1, 2, 3].map((seed) =>
        scope({ seed }).within(async () => {
          await sleep(10 * (4 - seed));
          return currentScope()['seed'];
        }),
      ),
    );
    assert.deepEqual(seen, [1, 2, 3]);
  });
});

describe('contexts: projects and storage', () => {
  it('keeps concurrent projects apart', async () => {
    const a = makeProject({ 'work.ts': WORK_MODULE });
    const b = makeProject({ 'work.ts': WORK_MODULE });
    const [ra, rb] = await Promise.all([
      project(a).within(async () => (await get('work', { seed: 1 })).launch()),
      project(b).within(async () => (await get('work', { seed: 1 })).launch()),
    ]);
    assert.ok(ra.localDirectory().startsWith(a));
    assert.ok(rb.localDirectory().startsWith(b));
    assert.notEqual(ra.uuid, rb.uuid);
  });

  it('stores records of a storage(root) block under that root, with its own index', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    const elsewhere = join(dir, 'elsewhere');
    await project(dir).within(async () => {
      const inside = await storage(elsewhere).within(async () => (await get('work', { seed: 2 })).launch());
      assert.ok(inside.localDirectory().startsWith(elsewhere));
      assert.ok(existsSync(join(elsewhere, '.machinable.sqlite')));
      assert.equal((await get('work', { seed: 2 })).isMaterialized, false, 'not in the project storage');
      const again = await storage(elsewhere).within(() => get('work', { seed: 2 }));
      assert.equal(again.uuid, inside.uuid);
    });
  });
});

describe('scopes and predicates', () => {
  it('makes the same config in two scopes two records, and finds a scope\u2019s runs again', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const a = await scope({ seed: 1 }).within(async () => (await get('work')).launch());
      const b = await scope({ seed: 2 }).within(async () => (await get('work')).launch());
      const plain = await get('work');
      assert.notEqual(a.uuid, b.uuid);
      assert.equal(a.identityKey, b.identityKey);
      assert.notEqual(plain.uuid, a.uuid);
      assert.deepEqual(a.predicate, { seed: 1 });
      const again = await scope({ seed: 1 }).within(() => get('work'));
      assert.equal(again.uuid, a.uuid);
      assert.equal(again.cached(), true);
    });
  });
});

describe('execution', () => {
  it('collects launches inside within() and computes them when the block ends, skipping cached ones', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const done = await (await get('work', { seed: 1 })).launch();
      const execution = new Execution();
      const runs: Interface[] = [];
      await execution.within(async () => {
        for (const seed of [1, 2, 3]) runs.push(await (await get('work', { seed })).launch());
        assert.equal(runs[1]!.isFinished(), false, 'not computed inside the block');
      });
      assert.ok(runs.every((r) => r.isFinished()));
      assert.equal(runs[0]!.uuid, done.uuid);
      assert.equal(runsOf(dir).length, 3, 'seed 1 was not computed twice');
      assert.equal(runs[1]!.execution?.seed, execution.seed, 'its run record is of this execution');
      assert.equal(runs[1]!.execution?.nickname, execution.nickname);
      assert.notEqual(runs[0]!.execution?.seed, execution.seed, 'the cached one keeps its own run record');
    });
  });

  it('writes the status markers into a nicknamed run record, and marks the interface computed', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 5 })).launch();
      const record = run.execution!.localDirectory();
      assert.ok(record.startsWith(run.localDirectory() + '/'), 'the run record is a child of the interface record');
      for (const marker of ['started_at', 'heartbeat_at', 'finished_at']) assert.ok(existsSync(join(record, marker)), marker);
      assert.equal(existsSync(join(record, 'dispatched_at')), false, 'computed where it was launched: never handed over');
      assert.equal(readFileSync(join(run.localDirectory(), 'cached'), 'utf8'), 'finished');
      assert.equal(JSON.parse(readFileSync(join(record, 'host.json'), 'utf8')).pid, process.pid);
      assert.equal(run.isStarted(), true);
      assert.equal(run.isFinished(), true);
      assert.equal(run.isLive(), false);
      assert.equal(run.status(), 'finished');
      assert.ok(run.finishedAt()! >= run.startedAt()!);
      const execution = run.execution!;
      assert.match(execution.nickname, /^[a-z]+_[a-z]+$/);
      assert.equal(execution.record?.header.kind, 'Execution');
      const reloaded = await get.byId(run.uuid);
      assert.equal(reloaded.execution?.nickname, execution.nickname);
    });
  });

  it('does not recompute a record it created once another handle of it has computed it', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const creator = await (await get('work', { seed: 7 })).materialize();
      const other = await get('work', { seed: 7 });
      assert.equal(other.uuid, creator.uuid);
      await other.launch();
      await creator.launch();
      assert.equal(runsOf(dir).length, 1, 'computed once');
      assert.equal(creator.isFinished(), true);
    });
  });

  it('reads an empty marker (a crash between creating and writing it) as unset, and continues the run', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 6 })).launch();
      const record = run.execution!;
      // The crash: finished_at created but not written, and the interface not yet marked computed.
      writeFileSync(join(record.localDirectory(), 'finished_at'), '');
      rmSync(join(run.localDirectory(), 'cached'));
      const again = await get('work', { seed: 6 });
      assert.equal(again.uuid, run.uuid);
      assert.equal(again.finishedAt(), undefined);
      assert.equal(again.isFinished(), false);
      await again.launch();
      assert.equal(again.isFinished(), true, 'relaunched, as the finish never landed');
      assert.equal(again.execution?.uuid, record.uuid, 'the unfinished run record is continued, not replaced');
      assert.ok(again.execution!.resumedAt(), 'and marked resumed');
      assert.match(readFileSync(join(record.localDirectory(), 'finished_at'), 'utf8'), /^\d{4}-\d\d-\d\dT/);
    });
  });

  it('gives every computation its own run record; cached(false) makes the next launch compute again', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 11 })).launch();
      const first = run.execution!;
      run.cached(false);
      assert.equal(run.cached(), false);
      await run.launch();
      const runs = await run.executions();
      assert.deepEqual(runs.map((r) => r.uuid), [first.uuid, run.execution!.uuid]);
      assert.notEqual(run.execution!.predicateKey, '', 'keyed by dispatch time');
      assert.ok(runs.toArray().every((r) => r.status() === 'finished'));
      assert.equal(runsOf(dir).length, 2);
    });
  });

  it('beats while running', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    const previous = process.env['MACHINABLE_HEARTBEAT_SECONDS'];
    process.env['MACHINABLE_HEARTBEAT_SECONDS'] = '0.05';
    try {
      await project(dir).within(async () => {
        const run = await (await get('work', { seed: 6, sleepMs: 400 })).launch();
        assert.ok(run.execution!.heartbeatAt()! > run.startedAt()!, 'heartbeat moved on after the start');
      });
    } finally {
      if (previous === undefined) delete process.env['MACHINABLE_HEARTBEAT_SECONDS'];
      else process.env['MACHINABLE_HEARTBEAT_SECONDS'] = previous;
    }
  });

  it('beats for every run computing at once in one process', async (t) => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    withHeartbeatSeconds(t, '0.05');
    await project(dir).within(async () => {
      const runs = await Promise.all([20, 21].map(async (seed) => (await get('work', { seed, sleepMs: 400 })).launch()));
      for (const run of runs) assert.ok(run.execution!.heartbeatAt()! > run.startedAt()!, `seed ${String(run.config['seed'])}: heartbeat moved on`);
    });
  });

  it('warns when a heartbeat cannot be written, and the run goes on', async (t) => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    withHeartbeatSeconds(t, '0.05');
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    t.after(() => process.off('warning', onWarning));
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 22, sleepMs: 600 })).materialize();
      const launched = run.launch();
      let record: string | undefined;
      for (let i = 0; i < 400 && record === undefined; i++) {
        await sleep(5);
        record = run.execution?.localDirectory();
      }
      assert.ok(record, 'the run record exists while it computes');
      // Nothing can be written where the heartbeat goes now.
      rmSync(join(record, 'heartbeat_at'));
      mkdirSync(join(record, 'heartbeat_at'));
      await launched;
      assert.ok(
        warnings.some((w) => (w as NodeJS.ErrnoException).code === 'MACHINABLE_HEARTBEAT' && /heartbeat could not be written .*heartbeat_at/.test(w.message)),
        `warned: ${warnings.map((w) => w.message).join('; ')}`,
      );
      assert.equal(run.cached(), true, 'computed all the same');
      assert.ok(existsSync(join(record, 'finished_at')));
      rmSync(join(record, 'heartbeat_at'), { recursive: true });
    });
  });

  it('stores a failure with its stack, does not cache it, rejects the launch, and retries later', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const run = await get('work', { seed: 7, mode: 'fail' });
      await assert.rejects(run.launch(), /boom 7/);
      assert.equal(run.cached(), false);
      assert.equal(run.status(), 'failed');
      assert.equal(run.failure()?.message, 'boom 7');
      assert.match(run.failure()?.stack ?? '', /at Work\.run/);
      writeFileSync(join(dir, 'fixed'), '');
      await (await get('work', { seed: 7, mode: 'fail' })).launch();
      const again = await get('work', { seed: 7, mode: 'fail' });
      assert.equal(again.uuid, run.uuid);
      assert.equal(again.status(), 'finished');
      assert.equal(again.failure(), undefined);
      assert.equal(runsOf(dir).length, 2);
    });
  });

  it('reports a process killed mid-run as died once its heartbeat is older than the window, and relaunching resumes it', async (t) => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    const timing = { MACHINABLE_HEARTBEAT_SECONDS: '0.1', MACHINABLE_LIVENESS_WINDOW: '1' };
    const previous = { ...process.env };
    Object.assign(process.env, timing);
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `import { get } from ${JSON.stringify(CORE_URL)}; await (await get('work', { seed: 8, mode: 'hang' })).launch();`],
      { cwd: dir, stdio: 'ignore', env: { ...process.env, ...timing } },
    );
    t.after(() => {
      for (const name of Object.keys(timing)) if (previous[name] === undefined) delete process.env[name];
    });
    await project(dir).within(async () => {
      let run = await get('work', { seed: 8, mode: 'hang' });
      // Until run() has begun (it logs first): started_at alone may be seen just before that.
      for (let i = 0; i < 400 && !(run.isMaterialized && run.isStarted() && runsOf(dir).length > 0); i++) {
        await sleep(25);
        run = await get('work', { seed: 8, mode: 'hang' });
      }
      assert.equal(run.status(), 'live');
      assert.equal(run.isLive(), true);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      for (let i = 0; i < 100 && run.status() === 'live'; i++) await sleep(50);
      assert.equal(run.status(), 'died');
      assert.equal(run.isLive(), false);
      assert.equal(run.cached(), false);
      writeFileSync(join(dir, 'fixed'), '');
      await run.launch();
      assert.equal(run.status(), 'finished');
      assert.ok(run.execution!.resumedAt(), 'the died run record is continued and marked resumed');
      assert.equal((await run.executions()).length, 1);
      assert.equal(runsOf(dir).length, 2);
    });
  });

  it('runs 8 runs in a pool of 2 child processes, storing each once', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const pool = new Multiprocess({ processes: 2 });
      assert.equal(pool.config.processes, 2);
      const runs: Interface[] = [];
      await pool.within(async () => {
        for (let seed = 0; seed < 8; seed++) runs.push(await (await get('work', { seed, sleepMs: 50 })).launch());
      });
      assert.ok(runs.every((r) => r.isFinished()));
      const log = runsOf(dir);
      assert.equal(log.length, 8);
      assert.deepEqual(new Set(log.map(([uuid]) => uuid)), new Set(runs.map((r) => r.uuid)), 'each run computed once');
      const pids = new Set(log.map(([, pid]) => pid));
      assert.ok(!pids.has(String(process.pid)), 'not in this process');
      assert.ok(pids.size >= 2, `spread over child processes, got ${pids.size}`);
      assert.equal(runs[0]!.execution?.module, 'machinable.multiprocess');
      assert.ok(runs[0]!.execution?.dispatchedAt(), 'handed to a child process');
      assert.equal((runs[0]!.execution?.config as { processes?: number }).processes, 2);
      assert.equal((await get('work').all()).length, 8);
    });
  });

  it('reports a failure in a child process once (from its failure.json, not echoed by the child) and still runs the others', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    const forwarded: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      forwarded.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      await project(dir).within(async () => {
        const runs: Interface[] = [];
        await assert.rejects(
          new Multiprocess({ processes: 2 }).within(async () => {
            runs.push(await (await get('work', { seed: 1, mode: 'fail' })).launch());
            runs.push(await (await get('work', { seed: 2 })).launch());
          }),
          /failed in a child process: Error: boom 1 \(its output: .*\/output\.log\)$/,
        );
        assert.equal(runs[0]!.status(), 'failed');
        assert.equal(runs[1]!.status(), 'finished');
      });
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(forwarded.filter((text) => text.includes('boom')), [], 'the child does not print the error the parent reports');
  });

  it('dispatch(uuid) computes a stored record in this process', async () => {
    const dir = makeProject({ 'work.ts': WORK_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 9 })).materialize();
      const computed = await dispatch(run.uuid);
      assert.equal(computed.isFinished(), true);
      assert.deepEqual(computed.loadFile('out.json'), { seed: 9, pid: process.pid });
      await dispatch(run.uuid);
      assert.equal(runsOf(dir).length, 1, 'dispatching a computed record is a no-op');
    });
  });
});

describe('Experiment', () => {
  it('computes with onExecute(), reports summary(), finishedAt() and its execution nickname', async () => {
    const dir = makeProject({
      'pi.ts': `
        import { Experiment, Config, Field } from '@machinable/core';
        @Config() class C { @Field({ type: 'int' }) samples = 100; }
        export default class Pi extends Experiment<C> {
          static Config = C;
          onExecute() { this.saveFile('result.json', { pi: 3.14 }); }
          summary() { return 'After ' + this.config.samples + ' samples, PI is approximately ' + this.loadFile<{ pi: number }>('result.json').pi + '.'; }
        }`,
    });
    await project(dir).within(async () => {
      const pi = (await (await get('pi', { samples: 150 })).launch()) as Interface & { summary(): string };
      assert.equal(pi.record?.header.kind, 'Interface', 'an Experiment is an Interface record, as the reference reads it');
      assert.equal(pi.summary(), 'After 150 samples, PI is approximately 3.14.');
      assert.equal(pi.isFinished(), true);
      assert.ok(pi.finishedAt() instanceof Date);
      assert.match(pi.execution!.nickname, /^[a-z]+_[a-z]+$/);
    });
  });
});
