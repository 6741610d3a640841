/**
 * The Slurm execution without a cluster: dry mode (scripts written into the run records and
 * printed, nothing submitted), the resources each run gets and records, the CLI's `slurm`
 * context, and the error where sbatch is missing. None of these need Slurm.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAIM_FILE, get, project, type Interface } from '@machinable/core';
import { SLURM_JOB_FILE, SLURM_SCRIPT_FILE, Slurm } from '@machinable/slurm';
import { CORE_URL, makeProject, runScript } from './helpers.js';
import { machinable } from './cli-helpers.js';
import { SLURM_URL, slurmProject } from './slurm-helpers.js';

const SIZED = `
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field({ type: 'int' }) workers = 1; }
export default class Sized extends Interface<C> {
  static Config = C;
  onComputeResources() { return { cpus: this.config.workers, memory: '1G', time: '1:00:00', sbatch: { qos: 'low' } }; }
  run() { this.saveFile('out.json', { seed: this.config.seed }); }
}`;

const jobFile = (run: Interface): { job_id: number | null; cmd: string[]; script: string } =>
  JSON.parse(readFileSync(run.execution!.localDirectory(SLURM_JOB_FILE), 'utf8'));

describe('slurm: dry mode', () => {
  it("writes each run's batch script into its run record and prints it, submitting nothing and holding no claim", async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    const result = await runScript(
      dir,
      `const { get } = await import(${JSON.stringify(CORE_URL)});
       const { Slurm } = await import(${JSON.stringify(SLURM_URL)});
       await new Slurm({ dry: true, partition: 'debug' }).within(async () => { for (const seed of [1, 2]) await (await get('sized', { seed })).launch(); });`,
      { PATH: '/nonexistent' }, // no sbatch, no squeue: a dry run needs neither
    );
    assert.equal(result.code, 0, result.stderr);
    await project(dir).within(async () => {
      for (const seed of [1, 2]) {
        const run = await get('sized', { seed });
        const record = run.execution!;
        const script = readFileSync(record.localDirectory(SLURM_SCRIPT_FILE), 'utf8');
        assert.ok(result.stdout.includes(`# sized ${run.uuid}: ${record.localDirectory(SLURM_SCRIPT_FILE)} (dry: not submitted)\n${script}`), 'printed as written');
        assert.match(script, /^#SBATCH --partition=debug$/m);
        assert.match(script, /^exec \S+ \S+dispatch-main\.js /m);
        const job = jobFile(run);
        assert.equal(job.job_id, null, 'no job');
        assert.equal(job.script, script);
        assert.deepEqual(job.cmd, script.split('\n').filter((line) => line.startsWith('#SBATCH ')));
        assert.ok(record.dispatchedAt(), 'the run record is prepared (dispatched_at), as the reference does');
        assert.equal(run.status(), 'pending');
        assert.equal(run.cached(), false);
        assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false, 'the claim is released');
      }
    });
  });

  it("records each run's resources in its predicate: the interface's, overridden by the config, overridden by the resources option", async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    await project(dir).within(async () => {
      const run = await get('sized', { workers: 4 });
      const execution = new Slurm({ dry: true, time: '0:30:00', sbatch: { qos: null, J: 'named' } }, { resources: { '--mem': '2G' } });
      await execution.within(() => run.launch());
      const expected = { '--cpus-per-task': '4', '--mem': '2G', '--time': '0:30:00', '--job-name': 'named' };
      assert.deepEqual(run.execution!.record!.model.predicate['resources'], expected);
      assert.deepEqual(execution.resourcesOf(run), expected);
      const script = readFileSync(run.execution!.localDirectory(SLURM_SCRIPT_FILE), 'utf8');
      for (const line of ['--cpus-per-task=4', '--mem=2G', '--time=0:30:00', '--job-name=named']) assert.match(script, new RegExp(`^#SBATCH ${line}$`, 'm'));
      assert.doesNotMatch(script, /--qos/);
    });
  });

  it('rejects resources sbatch would not take before making a run record', async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    await project(dir).within(async () => {
      const run = await get('sized', { workers: 0 });
      await assert.rejects(new Slurm({ dry: true }).within(() => run.launch()), /sized\.onComputeResources\(\): cpus must be a positive integer, not 0/);
      assert.equal(run.execution, undefined);
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false);
    });
  });

  it('names a parent that is neither computed nor queued, and submits its derived run without waiting for it', async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    const result = await runScript(
      dir,
      `const { get } = await import(${JSON.stringify(CORE_URL)});
       const { Slurm } = await import(${JSON.stringify(SLURM_URL)});
       const parent = await (await get('sized', { seed: 1 })).materialize();
       const child = await parent.derive('sized', { seed: 2 });
       await new Slurm({ dry: true }).within(() => child.launch());
       console.log(parent.uuid);`,
    );
    assert.equal(result.code, 0, result.stderr);
    const parent = result.stdout.trim().split('\n').at(-1)!;
    assert.match(result.stderr, new RegExp(`sized ${parent}, which it derives from or uses, is not computed and not queued; submitted without waiting for it`));
    assert.doesNotMatch(result.stdout, /--dependency/);
  });

  it('on the command line: machinable get slurm dry=true ... --launch prints the script', async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    const result = await machinable(dir, 'get', 'slurm', 'dry=true', 'partition=debug', 'time=0:10:00', 'sbatch.qos=high', 'sized', 'seed=3', '--launch', '--status');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^#SBATCH --partition=debug$/m);
    assert.match(result.stdout, /^#SBATCH --time=0:10:00$/m, 'a string field keeps its text');
    assert.match(result.stdout, /^#SBATCH --qos=high$/m);
    assert.match(result.stdout, /^pending$/m);
  });
});

describe('slurm: without sbatch', () => {
  it('says sbatch is not on PATH and how to fix it; the run record reads failed and the claim is free', async () => {
    const dir = slurmProject({ 'sized.ts': SIZED });
    const result = await runScript(
      dir,
      `const { get } = await import(${JSON.stringify(CORE_URL)});
       const { Slurm } = await import(${JSON.stringify(SLURM_URL)});
       try { await new Slurm({ partition: 'debug' }).within(async () => (await get('sized', { seed: 4 })).launch()); }
       catch (error) { console.log(error.name + ': ' + error.message); }`,
      { PATH: '/nonexistent' },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^SlurmError: sbatch is not on PATH \(needed to submit sized \w+\): run this on a host with Slurm's client commands .*dry: true/m);
    await project(dir).within(async () => {
      const run = await get('sized', { seed: 4 });
      assert.equal(run.status(), 'failed');
      assert.equal(run.failure()?.name, 'SlurmError');
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false);
    });
  });
});

describe('slurm: a project that does not declare the plugin', () => {
  it('machinable get slurm … says to declare @machinable/slurm in machinable.config', async () => {
    const dir = makeProject({ 'sized.ts': SIZED });
    const result = await machinable(dir, 'get', 'slurm', 'dry=true', 'sized', 'seed=5', '--launch');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^Error: 'slurm' is the context of the plugin @machinable\/slurm, which this project does not declare: add it to machinable\.config\.ts \(export default defineProject\(\{ plugins: \['@machinable\/slurm'\] \}\)\)/);
  });

  it('a Slurm execution there is an error naming the fix, before anything is made', async () => {
    const dir = makeProject({ 'sized.ts': SIZED });
    await project(dir).within(async () => {
      const run = await get('sized', { seed: 6 });
      await assert.rejects(new Slurm({ dry: true }).within(() => run.launch()), /does not declare @machinable\/slurm: add it to its machinable\.config\.ts \(export default defineProject\(\{ plugins: \['@machinable\/slurm'\] \}\)\)/);
      assert.equal(run.execution, undefined);
      assert.equal(existsSync(join(run.localDirectory(), CLAIM_FILE)), false);
    });
  });
});
