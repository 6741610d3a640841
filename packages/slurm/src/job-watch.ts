import { setTimeout as sleep } from 'node:timers/promises';
import { MachinableError, OUTPUT_FILE, cancelRun, type Launch, type RunProgress, type RunRecord } from '@machinable/core';
import { isJobActive, jobStates, type JobState } from './commands.js';

/** A run handed to a Slurm job. */
export interface Submission {
  /** The launch of the interface. */
  readonly launch: Launch;
  /** Its run record. */
  readonly run: RunRecord;
  /** The Slurm job id. */
  readonly job: string;
}

/** Options of {@link awaitJobs}. */
export interface AwaitOptions {
  /** Time between looks at the run records and Slurm's queue. */
  readonly pollMs: number;
  /** Told when a run starts, finishes or fails. */
  readonly report: (launch: Launch, state: RunProgress) => void;
}

/**
 * Waits until every submitted run has ended, reading its run record's markers (written by the
 * job itself) and, once per look for all jobs, Slurm's queue (`squeue`). Resolves with an error
 * per run that did not finish: its stored failure, with the job and its `output.log`; a job that
 * ended before its run started or while it computed (killed, out of time); a job whose dependency
 * failed (cancelled, as Slurm would keep it queued for ever). A run record whose job ended
 * before the run started is marked failed with that reason, so it reads as failed, not pending.
 * A run counts as finished once its interface is marked computed too (or its job is over).
 *
 * @example
 * const failures = await awaitJobs(submitted, { pollMs: 2000, report: (launch, state) => progress.report(launch.item.uuid, state) });
 */
export async function awaitJobs(submissions: readonly Submission[], options: AwaitOptions): Promise<Error[]> {
  const failures: Error[] = [];
  let waiting = [...submissions];
  while (waiting.length > 0) {
    // The queue first, then the markers: a job seen over has written all it will.
    const states = jobStates(waiting.map((s) => s.job));
    const still: Submission[] = [];
    for (const submission of waiting) {
      const outcome = await look(submission, states);
      if (outcome === 'waiting' || outcome === 'running') {
        if (outcome === 'running') options.report(submission.launch, 'running');
        still.push(submission);
        continue;
      }
      options.report(submission.launch, outcome === 'finished' ? 'finished' : 'failed');
      if (outcome !== 'finished') failures.push(outcome);
    }
    waiting = still;
    if (waiting.length > 0) await sleep(options.pollMs);
  }
  return failures;
}

async function look(submission: Submission, states: Map<string, JobState> | undefined): Promise<'waiting' | 'running' | 'finished' | Error> {
  const { launch, run, job } = submission;
  const { store } = launch.session;
  const location = run.record!.location;
  const state = states?.get(job);
  // Slurm no longer knowing a job it was asked about means the job is over.
  const over = states !== undefined && (state === undefined || !isJobActive(state));
  const how = state ? state.state : 'no longer known to Slurm';
  const output = run.localDirectory(OUTPUT_FILE);
  const name = `${launch.item.module} ${launch.item.uuid}`;
  const status = await store.runs.statusAt(location);
  switch (status) {
    case 'finished':
      // The job marks the run finished, then the interface computed: until it has done both (or
      // ended), it is finishing, so that a waiting submitter's caller reads the result.
      return over || (await store.files.isCached(launch.location)) ? 'finished' : 'running';
    case 'failed': {
      const failure = await store.runs.failure(location);
      const what = failure ? (failure.name && failure.name !== 'Error' ? `${failure.name}: ${failure.message}` : failure.message) : 'no failure.json';
      return new MachinableError(`${name} failed in Slurm job ${job}: ${what} (its output: ${output})`);
    }
    case 'cancelled':
      return new MachinableError(`${name}: Slurm job ${job} was cancelled: ${(await store.runs.failure(location))?.message ?? ''} (its output: ${output})`);
    case 'died':
    case 'live':
      // A run record that died before is continued by a job that has not started yet; one that
      // died in the job (its process gone on this host, or its heartbeat old) ended with the job.
      if (!over) return status === 'died' || state?.state === 'PENDING' ? 'waiting' : 'running';
      return new MachinableError(`${name}: Slurm job ${job} ended (${how}) while the run computed, without finishing it; launch it again to resume its run record (its output: ${output})`);
    case 'pending': {
      if (over) {
        const message = `Slurm job ${job} ended (${how}) before the run started; its output: ${output}`;
        await store.runs.finishWithFailure(location, { name: 'SlurmJobEnded', message });
        await store.claims.releaseIf(launch.location, (claim) => claim.run === run.uuid && claim.scheduler !== undefined);
        return new MachinableError(`${name}: ${message}`);
      }
      if (state?.reason === 'DependencyNeverSatisfied') {
        // Slurm keeps such a job queued for ever (unless kill_invalid_depend is set).
        cancelRun(run, launch.session, { reason: `not run: a job it depends on (${job}'s --dependency) did not finish successfully` });
        return new MachinableError(`${name}: not run, a run it depends on failed; Slurm job ${job} cancelled`);
      }
      return 'waiting';
    }
  }
}
