import type { MaybePromise } from '../kernel/maybe.js';
import type { Storage } from './storage.js';

/**
 * A cluster scheduler as the lower layers need to ask it: whether a run handed to one of its jobs
 * is still to be computed by that job, and how to cancel the job. A scheduler plugin
 * (`@machinable/slurm`) implements it and registers it under the name its executions write into
 * a handed-on claim (`claim.json`'s `scheduler`); core asks through this port only, so a new
 * scheduler is one new package.
 *
 * @example
 * const backend: SchedulerBackend = { name: 'slurm', jobOf, isQueuedAlive, describe: (job) => `Slurm job ${job}`, cancel };
 */
export interface SchedulerBackend {
  /** The name claims and run records give the scheduler (`slurm`). */
  readonly name: string;
  /** The job a run record was handed to, if this scheduler has one there. */
  jobOf(storage: Storage, runLocation: string): MaybePromise<string | undefined>;
  /**
   * Whether the job of a run record that has not started is still to compute it: true while the
   * scheduler has it queued or running (and, when the scheduler cannot be asked from here, true:
   * a job that may be queued is not given up on); false once it is over; undefined when the run
   * record has no job of this scheduler (yet).
   */
  isQueuedAlive(storage: Storage, runLocation: string): MaybePromise<boolean | undefined>;
  /** How messages name a job of this scheduler (`Slurm job 1234`). */
  describe(job: string): string;
  /**
   * Cancels the job computing (or queued to compute) the run record `run`; a `SchedulerError`
   * naming the command, what it said and the fix when it cannot.
   */
  cancel(job: string, run: string): MaybePromise<void>;
}

/** The scheduler backends a project knows, by name. */
export interface SchedulerRegistry {
  get(name: string): SchedulerBackend | undefined;
  all(): readonly SchedulerBackend[];
}
