/**
 * Runs computed by Slurm jobs, on a real Slurm (`.ci/slurm` starts a single-node cluster): each
 * pending run is one `sbatch` job that continues the run record its submitter made; the run
 * records say everything (no squeue polling needed to read a run's state); derived runs wait for
 * their parents' jobs; a queued job keeps its claim however long it waits; `cancel` cancels the
 * job; a failure is reported with its output; a run killed mid-job resumes when launched again.
 *
 * Skipped where `sbatch` is absent or no controller answers `scontrol ping` (with the reason
 * printed), and never under CI=true.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { CLAIM_FILE, OUTPUT_FILE, get, project, type Interface, type RunRecord } from '@machinable/core';
import { SLURM_JOB_FILE, SLURM_SCRIPT_FILE, Slurm } from '@machinable/slurm';
import { CORE_URL, outputOf, runScript } from './helpers.js';
import { machinable } from './cli-helpers.js';
import { HAS_SBATCH, IN_CI, SLURM_URL, cancelJobsIn, jobState, slurmCli, slurmProject, slurmSkip, slurmUnavailable, until } from './slurm-helpers.js';

/** A module whose runs log who computed them (the job id), print a line, and can fail or hang. */
const WORK = `
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Project } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field() mode = 'ok'; @Field({ type: 'int' }) sleepMs = 0; }
export default class Work extends Interface<C> {
  static Config = C;
  onComputeResources() { return { cpus: 1, time: '0:10:00' }; }
  async run() {
    const dir = Project.current().directory;
    appendFileSync(join(dir, 'runs.log'), this.uuid + ' ' + process.pid + ' ' + (process.env.SLURM_JOB_ID ?? '-') + '\\n');
    console.log('computing seed ' + this.config.seed + (this.execution?.isResumed() ? ' (resumed)' : ''));
    const fixed = existsSync(join(dir, 'fixed'));
    if (this.config.mode === 'fail' && !fixed) throw new Error('boom ' + this.config.seed);
    if (this.config.mode === 'hang' && !fixed) await new Promise((r) => setTimeout(r, 1e9));
    if (this.config.sleepMs) await new Promise((r) => setTimeout(r, this.config.sleepMs));
    const parent = await this.ancestor;
    this.saveFile('out.json', { seed: this.config.seed, job: process.env.SLURM_JOB_ID ?? null, parent: parent ? parent.loadFile('out.json') : null });
  }
}`;

/** Who computed what: `[record id, pid, Slurm job id]` per run() call. */
const runsOf = (dir: string): string[][] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' ')) : [];

const projects: string[] = [];
/** A project of the work module that declares the Slurm plugin (machinable.config.mjs), or the files given. */
const newProject = (files: Record<string, string> = { 'work.ts': WORK }): string => {
  const dir = slurmProject(files);
  projects.push(dir);
  return dir;
};

/** A run record's slurm.json: the job, as the reference's Slurm integration records it. */
const jobFile = (run: RunRecord): { job_id: number | null; cmd: string[]; script: string } => JSON.parse(readFileSync(run.localDirectory(SLURM_JOB_FILE), 'utf8'));

/** The Slurm job id recorded with a run record. */
const jobOf = (run: RunRecord | undefined): string => {
  assert.ok(run, 'a run record');
  const job = jobFile(run).job_id;
  assert.ok(job !== null, `a job id in ${run.localDirectory(SLURM_JOB_FILE)}`);
  return String(job);
};

/** A Slurm execution as the specs use it: the CI cluster's partition, quick polling. */
const slurm = (config: Record<string, unknown> = {}): Slurm => new Slurm({ partition: 'debug', pollSeconds: 0.2, ...config });

/** Sets environment variables for the rest of a test (Slurm jobs inherit the submitter's environment). */
function withEnv(t: { after: (fn: () => void) => void }, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const previous = process.env[name];
    process.env[name] = value;
    t.after(() => {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    });
  }
}

/** Probed once: why no cluster can take jobs here (undefined when one can). */
const UNAVAILABLE = slurmUnavailable();
const SLURM_SKIP = slurmSkip(UNAVAILABLE, IN_CI);
if (SLURM_SKIP) console.log(`# skipping the Slurm specs: ${SLURM_SKIP}`);

