import {
  DISPATCH_ENTRY,
  Execution,
  MachinableError,
  OUTPUT_FILE,
  type ClaimHolder,
  type ComputeResources,
  type Interface,
  type JsonObject,
  type Launch,
  type RunRecord,
  type SchedulerOptionValue,
  type Session,
} from '@machinable/core';
import { submitBatch } from './commands.js';
import { dependencyOrder, parentJobs } from './dependencies.js';
import { jobIdAt, SLURM_SCRIPT_FILE, writeJobFile } from './job-file.js';
import { awaitJobs, type Submission } from './job-watch.js';
import { PLUGIN_NAME } from './plugin-name.js';
import { batchScript } from './sbatch-script.js';
import { sbatchOptions, type ResourceLayer, type SbatchOptions } from './sbatch-options.js';
import { slurmScheduler } from './scheduler.js';
import { SlurmConfig } from './slurm-config.js';

/**
 * Computes each interface launched inside `within()` in its own Slurm job: the run record is made
 * here (marked `dispatched_at`, its resources in its predicate), the job script written into it
 * (`slurm.sh`) and submitted with `sbatch`, and the job id recorded (`slurm.json`). The job runs
 * core's dispatch entry with this project's Node and continues that run record (`started_at`,
 * heartbeats, `finished_at`, `failure.json`, `host.json`), its output going to the run record's
 * `output.log`. The submitting process keeps no state: `within()` resolves once the jobs are
 * submitted (with `wait: true`, once they ended, rejecting with the first failure), and the run
 * records say the rest.
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
 * the job is queued, however long, and the job releases it. The project must declare the plugin
 * (`plugins: ['@machinable/slurm']` in `machinable.config.ts`), so that each of its processes (the
 * job, `machinable cancel`, a launch waiting for a queued job) knows Slurm jobs.
 *
 * @example
 * await new Slurm({ partition: 'debug', time: '1:00:00' }).within(async () => { for (const seed of [1, 2, 3]) await (await get('train', { seed })).launch(); });
 * // machinable get slurm partition=debug train ~adam seed=1 --launch
 */
export class Slurm extends Execution<SlurmConfig> {
  static override module = 'machinable.slurm';
  static override readonly frameworkModule: string = 'machinable.slurm';
  static override Config: unknown = SlurmConfig;

