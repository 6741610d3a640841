/** A value of an option passed on to the scheduler as written; `true` is a flag, `null` or `false` unsets it. */
export type SchedulerOptionValue = string | number | boolean | null;

/**
 * What a run needs from a cluster scheduler: the common resources by name, and any other option
 * of the scheduler's submit command. Returned by an interface's `onComputeResources()` hook and
 * given in a cluster execution's config (`new Slurm({ cpus: 4, time: '2:00:00' })`); the
 * execution merges them (see `Slurm`) and records the result in the run record's predicate
 * (`resources`).
 *
 * @example
 * onComputeResources(): ComputeResources { return { cpus: 4, memory: '16G', gres: 'gpu:1', sbatch: { qos: 'long' } }; }
 */
export interface ComputeResources {
  /** Partition (queue) to run in; Slurm's `--partition`. */
  readonly partition?: string | null;
  /** CPUs for the run; Slurm's `--cpus-per-task`. */
  readonly cpus?: number | null;
  /** Memory per node as the scheduler writes it (`16G`, `500M`); Slurm's `--mem`. */
  readonly memory?: string | null;
  /** Wall-time limit as the scheduler writes it (`2:00:00`, `1-00:00:00`); Slurm's `--time`. */
  readonly time?: string | null;
  /** Generic resources (`gpu:1`); Slurm's `--gres`. */
  readonly gres?: string | null;
  /** Nodes; Slurm's `--nodes`. */
  readonly nodes?: number | null;
  /**
   * Any other option of the submit command, by its long name with or without dashes (`qos`,
   * `--qos`) or its one-letter short name (`-q`): a value, `true` for a flag (`hold: true`), and
   * `null` or `false` to unset one an earlier layer set.
   */
  readonly sbatch?: Readonly<Record<string, SchedulerOptionValue>>;
}