describe('slurm: when the specs run', () => {
  it('skip with the reason where sbatch is missing or no controller answers, and never under CI', (t) => {
    const noSbatch = slurmUnavailable({ ...process.env, PATH: '/nonexistent' });
    assert.match(noSbatch ?? '', /^sbatch is not on PATH/);
    assert.equal(slurmSkip(noSbatch, false), noSbatch);
    assert.equal(slurmSkip(noSbatch, true), false, 'under CI a missing Slurm is not skipped: the specs fail');
    assert.equal(slurmSkip(undefined, false), false);
    if (!HAS_SBATCH) return t.skip('sbatch is not on PATH: the controller probe cannot be tried here');
    // A configuration whose controller is on a port nothing listens on: sbatch runs, no one answers.
    const conf = mkdtempSync(join(tmpdir(), 'machinable-slurm-conf-'));
    t.after(() => rmSync(conf, { recursive: true, force: true }));
    writeFileSync(join(conf, 'slurm.conf'), 'ClusterName=probe\nSlurmctldHost=localhost\nSlurmctldPort=1\n');
    const silent = slurmUnavailable({ ...process.env, SLURM_CONF: join(conf, 'slurm.conf') });
    assert.match(silent ?? '', /^sbatch is installed but no Slurm controller answers `scontrol ping` within 5 s \(.*DOWN.*\)/);
    assert.equal(slurmSkip(silent, false), silent);
    assert.equal(slurmSkip(silent, true), false);
  });
});

describe('slurm: a cluster to submit to', { skip: SLURM_SKIP }, () => {
  it('has sbatch and a controller that answers (under CI=true a missing Slurm fails here, loudly, instead of skipping)', () => {
    assert.ok(HAS_SBATCH, 'sbatch is not on PATH: run `bash .ci/slurm` (as root) to install and start a single-node Slurm');
    assert.equal(UNAVAILABLE, undefined);
  });
});

