import { fileURLToPath } from 'node:url';
import { Config } from '../config/config.decorator.js';
import { Field } from '../config/field.decorator.js';
import type { ComputeResources, SchedulerOptionValue } from '../execution/compute-resources.js';
import { Execution } from '../execution/execution.js';
import type { JsonObject } from '../format/model.js';
import type { Interface } from '../interface/interface.js';
import { handOnClaim, releaseClaim, tryClaim, type ClaimContent } from '../store/claims.js';
import { RECORD } from '../store/record-state.js';
import { OUTPUT_FILE } from '../format/reserved-files.js';
import { finishWithFailure, startRun, wasMinted, writeMarkers } from '../store/run-records.js';
import { recordManifest } from '../provenance/record-manifest.js';
import { submitBatch } from './commands.js';
import { dependencyOrder, parentJobs } from './dependencies.js';
import { jobIdAt, SLURM_SCRIPT_FILE, writeJobFile } from './job-file.js';
import { awaitJobs, type Submission } from './job-watch.js';
import { batchScript } from './sbatch-script.js';
import { sbatchOptions, type ResourceLayer, type SbatchOptions } from './sbatch-options.js';

/** The entry a job runs: core's dispatch entry (what `machinable dispatch <record> --run <run>` does). */
const DISPATCH_ENTRY = fileURLToPath(new URL('../execution/dispatch-main.js', import.meta.url));

/**
 * Config of a {@link Slurm} execution: resources for every run, and how to submit. None of it is
 * part of a run record's identity: it says how a run is computed, not what, so launching a run
 * that died again with other options (more time) continues its run record; what each job got is
 * recorded with it (`resources` in its predicate, `slurm.sh`, `slurm.json`).
 */
@Config()
export class SlurmConfig {
  /** Partition to submit to (`--partition`); the cluster's default when unset. */
  @Field({ type: 'string', nullable: true, identifying: false }) partition: string | null = null;
  /** CPUs per run (`--cpus-per-task`). */
  @Field({ type: 'int', nullable: true, identifying: false }) cpus: number | null = null;
  /** Memory per run, as Slurm writes it: `16G` (`--mem`). */
  @Field({ type: 'string', nullable: true, identifying: false }) memory: string | null = null;
  /** Wall-time limit, as Slurm writes it: `2:00:00` (`--time`). */
  @Field({ type: 'string', nullable: true, identifying: false }) time: string | null = null;
  /** Generic resources: `gpu:1` (`--gres`). */
  @Field({ type: 'string', nullable: true, identifying: false }) gres: string | null = null;
  /** Any other sbatch option: `{ qos: 'long', hold: true }` (see `ComputeResources.sbatch`). */
  @Field({ identifying: false }) sbatch: Record<string, unknown> = {};
  /** Shell lines each job runs before the run (`module load nodejs`, exports). */
  @Field({ identifying: false }) preamble = '';
  /** The Node binary jobs run; default: the one submitting (`process.execPath`), as on a shared filesystem. */
  @Field({ type: 'string', nullable: true, identifying: false }) node: string | null = null;
  /** Write and print the job scripts (into each run record) without submitting them. */
  @Field({ identifying: false }) dry = false;
  /** Wait for the jobs to end (and report each failure, with its output) before `within()` resolves. */
  @Field({ identifying: false }) wait = false;
  /** Seconds between looks at the jobs while waiting. */
  @Field({ identifying: false }) pollSeconds = 2;
}

/**
 * Computes each interface launched inside `within()` in its own Slurm job: the run record is made
 * here (marked `dispatched_at`, its resources in its predicate), the job script written into it
 * (`slurm.sh`) and submitted with `sbatch`, and the job id recorded (`slurm.json`). The job runs
 * the run with this project's Node and continues that run record (`started_at`, heartbeats,
 * `finished_at`, `failure.json`, `host.json`), its output going to the run record's `output.log`.
 * The submitting process keeps no state: `within()` resolves once the jobs are submitted (with
 * `wait: true`, once they ended, rejecting with the first failure), and the run records say the
 * rest.
 *
 * Resources per run: the interface's `onComputeResources()`, overridden by this config
 * (`partition`, `cpus`, `memory`, `time`, `gres`, `sbatch`), overridden by the `resources`
 * option (sbatch options by name, as the reference takes them). A run derived from another
 * (or using one) waits for its parent's job (`--dependency=afterok:<job>`) when that is submitted
 * in the same launch or still queued. A run that is computed already is skipped; one whose job is
 * still queued or running is not submitted again. `cancel()` on the run (or `machinable cancel`)
 * cancels its job.
 *
 * The claim on each interface (one computation at a time) is handed to its job: it holds while
 * the job is queued, however long, and the job releases it.
 *
 * @example
 * await new Slurm({ partition: 'debug', time: '1:00:00' }).within(async () => { for (const seed of [1, 2, 3]) await (await get('train', { seed })).launch(); });
 * // machinable get slurm partition=debug train ~adam seed=1 --launch
 */
export class Slurm extends Execution<SlurmConfig> {
  static override module = 'machinable.slurm';
  static override readonly frameworkModule: string = 'machinable.slurm';
  static override Config: unknown = SlurmConfig;

