/**
 * What a run prints is kept: stdout and stderr written while it computes go to its run record's
 * `output.log` (the terminal still shows them), whichever execution runs it: in this process, in
 * a process pool's child, resumed after a crash. `run.output()` and `machinable logs [--follow]`
 * read it; a failed pool child's error names it. A resumed run knows it is resuming.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Multiprocess, OUTPUT_FILE, get, project, type Interface } from '@machinable/core';
import { CORE_URL, makeProject, recordsOnDisk } from './helpers.js';
import { waitUntil } from './child-signals.js';
import { lines, machinable } from './cli-helpers.js';

const CHATTY = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field() name = 'a'; @Field({ type: 'int' }) steps = 3; @Field({ type: 'int' }) pauseMs = 0; @Field() mode = 'ok'; }
export default class Chatty extends Interface<C> {
  static Config = C;
  async run() {
    const dir = Project.current().directory;
    const resuming = this.execution?.isResumed() ?? false;
    console.log(this.config.name + ' begins' + (resuming ? ' (resuming)' : ''));
    for (let i = 0; i < this.config.steps; i++) {
      process.stdout.write(this.config.name + ' step ' + i + '\\n');
      console.error(this.config.name + ' warns ' + i);
      if (this.config.pauseMs) await new Promise((r) => setTimeout(r, this.config.pauseMs));
    }
    appendFileSync(join(dir, 'runs.log'), this.config.name + ' ' + (resuming ? 'resumed' : 'fresh') + '\\n');
    if (this.config.mode === 'hang' && !existsSync(join(dir, 'fixed'))) await new Promise((r) => setTimeout(r, 1e9));
    if (this.config.mode === 'fail') throw new Error(this.config.name + ' gives up');
  }
}`;

const expected = (name: string, steps: number): string[] => [`${name} begins`, ...Array.from({ length: steps }, (_, i) => [`${name} step ${i}`, `${name} warns ${i}`]).flat()];

describe('run output: output.log', () => {
  it('keeps what a run prints to stdout and stderr, in order, and nothing printed outside it', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    await project(dir).within(async () => {
      console.log('printed by the test, before the launch');
      const run = await (await get('chatty', { name: 'solo' })).launch();
      assert.deepEqual(lines(run.output()!), expected('solo', 3));
      assert.equal(run.output(), run.execution!.output());
      assert.equal(readFileSync(join(run.execution!.localDirectory(), OUTPUT_FILE), 'utf8'), run.output());
    });
  });

  it('keeps two runs computing at once in one process apart', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    await project(dir).within(async () => {
      const [a, b] = await Promise.all(['left', 'right'].map(async (name) => (await get('chatty', { name, steps: 4, pauseMs: 20 })).launch()));
      assert.deepEqual(lines(a!.output()!), expected('left', 4));
      assert.deepEqual(lines(b!.output()!), expected('right', 4));
    });
  });

  it('is written by a process pool child, and a failed child names it in the error', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    await project(dir).within(async () => {
      const runs: Interface[] = [];
      await assert.rejects(
        new Multiprocess({ processes: 2 }).within(async () => {
          runs.push(await (await get('chatty', { name: 'pooled' })).launch());
          runs.push(await (await get('chatty', { name: 'failing', mode: 'fail' })).launch());
        }),
        (error: Error) => {
          const log = join(runs[1]!.execution!.localDirectory(), OUTPUT_FILE);
          assert.ok(error.message.includes(`failed in a child process: Error: failing gives up (its output: ${log})`), error.message);
          return true;
        },
      );
      assert.deepEqual(lines(runs[0]!.output()!), expected('pooled', 3));
      assert.deepEqual(lines(runs[1]!.output()!), expected('failing', 3));
    });
  });

  it('machinable logs prints it; --follow prints it as it comes until the run ends', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    const done = await project(dir).within(async () => (await get('chatty', { name: 'done' })).launch());
    const printed = await machinable(dir, 'logs', done.uuid);
    assert.equal(printed.code, 0, printed.stderr);
    assert.deepEqual(lines(printed.stdout), expected('done', 3));
    const byRun = await machinable(dir, 'logs', done.execution!.uuid);
    assert.equal(byRun.stdout, printed.stdout);

    // A run that prints for about 1.5 s in another process, followed from its start.
    const running = await project(dir).within(async () => (await get('chatty', { name: 'slow', steps: 6, pauseMs: 250 })).materialize());
    const launcher = spawn(process.execPath, ['--input-type=module', '-e', `const { get } = await import(${JSON.stringify(CORE_URL)}); await (await get('chatty', { name: 'slow', steps: 6, pauseMs: 250 })).launch();`], { cwd: dir, stdio: 'ignore' });
    try {
      let started = false;
      for (let i = 0; i < 400 && !started; i++) {
        started = await project(dir).within(async () => (await get('chatty', { name: 'slow', steps: 6, pauseMs: 250 })).execution !== undefined);
        if (!started) await sleep(10);
      }
      const followed = await machinable(dir, 'logs', running.uuid, '--follow');
      assert.equal(followed.code, 0, followed.stderr);
      assert.deepEqual(lines(followed.stdout), expected('slow', 6), 'every line, though most came after --follow began');
    } finally {
      await new Promise((resolve) => (launcher.exitCode === null ? launcher.once('exit', resolve) : resolve(undefined)));
    }
  });

  it('machinable logs names what is missing: an unknown id, a run never launched, a run that printed nothing', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY, 'quiet.ts': `import { Interface } from '@machinable/core';\nexport default class Quiet extends Interface { run() {} }\n` });
    const pending = await project(dir).within(async () => (await get('chatty', { name: 'never' })).materialize());
    const unknown = await machinable(dir, 'logs', 'nosuchrecord');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: no record 'nosuchrecord' in the index of .*; check the id with `machinable ls`/);
    const never = await machinable(dir, 'logs', pending.uuid);
    assert.equal(never.code, 1);
    assert.match(never.stderr, new RegExp(`^Error: chatty ${pending.uuid} has not been launched: there is no output yet`));
 
    const quiet = await project(dir).within(async () => (await get('quiet')).launch());
    const silent = await machinable(dir, 'logs', quiet.uuid);
    assert.equal(silent.code, 0, silent.stderr);
    assert.equal(silent.stdout, '');
    assert.match(silent.stderr, new RegExp(`^run record ${quiet.execution!.uuid} \\(finished\\) has no output: the run printed nothing \\(.*output\\.log\\)\n$`));
  });
});

describe('run output: a run resumed after its process died', () => {
  it('knows it is resuming (execution.isResumed()), and its log keeps both attempts', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { get } = await import(${JSON.stringify(CORE_URL)}); await (await get('chatty', { name: 'crash', mode: 'hang' })).launch();`], {
      cwd: dir,
      stdio: 'ignore',
    });
    try {
      const exited = (): string | undefined => (child.exitCode === null && child.signalCode === null ? undefined : `it exited (${String(child.exitCode ?? child.signalCode)})`);
      await waitUntil(() => existsSync(join(dir, 'runs.log')), 'the first attempt to get to the hang (runs.log)', { failed: exited });
      // Its output is copied into output.log as it is written: wait until all of it is there.
      const logged = (): string[] => recordsOnDisk(dir).filter((r) => r.kind === 'Execution').flatMap((r) => (existsSync(join(r.directory, OUTPUT_FILE)) ? lines(readFileSync(join(r.directory, OUTPUT_FILE), 'utf8')) : []));
      await waitUntil(() => logged().length === expected('crash', 3).length, 'the first attempt\'s output in output.log', { failed: exited });
      assert.deepEqual(logged(), expected('crash', 3));
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined)));
    }
    writeFileSync(join(dir, 'fixed'), '');
    await project(dir).within(async () => {
      const run = await (await get('chatty', { name: 'crash', mode: 'hang' })).launch();
      assert.equal(run.status(), 'finished');
      assert.equal(run.execution!.isResumed(), true);
      assert.equal((await run.executions()).length, 1, 'the same run record, continued');
      assert.deepEqual(lines(run.output()!), [...expected('crash', 3), 'crash begins (resuming)', ...expected('crash', 3).slice(1)]);
    });
    assert.deepEqual(lines(readFileSync(join(dir, 'runs.log'), 'utf8')), ['crash fresh', 'crash resumed']);
  });

  it('a fresh run is not resuming', async () => {
    const dir = makeProject({ 'chatty.ts': CHATTY });
    await project(dir).within(async () => {
      const run = await (await get('chatty', { name: 'once' })).launch();
      assert.equal(run.execution!.isResumed(), false);
      assert.deepEqual(lines(readFileSync(join(dir, 'runs.log'), 'utf8')), ['once fresh']);
    });
  });
});
