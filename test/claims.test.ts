/**
 * One computation per run at a time, across handles, processes and hosts sharing a store: a
 * launch that finds its run being computed waits for it and reloads, and a launch that finds the
 * computing process dead takes the run over. Real child processes throughout.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { CLAIM_FILE, get, isoTimestamp, project } from '@machinable/core';
import { CORE_URL, makeProject, runScript } from './helpers.js';
import { READY_THEN_WAIT_FOR_GO, startTogether, waitUntil } from './child-signals.js';

const WORK = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field({ type: 'int' }) sleepMs = 0; @Field() mode = 'ok'; }
export default class Work extends Interface<C> {
  static Config = C;
  async run() {
    const dir = Project.current().directory;
    appendFileSync(join(dir, 'runs.log'), this.uuid + ' ' + process.pid + '\\n');
    if (this.config.mode === 'hang' && !existsSync(join(dir, 'fixed'))) await new Promise((r) => setTimeout(r, 1e9));
    if (this.config.sleepMs) await new Promise((r) => setTimeout(r, this.config.sleepMs));
    this.saveFile('out.json', { seed: this.config.seed, by: process.pid });
  }
  out() { return this.loadFile('out.json'); }
}`;

const runsOf = (dir: string): string[][] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : [];

/** A script that says it is ready once the core is loaded, then waits for the `go` file, so that every process starts at the same moment. */
const atOnce = (body: string): string => `
  const { get, project } = await import(${JSON.stringify(CORE_URL)});
  ${READY_THEN_WAIT_FOR_GO}
  ${body}`;

describe('claims: one computation per run at a time', () => {
  it('8 processes launching one config at once: one run() call, one record, all eight read its result', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const script = atOnce(`
      const run = await (await get('work', { seed: 1, sleepMs: 300 })).launch();
      console.log(JSON.stringify({ uuid: run.uuid, out: run.out() }));`);
    const children = Array.from({ length: 8 }, () => runScript(dir, script));
    await startTogether(dir, children);
    const results = await Promise.all(children);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const printed = results.map((r) => JSON.parse(r.stdout.trim()) as { uuid: string; out: { by: number } });
    assert.equal(runsOf(dir).length, 1, `run() computed ${runsOf(dir).length} times`);
    assert.equal(new Set(printed.map((p) => p.uuid)).size, 1, 'one record');
    assert.equal(new Set(printed.map((p) => p.out.by)).size, 1, 'all eight read the one result');
    await project(dir).within(async () => assert.equal((await (await get('work', { seed: 1, sleepMs: 300 })).executions()).length, 1, 'one run record'));
  });

  it('8 processes launching the same 50 configs (each in its own order): 50 run() calls', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const script = (n: number): string =>
      atOnce(`
        const seeds = Array.from({ length: 50 }, (_, i) => (i * ${2 * n + 1}) % 50);
        for (const seed of seeds) await (await get('work', { seed, sleepMs: 10 })).launch();
        console.log('done');`);
    const children = Array.from({ length: 8 }, (_, n) => runScript(dir, script(n)));
    await startTogether(dir, children);
    const results = await Promise.all(children);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const log = runsOf(dir);
    assert.equal(log.length, 50, `run() called ${log.length} times for 50 runs`);
    assert.equal(new Set(log.map(([uuid]) => uuid)).size, 50);
  });

  it('two handles of one run in one process (Promise.all) compute it once', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    await project(dir).within(async () => {
      const [a, b] = await Promise.all([get('work', { seed: 3, sleepMs: 100 }), get('work', { seed: 3, sleepMs: 100 })]);
      await Promise.all([a.launch(), b.launch()]);
      assert.equal(runsOf(dir).length, 1);
      assert.equal(a.uuid, b.uuid);
      assert.equal(b.cached(), true);
    });
  });

  it('a launch while another process computes the run waits for it and reloads, computing nothing', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const first = runScript(dir, atOnce(`await (await get('work', { seed: 4, sleepMs: 1500 })).launch();`));
    await startTogether(dir, [first]);
    await project(dir).within(async () => {
      await waitUntil(() => existsSync(join(dir, 'runs.log')), 'the other process to start computing (runs.log)');
      const run = await get('work', { seed: 4, sleepMs: 1500 });
      assert.ok(existsSync(join(run.localDirectory(), CLAIM_FILE)), 'the other process holds the claim');
      await run.launch();
      assert.equal(run.cached(), true);
      assert.notEqual((run.loadFile('out.json') as { by: number }).by, process.pid, 'computed by the other process');
    });
    assert.equal((await first).code, 0);
    assert.equal(runsOf(dir).length, 1);
  });
});