describe('slurm: a sweep of runs, one job each', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  let dir = '';
  const seeds = [1, 2, 3, 4, 5, 6];
  before(() => {
    dir = newProject();
  });
  after(() => cancelJobsIn(projects));

  it('computes 6 runs in 6 Slurm jobs, each continuing the run record its submitter made', async () => {
    await project(dir).within(async () => {
      await slurm({ wait: true }).within(async () => {
        for (const seed of seeds) await (await get('work', { seed })).launch();
      });
      const runs = await Promise.all(seeds.map((seed) => get('work', { seed })));
      const jobs = new Set<string>();
      for (const [i, run] of runs.entries()) {
        assert.equal(run.cached(), true, `seed ${seeds[i]} computed`);
        assert.equal(run.status(), 'finished');
        const record = run.execution!;
        assert.equal(record.module, 'machinable.slurm');
        const job = jobOf(record);
        jobs.add(job);
        // The run record's files: made by the submitter (dispatched_at, the script, the job), then the job's own.
        for (const file of ['dispatched_at', 'started_at', 'heartbeat_at', 'finished_at', 'host.json', OUTPUT_FILE, SLURM_JOB_FILE, SLURM_SCRIPT_FILE]) {
          assert.ok(existsSync(record.localDirectory(file)), `${file} in the run record of seed ${seeds[i]}`);
        }
        assert.ok(record.dispatchedAt()! <= record.startedAt()!, 'dispatched, then started');
        const host = JSON.parse(readFileSync(record.localDirectory('host.json'), 'utf8')) as { pid: number };
        assert.notEqual(host.pid, process.pid, 'started by the job, not the submitter');
        assert.equal((run.loadFile('out.json') as { job: string }).job, job, 'computed in the job recorded with its run record');
        // The job's stdout is output.log (sbatch --output), once: the run's own copy of it is off in a job.
        const printed = record.output()!.split('\n').filter((line) => line === `computing seed ${seeds[i]}`);
        assert.equal(printed.length, 1, `output.log: ${record.output()}`);
        assert.deepEqual(record.record!.model.predicate['resources'], { '--cpus-per-task': '1', '--time': '0:10:00', '--partition': 'debug' });
        const script = readFileSync(record.localDirectory(SLURM_SCRIPT_FILE), 'utf8');
        assert.match(script, /^#SBATCH --partition=debug$/m);
        assert.match(script, new RegExp(`^#SBATCH --output=${record.localDirectory(OUTPUT_FILE).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
        assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'the job released its claim');
        assert.equal(jobState(job)?.state, 'COMPLETED');
      }
      assert.equal(jobs.size, 6, 'one job per run');
      assert.equal(runsOf(dir).length, 6, 'run() once per run');
      assert.ok(runsOf(dir).every(([, , job]) => jobs.has(job!)), 'every run() was in one of the jobs');
    });
  });

  it('launching the sweep again submits nothing: every run is computed', async () => {
    await project(dir).within(async () => {
      const before = runsOf(dir).length;
      await slurm({ wait: true }).within(async () => {
        for (const seed of seeds) await (await get('work', { seed })).launch();
      });
      assert.equal(runsOf(dir).length, before, 'no run() call');
      for (const seed of seeds) assert.equal((await (await get('work', { seed })).executions()).length, 1, `one run record for seed ${seed}`);
    });
  });
});

describe('slurm: dependencies', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it('a derived run submitted in the same launch waits for its parent\'s job (--dependency=afterok)', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const parent = await (await get('work', { seed: 10, sleepMs: 1500 })).materialize();
      const child = await parent.derive('work', { seed: 11 });
      await slurm({ wait: true }).within(async () => {
        await child.launch(); // launched first: the parent's job is still submitted first
        await parent.launch();
      });
      const parentJob = jobOf(parent.execution);
      assert.match(readFileSync(child.execution!.localDirectory(SLURM_SCRIPT_FILE), 'utf8'), new RegExp(`^#SBATCH --dependency=afterok:${parentJob}$`, 'm'));
      assert.ok(child.execution!.startedAt()! >= parent.execution!.finishedAt()!, 'the child started after its parent finished');
      assert.deepEqual((child.loadFile('out.json') as { parent: { seed: number } }).parent.seed, 10, 'and read its result');
    });
  });

  it('a derived run launched while its parent\'s job is queued waits for that job', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const parent = await (await get('work', { seed: 12 })).materialize();
      await slurm({ sbatch: { hold: true } }).within(() => parent.launch());
      const parentJob = jobOf(parent.execution);
      assert.equal(jobState(parentJob)?.state, 'PENDING');
      const child = await parent.derive('work', { seed: 13 });
      await slurm().within(() => child.launch());
      assert.match(readFileSync(child.execution!.localDirectory(SLURM_SCRIPT_FILE), 'utf8'), new RegExp(`^#SBATCH --dependency=afterok:${parentJob}$`, 'm'));
      slurmCli('scontrol', 'release', parentJob);
      await until('the child to be computed', () => child.cached(), 90_000);
      assert.ok(child.execution!.startedAt()! >= parent.execution!.finishedAt()!);
    });
  });

  it('a run whose parent failed is not left queued: the waiting submitter cancels its job and reports it', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const parent = await (await get('work', { seed: 14, mode: 'fail' })).materialize();
      const child = await parent.derive('work', { seed: 15 });
      await assert.rejects(
        slurm({ wait: true }).within(async () => {
          await parent.launch();
          await child.launch();
        }),
        /boom 14/,
      );
      assert.equal(child.status(), 'cancelled');
      assert.match(child.failure()!.message, /a job it depends on/);
      assert.equal(jobState(jobOf(child.execution))?.state, 'CANCELLED');
      assert.equal(existsSync(join(child.localDirectory(), CLAIM_FILE)), false);
    });
  });
});