  protected override async execute(items: Interface<object>[]): Promise<void> {
    const { order, parents } = await dependencyOrder(items);
    const jobs = new Map<string, string>();
    const submitted: Submission[] = [];
    const failures: unknown[] = [];
    for (const item of order) {
      try {
        const submission = await this.submit(item, parents.get(item.uuid) ?? [], jobs);
        if (submission) submitted.push(submission);
      } catch (error) {
        this.report(item, 'failed');
        failures.push(error);
      }
    }
    if (this.config.wait && !this.config.dry) {
      const pollMs = Math.max(0.05, this.config.pollSeconds) * 1000;
      failures.push(...(await awaitJobs(submitted, { pollMs, report: (item, state) => this.report(item, state) })));
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * The sbatch options of one run: its interface's `onComputeResources()`, this config, then the
   * `resources` option, each overriding the ones before.
   */
  resourcesOf(item: Interface<object>): SbatchOptions {
    const { partition, cpus, memory, time, gres, sbatch } = this.config;
    const layers: ResourceLayer[] = [];
    const own = item.onComputeResources();
    if (own) layers.push({ resources: own, source: `${item.module}.onComputeResources()` });
    const configured: ComputeResources = { partition, cpus, memory, time, gres, sbatch: sbatch as Record<string, SchedulerOptionValue> };
    layers.push({ resources: configured, source: "the Slurm execution's config" });
    const option = this.resources;
    if (option) layers.push({ resources: { sbatch: option as Record<string, SchedulerOptionValue> }, source: "the Slurm execution's resources option" });
    return sbatchOptions(layers);
  }

  /** Submits one run; undefined when there is nothing to wait for (computed, or dry). */
  private async submit(item: Interface<object>, parents: readonly Interface[], jobs: Map<string, string>): Promise<Submission | undefined> {
    const records = item[RECORD].records!;
    const name = `${item.module} ${item.uuid}`;
    const claim = tryClaim(records, item);
    if (claim === 'computed') return undefined;
    if (claim !== 'claimed') return this.alreadyRunning(item, claim, jobs);

    let run: Execution<object> | undefined;
    try {
      const resources = this.resourcesOf(item);
      run = startRun(records, item, this as Execution<object>, { dispatched: true, resources: resources as JsonObject });
      const minted = wasMinted(run);
      if (minted) await recordManifest(records, run);
      const { jobs: after, unqueued } = parentJobs(parents, jobs);
      for (const parent of unqueued) note(`${name}: ${parent.module} ${parent.uuid}, which it derives from or uses, is not computed and not queued; submitted without waiting for it`);
      const options: SbatchOptions = {
        ...resources,
        '--job-name': resources['--job-name'] ?? item.uuid,
        '--output': resources['--output'] ?? run.localDirectory(OUTPUT_FILE),
        '--open-mode': resources['--open-mode'] ?? 'append',
        '--chdir': resources['--chdir'] ?? records.project.directory,
        ...(after.length > 0 && resources['--dependency'] === undefined ? { '--dependency': `afterok:${after.join(':')}` } : {}),
      };
      const script = batchScript({
        options,
        preamble: this.config.preamble,
        environment: {
          MACHINABLE_STORAGE: records.project.storageRoot,
          MACHINABLE_INDEX: records.project.indexPath,
          MACHINABLE_OUTPUT_REDIRECTED: '1',
        },
        command: [this.config.node ?? process.execPath, DISPATCH_ENTRY, records.project.directory, item.localDirectory(), run.localDirectory()],
        comments: [`generated at ${new Date().toISOString()}`, name, item.localDirectory(), `run record ${run.uuid}`],
      });
      const { location } = run[RECORD].stored!;
      records.storage.writeFile(location, SLURM_SCRIPT_FILE, script.text);
      writeJobFile(records.storage, location, { job_id: null, cmd: script.header, script: script.text });
      const path = run.localDirectory(SLURM_SCRIPT_FILE);
      if (this.config.dry) {
        process.stdout.write(`# ${name}: ${path} (dry: not submitted)\n${script.text}\n`);
        releaseClaim(records, item);
        return undefined;
      }
      // Named before sbatch, since the job may start (and take the claim over) before sbatch returns.
      handOnClaim(records, item, run.uuid, { scheduler: 'slurm' });
      if (!minted) writeMarkers(records, run, 'dispatched_at');
      const job = submitBatch(path, script.arguments, {
        purpose: `to submit ${name}`,
        fix: `fix the Slurm execution's options (partition, cpus, memory, time, gres, sbatch) or ${item.module}.onComputeResources(), which make the script's #SBATCH lines`,
      });
      writeJobFile(records.storage, location, { job_id: Number(job), cmd: script.header, script: script.text });
      jobs.set(item.uuid, job);
      note(`${name}: Slurm job ${job}${after.length > 0 ? ` (after job ${after.join(', ')})` : ''}; output in ${run.localDirectory(OUTPUT_FILE)}`);
      return { item, run, job };
    } catch (error) {
      // Nothing will compute it: the run record says why, and the claim is free again.
      if (run) finishWithFailure(records, run, error instanceof Error ? error : new Error(String(error)));
      releaseClaim(records, item);
      throw error;
    }
  }

  /** A run someone else holds: its queued (or running) job is waited for, and depended on. */
  private alreadyRunning(item: Interface<object>, claim: ClaimContent, jobs: Map<string, string>): Submission | undefined {
    const run = item.execution;
    const stored = run?.[RECORD].stored;
    const job = claim.run !== null && run?.uuid === claim.run && stored ? jobIdAt(run[RECORD].records!.storage, stored.location) : undefined;
    if (run && job !== undefined) {
      jobs.set(item.uuid, job);
      note(`${item.module} ${item.uuid}: already submitted as Slurm job ${job}; not submitted again`);
      return { item, run, job };
    }
    note(`${item.module} ${item.uuid} is being computed by ${claim.host} (pid ${claim.pid}); not submitted`);
    return undefined;
  }
}

/** What the submitter says about a run (on stderr, as progress is). */
function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