describe('claims: a dead holder is taken over', () => {
  it('a holder killed with SIGKILL mid-run: the next launch takes over and finishes, resuming its run record', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { get } = await import(${JSON.stringify(CORE_URL)}); await (await get('work', { seed: 5, mode: 'hang' })).launch();`],
      { cwd: dir, stdio: 'ignore' },
    );
    try {
      await waitUntil(() => runsOf(dir).length > 0, 'the holder to start computing (runs.log)', { failed: () => (child.exitCode === null ? undefined : `it exited with code ${child.exitCode}`) });
      assert.equal(runsOf(dir).length, 1, 'the holder started');
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    writeFileSync(join(dir, 'fixed'), '');
    await project(dir).within(async () => {
      const run = await get('work', { seed: 5, mode: 'hang' });
      assert.ok(existsSync(join(run.localDirectory(), CLAIM_FILE)), 'the dead holder left its claim');
      await run.launch();
      assert.equal(run.status(), 'finished');
      assert.ok(run.execution!.resumedAt(), 'its run record continued, marked resumed');
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'and the claim released');
    });
    assert.equal(runsOf(dir).length, 2);
  });

  it('a claim from another host is held while its run beats, and taken over once the heartbeat is older than the window', async (t) => {
    const dir = makeProject({ 'work.ts': WORK });
    const previous = process.env['MACHINABLE_LIVENESS_WINDOW'];
    process.env['MACHINABLE_LIVENESS_WINDOW'] = '1';
    t.after(() => {
      if (previous === undefined) delete process.env['MACHINABLE_LIVENESS_WINDOW'];
      else process.env['MACHINABLE_LIVENESS_WINDOW'] = previous;
    });
    await project(dir).within(async () => {
      const run = await (await get('work', { seed: 6 })).materialize();
      // A computation on another host: a started run record whose heartbeat is fresh, then stops.
      const started = await (await get('work', { seed: 6 })).materialize();
      const foreign = { run: null, host: 'another-host', pid: 1, at: isoTimestamp() };
      writeFileSync(join(run.localDirectory(), CLAIM_FILE), JSON.stringify(foreign));
      const launched = Date.now();
      await started.launch();
      const waited = Date.now() - launched;
      assert.ok(waited >= 900, `waited ${waited} ms for the foreign claim to age past the window`);
      assert.equal(started.cached(), true);
      assert.equal(runsOf(dir).length, 1);
    });
  });
});

describe('claims: a holder between finishing and releasing', () => {
  it('is waited for, not taken over, while its process lives: its run ended a moment ago and it is marking it computed', async () => {
    const dir = makeProject({ 'work.ts': WORK });
    // A holder process that lives (it sleeps), and the state it leaves between writing finished_at
    // and writing `cached`: its run record finished, the interface not marked computed, its claim held.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await project(dir).within(async () => {
        const run = await (await get('work', { seed: 7 })).launch();
        assert.equal(runsOf(dir).length, 1);
        run.cached(false);
        const claim = { run: null, host: hostname(), pid: holder.pid, at: '2020-01-01T00:00:00.000000+00:00' };
        writeFileSync(join(run.localDirectory(), CLAIM_FILE), JSON.stringify(claim));

        const again = await get('work', { seed: 7 });
        let settled = false;
        const launching = again.launch().then(() => (settled = true));
        await sleep(700);
        assert.equal(settled, false, 'the launch waits for the holder');
        assert.equal(runsOf(dir).length, 1, 'and computes nothing');
        // The holder finishes: marks the run computed and releases the claim.
        run.cached(true);
        rmSync(join(run.localDirectory(), CLAIM_FILE));
        await launching;
        assert.equal(again.cached(), true);
      });
      assert.equal(runsOf(dir).length, 1, 'run() ran once');
    } finally {
      holder.kill();
    }
  });
});

describe('claims: a record a launch creates is claimed from birth', () => {
  // Reports, from onMaterialize (after the record is written, before it is computed), whether its claim is there.
  const HOOKED = `
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field() failHook = false; }
export default class Hooked extends Interface<C> {
  static Config = C;
  onMaterialize() {
    writeFileSync(join(Project.current().directory, 'claimed-at-materialize-' + this.config.seed), String(existsSync(join(this.localDirectory(), 'claim.json'))));
    if (this.config.failHook) throw new Error('hook failed');
  }
  run() { this.saveFile('out.json', { seed: this.config.seed }); }
}`;
  const claimedAtMaterialize = (dir: string, seed: number): string => readFileSync(join(dir, `claimed-at-materialize-${seed}`), 'utf8');

  it('launch() outside any execution writes the record with its claim, computes it, and releases the claim', async () => {
    const dir = makeProject({ 'hooked.ts': HOOKED });
    await project(dir).within(async () => {
      const run = await (await get('hooked', { seed: 1 })).launch();
      assert.equal(claimedAtMaterialize(dir, 1), 'true', 'no other process could claim it between its creation and its computation');
      assert.equal(run.cached(), true);
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'released');
    });
  });

  it('materialize() alone and a launch inside an execution do not claim it', async () => {
    const dir = makeProject({ 'hooked.ts': HOOKED });
    await project(dir).within(async () => {
      await (await get('hooked', { seed: 2 })).materialize();
      assert.equal(claimedAtMaterialize(dir, 2), 'false');
      const { Execution } = await import('@machinable/core');
      await new Execution().within(async () => (await get('hooked', { seed: 3 })).launch());
      assert.equal(claimedAtMaterialize(dir, 3), 'false');
      assert.equal((await get('hooked', { seed: 3 })).cached(), true);
    });
  });

  it('a launch that stops before computing (its onMaterialize throws) gives the claim back', async () => {
    const dir = makeProject({ 'hooked.ts': HOOKED });
    await project(dir).within(async () => {
      const run = await get('hooked', { seed: 4, failHook: true });
      await assert.rejects(run.launch(), /hook failed/);
      assert.equal(claimedAtMaterialize(dir, 4), 'true');
      assert.equal(run.isMaterialized, true);
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'released, so another launch may compute it');
      // Another process computes it at once (a claim left behind by this live process would make it
      // wait for as long as this process lives: it gives up after 5 s here).
      const other = await runScript(dir, `
        const { get } = await import(${JSON.stringify(CORE_URL)});
        setTimeout(() => { console.log('still waiting for the claim'); process.exit(3); }, 5000).unref();
        const run = await (await get('hooked', { seed: 4, failHook: true })).launch();
        console.log(run.cached());`);
      assert.equal(other.code, 0, other.stdout + other.stderr);
      assert.equal(other.stdout.trim(), 'true');
    });
  });
});