describe('slurm: claims while a job is queued', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it('a queued job keeps its claim longer than the liveness window, its submitter gone: a local launch waits for the job', async () => {
    const dir = newProject();
    // Submitted from the command line: the submitting process exits once the job is queued.
    const submitted = await machinable(dir, 'get', 'slurm', 'partition=debug', 'sbatch.hold=true', 'work', 'seed=20', '--launch', '--uuid');
    assert.equal(submitted.code, 0, submitted.stderr);
    assert.match(submitted.stderr, /Slurm job \d+/);
    const id = submitted.stdout.trim();
    const { run, job } = await project(dir).within(async () => {
      const run = (await get.byId(id)) as Interface;
      return { run, job: jobOf(run.execution) };
    });
    // Launched again while its job is queued: named, not submitted again.
    const twice = await machinable(dir, 'get', 'slurm', 'partition=debug', 'work', 'seed=20', '--launch');
    assert.equal(twice.code, 0, twice.stderr);
    assert.match(twice.stderr, new RegExp(`work ${id}: already submitted as Slurm job ${job}; not submitted again`));
    assert.equal(slurmCli('squeue', '--noheader', `--name=${id}`, '--format=%i').trim(), job, 'one job');
    const claim = JSON.parse(readFileSync(join(run.localDirectory(), CLAIM_FILE), 'utf8')) as { run: string; scheduler: string };
    assert.equal(claim.scheduler, 'slurm', 'the claim is handed to the job');
    assert.equal(claim.run, run.execution!.uuid);
    // A plain launch of the same run in another process, with a 1 s liveness window.
    const local = outputOf(
      spawn(process.execPath, ['--input-type=module', '-e', `const { get } = await import(${JSON.stringify(CORE_URL)}); const run = await (await get('work', { seed: 20 })).launch(); console.log(run.loadFile('out.json').job);`], {
        cwd: dir,
        env: { ...process.env, MACHINABLE_LIVENESS_WINDOW: '1' },
      }),
    );
    let exited = false;
    void local.then(() => (exited = true));
    await sleep(3500);
    assert.equal(exited, false, 'the local launch waits');
    assert.deepEqual(runsOf(dir), [], 'and computes nothing while the job is queued, 3.5 times the window');
    assert.equal(jobState(job)?.state, 'PENDING');
    slurmCli('scontrol', 'release', job);
    const result = await local;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), job, 'it reads the result the job computed');
    assert.equal(runsOf(dir).length, 1, 'run() once, in the job');
  });
});

describe('slurm: cancel', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it('machinable cancel cancels a queued job: the run reads cancelled, its claim is free, and a relaunch computes it anew', async () => {
    const dir = newProject();
    const submitted = await machinable(dir, 'get', 'slurm', 'partition=debug', 'sbatch.hold=true', 'work', 'seed=30', '--launch', '--uuid');
    assert.equal(submitted.code, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    const job = await project(dir).within(async () => jobOf(((await get.byId(id)) as Interface).execution));
    assert.equal(jobState(job)?.state, 'PENDING');

    const cancelled = await machinable(dir, 'cancel', id);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`cancelled work ${id} \\(run record \\w+\\), which was pending: Slurm job ${job} cancelled`));
    await until('the job to be cancelled', () => jobState(job)?.state === 'CANCELLED');

    const listed = await machinable(dir, 'ls');
    assert.match(listed.stdout, new RegExp(`${id}\\s+work\\s+seed=30\\s+cancelled`));
    assert.match(listed.stderr, new RegExp(`cancelled: work ${id}: RunCancelled: cancelled by .* \\(Slurm job ${job}\\)`));
    const again = await machinable(dir, 'cancel', id);
    assert.match(again.stdout, /was cancelled before; nothing to do/);

    await project(dir).within(async () => {
      const run = (await get.byId(id)) as Interface;
      const record = run.execution!;
      assert.equal(run.status(), 'cancelled');
      assert.ok(record.cancelledAt(), 'the cancelled marker');
      assert.ok(record.finishedAt(), 'finished_at');
      assert.equal(record.failure()?.name, 'RunCancelled');
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'the claim is released');
      await slurm({ wait: true }).within(() => run.launch());
      assert.equal(run.cached(), true);
      assert.equal((await run.executions()).length, 2, 'a new run record');
    });
    assert.equal(runsOf(dir).length, 1);
  });
});