  protected override async execute(launches: Launch[]): Promise<void> {
    for (const session of new Set(launches.map((launch) => launch.session))) requireDeclared(session);
    const { order, parents } = await dependencyOrder(launches);
    const jobs = new Map<string, string>();
    const submitted: Submission[] = [];
    const failures: unknown[] = [];
    for (const launch of order) {
      try {
        const submission = await this.submit(launch, parents.get(launch.item.uuid) ?? [], jobs);
        if (submission) submitted.push(submission);
      } catch (error) {
        this.report(launch, 'failed');
        failures.push(error);
      }
    }
    if (this.config.wait && !this.config.dry) {
      const pollMs = Math.max(0.05, this.config.pollSeconds) * 1000;
      failures.push(...(await awaitJobs(submitted, { pollMs, report: (launch, state) => this.report(launch, state) })));
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
  private async submit(launch: Launch, parents: readonly Interface[], jobs: Map<string, string>): Promise<Submission | undefined> {
    const { item, session } = launch;
    const { store, project } = session;
    const name = `${item.module} ${item.uuid}`;
    const claim = await store.claims.tryClaim(launch.location);
    if (claim === 'computed') return undefined;
    if (claim !== 'claimed') return this.alreadyRunning(launch, claim, jobs);

    let location: string | undefined;
    try {
      const resources = this.resourcesOf(item);
      const run = await launch.protocol.startRun(launch, this, { dispatched: true, resources: resources as JsonObject });
      location = run.record!.location;
      const { jobs: after, unqueued } = await parentJobs(store, parents, jobs);
      for (const parent of unqueued) note(`${name}: ${parent.module} ${parent.uuid}, which it derives from or uses, is not computed and not queued; submitted without waiting for it`);
      const options: SbatchOptions = {
        ...resources,
        '--job-name': resources['--job-name'] ?? item.uuid,
        '--output': resources['--output'] ?? run.localDirectory(OUTPUT_FILE),
        '--open-mode': resources['--open-mode'] ?? 'append',
        '--chdir': resources['--chdir'] ?? project.directory,
        ...(after.length > 0 && resources['--dependency'] === undefined ? { '--dependency': `afterok:${after.join(':')}` } : {}),
      };
      const script = batchScript({
        options,
        preamble: this.config.preamble,
        environment: {
          MACHINABLE_STORAGE: project.storageRoot,
          MACHINABLE_INDEX: project.indexPath,
          MACHINABLE_OUTPUT_REDIRECTED: '1',
        },
        command: [this.config.node ?? process.execPath, DISPATCH_ENTRY, project.directory, item.localDirectory(), run.localDirectory()],
        comments: [`generated at ${new Date().toISOString()}`, name, item.localDirectory(), `run record ${run.uuid}`],
      });
      await store.storage.writeFile(location, SLURM_SCRIPT_FILE, script.text);
      await writeJobFile(store.storage, location, { job_id: null, cmd: script.header, script: script.text });
      const path = run.localDirectory(SLURM_SCRIPT_FILE);
      if (this.config.dry) {
        process.stdout.write(`# ${name}: ${path} (dry: not submitted)\n${script.text}\n`);
        await store.claims.release(launch.location);
        return undefined;
      }
      // Named before sbatch, since the job may start (and take the claim over) before sbatch returns.
      await store.claims.handOn(launch.location, run.uuid, { scheduler: slurmScheduler.name });
      if (!launch.runMinted) await store.runs.writeMarkers(location, ['dispatched_at']);
      const job = submitBatch(path, script.arguments, {
        purpose: `to submit ${name}`,
        fix: `fix the Slurm execution's options (partition, cpus, memory, time, gres, sbatch) or ${item.module}.onComputeResources(), which make the script's #SBATCH lines`,
      });
      await writeJobFile(store.storage, location, { job_id: Number(job), cmd: script.header, script: script.text });
      jobs.set(item.uuid, job);
      note(`${name}: Slurm job ${job}${after.length > 0 ? ` (after job ${after.join(', ')})` : ''}; output in ${run.localDirectory(OUTPUT_FILE)}`);
      return { launch, run, job };
    } catch (error) {
      // Nothing will compute it: the run record says why, and the claim is free again.
      if (location !== undefined) await store.runs.finishWithFailure(location, error instanceof Error ? error : new Error(String(error)));
      await store.claims.release(launch.location);
      throw error;
    }
  }

  /** A run someone else holds: its queued (or running) job is waited for, and depended on. */
  private async alreadyRunning(launch: Launch, claim: ClaimHolder, jobs: Map<string, string>): Promise<Submission | undefined> {
    const { item, session } = launch;
    const latest = claim.run !== null ? await session.store.runs.latest(item.uuid) : undefined;
    // Its job is known when the claim names the latest run record and that one has a job id.
    const job = latest !== undefined && latest.record_id === claim.run ? await jobIdAt(session.store.storage, latest.storage_uri) : undefined;
    if (latest !== undefined && job !== undefined) {
      const run = (await session.instances.fromLocation(latest.storage_uri)) as RunRecord;
      jobs.set(item.uuid, job);
      note(`${item.module} ${item.uuid}: already submitted as Slurm job ${job}; not submitted again`);
      return { launch, run, job };
    }
    note(`${item.module} ${item.uuid} is being computed by ${claim.host} (pid ${claim.pid}); not submitted`);
    return undefined;
  }
}

/** A project that uses Slurm without declaring the plugin: its other processes would not know Slurm jobs. */
function requireDeclared(session: Session<Interface<object>>): void {
  if (session.schedulers.get(slurmScheduler.name) !== undefined) return;
  throw new MachinableError(
    `the project ${session.project.directory} uses the Slurm execution but does not declare ${PLUGIN_NAME}: ` +
      `add it to its machinable.config.ts (export default defineProject({ plugins: ['${PLUGIN_NAME}'] })), ` +
      'so that every process of the project (the jobs, machinable cancel, a launch waiting for a queued job) knows Slurm jobs',
  );
}

/** What the submitter says about a run (on stderr, as progress is). */
function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
