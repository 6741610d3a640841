import { setTimeout as sleep } from 'node:timers/promises';
import { MachinableError } from '../kernel/errors.js';
import { cancelRun } from '../execution/cancel.js';
import type { Execution } from '../execution/execution.js';
import type { RunProgress } from '../execution/progress.js';
import type { Interface } from '../interface/interface.js';
import { releaseClaimAt } from '../store/claims.js';
import { RECORD } from '../store/record-state.js';
import { OUTPUT_FILE } from '../format/reserved-files.js';
import { finishWithFailure } from '../store/run-records.js';
import { isJobActive, jobStates, type JobState } from './commands.js';

/** A run handed to a Slurm job. */
export interface Submission {
  readonly item: Interface<object>;
  /** Its run record. */
  readonly run: Execution<object>;
  /** The Slurm job id. */
  readonly job: string;
}

/** Options of {@link awaitJobs}. */
export interface AwaitOptions {
  /** Time between looks at the run records and Slurm's queue. */
  readonly pollMs: number;
  /** Told when a run starts, finishes or fails. */
  readonly report: (item: Interface<object>, state: RunProgress) => void;
}

/**
 * Waits until every submitted run has ended, reading its run record's markers (written by the
 * job itself) and, once per look for all jobs, Slurm's queue (`squeue`). Resolves with an error
 * per run that did not finish: its stored failure, with the job and its `output.log`; a job that
 * ended before its run started or while it computed (killed, out of time); a job whose dependency
 * failed (cancelled, as Slurm would keep it queued for ever). A run record whose job ended
 * before the run started is marked failed with that reason, so it reads as failed, not pending.
 */
export async function awaitJobs(submissions: readonly Submission[], options: AwaitOptions): Promise<Error[]> {
  const failures: Error[] = [];
  let waiting = [...submissions];
  while (waiting.length > 0) {
    // The queue first, then the markers: a job seen over has written all it will.
    const states = jobStates(waiting.map((s) => s.job));
    waiting = waiting.filter((submission) => {
      const outcome = look(submission, states);
      if (outcome === 'waiting') return true;
      if (outcome === 'running') {
        options.report(submission.item, 'running');
        return true;
      }
      options.report(submission.item, outcome === 'finished' ? 'finished' : 'failed');
      if (outcome !== 'finished') failures.push(outcome);
      return false;
    });
    if (waiting.length > 0) await sleep(options.pollMs);
  }
  return failures;
}

function look(submission: Submission, states: Map<string, JobState> | undefined): 'waiting' | 'running' | 'finished' | Error {
  const { item, run, job } = submission;
  const state = states?.get(job);
  // Slurm no longer knowing a job it was asked about means the job is over.
  const over = states !== undefined && (state === undefined || !isJobActive(state));
  const how = state ? state.state : 'no longer known to Slurm';
  const output = run.localDirectory(OUTPUT_FILE);
  const name = `${item.module} ${item.uuid}`;
  switch (run.status()) {
    case 'finished':
      return 'finished';
    case 'failed': {
      const failure = run.failure();
      const what = failure ? (failure.name && failure.name !== 'Error' ? `${failure.name}: ${failure.message}` : failure.message) : 'no failure.json';
      return new MachinableError(`${name} failed in Slurm job ${job}: ${what} (its output: ${output})`);
    }
    case 'cancelled':
      return new MachinableError(`${name}: Slurm job ${job} was cancelled: ${run.failure()?.message ?? ''} (its output: ${output})`);
    case 'died':
      // A run record that died before is continued by a job that has not started yet.
      if (!over) return 'waiting';
      return new MachinableError(`${name} died in Slurm job ${job} (${how}): its heartbeat stopped; launch it again to resume its run record (its output: ${output})`);
    case 'live':
      if (!over) return state?.state === 'PENDING' ? 'waiting' : 'running';
      return new MachinableError(`${name}: Slurm job ${job} ended (${how}) while the run computed, without finishing it; launch it again to resume its run record (its output: ${output})`);
    case 'pending': {
      if (over) {
        const records = run[RECORD].records!;
        const message = `Slurm job ${job} ended (${how}) before the run started; its output: ${output}`;
        finishWithFailure(records, run, { name: 'SlurmJobEnded', message });
        releaseClaimAt(records, item[RECORD].stored!.location, (claim) => claim.run === run.uuid && claim.scheduler !== undefined);
        return new MachinableError(`${name}: ${message}`);
      }
      if (state?.reason === 'DependencyNeverSatisfied') {
        // Slurm keeps such a job queued for ever (unless kill_invalid_depend is set).
        cancelRun(run, { reason: `not run: a job it depends on (${job}'s --dependency) did not finish successfully` });
        return new MachinableError(`${name}: not run, a run it depends on failed; Slurm job ${job} cancelled`);
      }
      return 'waiting';
    }
  }
}
