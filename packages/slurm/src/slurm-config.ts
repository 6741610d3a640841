import { Config, Field } from '@machinable/core';

/**
 * Config of a {@link Slurm} execution: resources for every run, and how to submit. None of it is
 * part of a run record's identity: it says how a run is computed, not what, so launching a run
 * that died again with other options (more time) continues its run record; what each job got is
 * recorded with it (`resources` in its predicate, `slurm.sh`, `slurm.json`).
 *
 * @example
 * new Slurm({ partition: 'gpu', cpus: 4, memory: '16G', time: '2:00:00', gres: 'gpu:1', sbatch: { qos: 'long' } });
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