describe('slurm: failures', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it('a failing job: the waiting submitter rejects with its error and its output.log; ls reports them too', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const run = await get('work', { seed: 40, mode: 'fail' });
      let error: Error | undefined;
      await slurm({ wait: true })
        .within(() => run.launch())
        .catch((e: Error) => (error = e));
      assert.ok(error, 'the block rejects');
      const record = run.execution!;
      const output = record.localDirectory(OUTPUT_FILE);
      assert.equal(error.message, `work ${run.uuid} failed in Slurm job ${jobOf(record)}: boom 40 (its output: ${output})`);
      assert.equal(run.status(), 'failed');
      assert.equal(run.failure()?.message, 'boom 40');
      const log = readFileSync(output, 'utf8');
      assert.match(log, /^computing seed 40$/m, 'what it printed');
      assert.match(log, /Error: boom 40\n\s+at /, 'and its error, with the stack');
    });
    const listed = await machinable(dir, 'ls', '--json');
    const rows = JSON.parse(listed.stdout) as { status: string; failure?: { message: string; output?: string } }[];
    assert.equal(rows[0]?.status, 'failed');
    assert.equal(rows[0]?.failure?.message, 'boom 40');
    assert.match(rows[0]?.failure?.output ?? '', /output\.log$/);
    assert.match(listed.stderr, /failed: work \w+: Error: boom 40 \(output: .*output\.log\)/);
  });

  it('a job that ends before its run starts (its preamble failed): reported with its output.log, the run record marked failed', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const run = await get('work', { seed: 43 });
      await assert.rejects(slurm({ wait: true, preamble: 'echo preparing the node\nexit 3' }).within(() => run.launch()), (error: Error) => {
        assert.match(error.message, new RegExp(`^work ${run.uuid}: Slurm job \\d+ ended \\(FAILED\\) before the run started; its output: \\S+output\\.log$`));
        return true;
      });
      assert.equal(run.status(), 'failed');
      assert.equal(run.failure()?.name, 'SlurmJobEnded');
      assert.match(run.output() ?? '', /^preparing the node$/m, 'what the job printed before it ended');
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'the claim is free');
      assert.deepEqual(runsOf(dir), []);
    });
  });

  it('sbatch refusing the job: the error names the command, its stderr and the fix; the run record reads failed and the claim is free', async () => {
    const dir = newProject();
    await project(dir).within(async () => {
      const run = await get('work', { seed: 41 });
      await assert.rejects(slurm({ partition: 'no-such-partition' }).within(() => run.launch()), (error: Error) => {
        assert.equal(error.name, 'SlurmError');
        assert.match(error.message, /^sbatch \S+slurm\.sh failed \(exit 1\) to submit work \w+: sbatch: error: [\s\S]*partition[\s\S]*; fix the Slurm execution's options/);
        return true;
      });
      assert.equal(run.status(), 'failed');
      assert.equal(run.failure()?.name, 'SlurmError');
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false);
      assert.equal(jobFile(run.execution!).job_id, null, 'no job recorded');
    });
  });

  it('a run killed mid-job reads as died and, launched again, continues its run record (resumed_at)', async (t) => {
    const dir = newProject();
    withEnv(t, { MACHINABLE_HEARTBEAT_SECONDS: '1', MACHINABLE_LIVENESS_WINDOW: '3' });
    await project(dir).within(async () => {
      const run = await get('work', { seed: 42, mode: 'hang' });
      const first = slurm({ wait: true }).within(() => run.launch());
      first.catch(() => undefined); // awaited below
      // Until it printed: started_at and host.json come before run(), so they alone would let the
      // kill below come before the line that the output check at the end looks for.
      await until('the job to start the run', () => run.execution?.isStarted() && existsSync(run.execution.localDirectory('host.json')) && /computing seed 42\n/.test(run.execution.output() ?? ''));
      const record = run.execution!;
      const job = jobOf(record);
      const { pid } = JSON.parse(readFileSync(record.localDirectory('host.json'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGKILL'); // the job's Node process, as an out-of-memory kill or a node failure would
      await assert.rejects(first, new RegExp(`^MachinableError: work ${run.uuid}: Slurm job ${job} ended \\(\\w+\\) while the run computed, without finishing it; launch it again to resume`));
      await until('the job to end', () => ['FAILED', 'CANCELLED', 'COMPLETED'].includes(jobState(job)?.state ?? ''));
      await until('the run to read as died', () => run.status() === 'died', 30_000);
      assert.equal(record.finishedAt(), undefined);

      writeFileSync(join(dir, 'fixed'), '');
      // Launched again, its job held in the queue: the submitter waits, and so does a local
      // launch in another process, longer than the window, though the run record reads as died.
      // (With other options than the first launch: they say how it runs, not what, so the run
      // record is continued all the same.)
      const relaunch = slurm({ wait: true, sbatch: { hold: true } }).within(() => run.launch());
      relaunch.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      const again = await until('the new job', () => (jobFile(record).job_id !== Number(job) ? String(jobFile(record).job_id) : undefined));
      const local = runScript(dir, `const { get } = await import(${JSON.stringify(CORE_URL)}); await (await get('work', { seed: 42, mode: 'hang' })).launch();`);
      await sleep(4500);
      assert.equal(jobState(again)?.state, 'PENDING');
      assert.equal(runsOf(dir).length, 1, 'nothing computes it while its job is queued');
      slurmCli('scontrol', 'release', again);
      await relaunch;
      assert.equal((await local).code, 0);
      assert.equal(run.status(), 'finished');
      assert.equal(run.cached(), true);
      const continued = run.execution!;
      assert.equal(continued.uuid, record.uuid, 'the same run record, continued');
      assert.ok(continued.resumedAt(), 'resumed_at');
      assert.notEqual(jobOf(continued), job, 'in a new job');
      assert.equal((await run.executions()).length, 1);
      assert.match(continued.output() ?? '', /computing seed 42\n[\s\S]*computing seed 42 \(resumed\)/, 'both attempts in its output.log');
    });
    assert.equal(runsOf(dir).length, 2);
  });
});

describe('slurm: dry mode with a cluster', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it('a dry run record is continued when the run is submitted for real', async () => {
    const dir = newProject();
    const dry = await runScript(
      dir,
      `const { get } = await import(${JSON.stringify(CORE_URL)}); const { Slurm } = await import(${JSON.stringify(SLURM_URL)}); await new Slurm({ dry: true, partition: 'debug' }).within(async () => (await get('work', { seed: 50 })).launch());`,
    );
    assert.equal(dry.code, 0, dry.stderr);
    await project(dir).within(async () => {
      const run = await get('work', { seed: 50 });
      const prepared = run.execution!;
      assert.equal(jobFile(prepared).job_id, null);
      await slurm({ wait: true }).within(() => run.launch());
      assert.equal(run.execution!.uuid, prepared.uuid);
      assert.equal(run.cached(), true);
    });
  });
});

