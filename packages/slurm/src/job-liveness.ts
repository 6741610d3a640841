import { CANCELLED_FILE, hasFile, settle, wait, type MaybePromise, type Steps, type Storage } from '@machinable/core';
import { isJobActive, jobStates } from './commands.js';
import { jobIdAt } from './job-file.js';

/** How long one answer of Slurm about a job is reused (waiters poll every second). */
const REUSE_MS = 5_000;
const answers = new Map<string, { at: number; active: boolean | undefined }>();

/**
 * Whether the Slurm job of a run record that has not started yet is still to run it: true while
 * Slurm has it queued or running, false once it is over (or Slurm no longer knows it, or the run
 * was cancelled), and true when Slurm cannot be asked from here (no `squeue`, no answer): a job
 * that may be queued is not given up on. Undefined when the run record has no job (yet). A
 * promise only when the storage answers with one.
 *
 * This is what keeps a queued job's claim on its interface for as long as it is queued, however
 * long that is (core asks it through the `SchedulerBackend` the plugin registers).
 *
 * @example
 * await queuedJobAlive(storage, runLocation); // true while `squeue` lists the job PENDING or RUNNING
 */
export function queuedJobAlive(storage: Storage, runLocation: string): MaybePromise<boolean | undefined> {
  return settle(queuedJobAliveSteps(storage, runLocation));
}

function* queuedJobAliveSteps(storage: Storage, runLocation: string): Steps<boolean | undefined> {
  const job = yield* wait(jobIdAt(storage, runLocation));
  if (job === undefined) return undefined;
  if (yield* wait(hasFile(storage, runLocation, CANCELLED_FILE))) return false;
  const now = Date.now();
  const known = answers.get(job);
  if (known && now - known.at < REUSE_MS) return known.active ?? true;
  const states = jobStates([job]);
  const state = states?.get(job);
  const active = states === undefined ? undefined : state !== undefined && isJobActive(state);
  answers.set(job, { at: now, active });
  return active ?? true;
}
