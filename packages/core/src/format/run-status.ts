import type { RunState } from './run-state.js';

/**
 * Where a run stands. The format's run states (`pending`, `live`, `died`, `finished`), with a run
 * that finished by throwing told apart as `failed`, and one that was cancelled (`cancel()`) as
 * `cancelled`.
 */
export type RunStatus = RunState | 'failed' | 'cancelled';

/** The error a failed run stored (`failure.json` in its run record). */
export interface RunFailure {
  readonly message: string;
  readonly name: string;
  readonly stack?: string;
  readonly at: string;
}

/**
 * How a finished run record ended, from which of `failure.json` and the `cancelled` marker it
 * holds: `cancelled` with both (a cancel stores its reason as the failure), `failed` with a
 * failure, else `finished`. A `cancelled` marker without a failure does not count: the
 * reference's API writes it into any run, a no-op on one that finished.
 *
 * @example
 * finishedRunStatus(true, true); // 'cancelled'
 * finishedRunStatus(false, true); // 'finished'
 */
export function finishedRunStatus(hasFailure: boolean, hasCancelMarker: boolean): 'finished' | 'failed' | 'cancelled' {
  if (!hasFailure) return 'finished';
  return hasCancelMarker ? 'cancelled' : 'failed';
}

/** What cancelling a run did. */
export interface CancelResult {
  /** The run record cancelled. */
  readonly run: string;
  /** Its status before (`pending`, `live`, `died`; `cancelled` when it was cancelled before). */
  readonly was: RunStatus;
  /** The scheduler's job cancelled, when the run was handed to one (its job id). */
  readonly job?: string;
  /** How its scheduler names that job in messages (its backend's `describe(job)`: `Slurm job 1234`). */
  readonly jobDescription?: string;
  /** The process sent SIGTERM, when the run computed in a process on this host. */
  readonly pid?: number;
  /** True when the run record was cancelled before: nothing was done now. */
  readonly already: boolean;
}