describe('slurm: a job opens the project as declared', { skip: SLURM_SKIP, timeout: 300_000 }, () => {
  after(() => cancelJobsIn(projects));

  it("a module's constructor gets the provider machinable.config declares, in the job as in the submitter", async () => {
    const dir = newProject({
      'machinable.config.ts': `
        import { defineProject } from '@machinable/core';
        export default defineProject({
          plugins: ['@machinable/slurm'],
          providers: [{ provide: 'greeting', useValue: 'hello from the config' }],
        });`,
      'greet.ts': `
        import { writeFileSync } from 'node:fs';
        import { join } from 'node:path';
        import { Interface, Project, inject, injectable } from '@machinable/core';
        @injectable()
        export default class Greet extends Interface {
          constructor(@inject('greeting') readonly greeting: string) { super(); }
          run() { writeFileSync(join(Project.current().directory, 'greeting.json'), JSON.stringify({ greeting: this.greeting, job: process.env.SLURM_JOB_ID ?? null, pid: process.pid })); }
        }`,
    });
    await project(dir).within(async () => {
      const run = (await get('greet')) as Interface & { greeting: string };
      assert.equal(run.greeting, 'hello from the config', 'injected in the submitter');
      await slurm({ wait: true }).within(() => run.launch());
      assert.equal(run.cached(), true);
      const written = JSON.parse(readFileSync(join(dir, 'greeting.json'), 'utf8')) as { greeting: string; job: string | null; pid: number };
      assert.equal(written.greeting, 'hello from the config', 'injected in the job');
      assert.equal(written.job, jobOf(run.execution), 'written by the run record\'s job');
      assert.notEqual(written.pid, process.pid);
    });
  });
});
