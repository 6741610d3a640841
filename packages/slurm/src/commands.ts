import { spawnSync } from 'node:child_process';
import { SlurmError } from './errors.js';

/** What the caller was doing, for error messages: `submit train q3ZxM0bT9aKe`. */
export interface CommandPurpose {
  /** What the command was run for, e.g. `to submit train q3ZxM0bT9aKe`. */
  readonly purpose: string;
  /** How to fix a failure of the command (appended to its stderr). */
  readonly fix: string;
}

/** A job as Slurm reports it. */
export interface JobState {
  /** `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, ... */
  readonly state: string;
  /** Why it is in that state (`None`, `JobHeldUser`, `DependencyNeverSatisfied`, ...). */
  readonly reason: string;
}

/** Job states that are over: the job runs no more and will not start. */
const ENDED = new Set([
  'BOOT_FAIL', 'CANCELLED', 'COMPLETED', 'DEADLINE', 'FAILED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'REVOKED', 'SPECIAL_EXIT', 'TIMEOUT',
]);

/** True for a job that is queued or running (or ending: `COMPLETING`), false for one that is over. */
export function isJobActive(job: JobState): boolean {
  return !ENDED.has(job.state);
}

/** How long a Slurm command may take before it counts as failed (the controller is unreachable). */
const TIMEOUT_MS = 60_000;

/**
 * Runs a Slurm client command and returns its stdout. A command that is not installed, or that
 * fails, is a `SlurmError` naming the command line (as `shown`: sbatch's options are left out, as
 * the script's #SBATCH lines have them), its stderr, and the fix.
 */
export function runSlurm(command: 'sbatch' | 'squeue' | 'scancel', args: readonly string[], purpose: CommandPurpose, shown: readonly string[] = args): string {
  const line = [command, ...shown];
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: TIMEOUT_MS });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SlurmError(
        `${command} is not on PATH (needed ${purpose.purpose}): run this on a host with Slurm's client commands (a cluster's login node), ` +
          `or add them to PATH${command === 'sbatch' ? "; with the Slurm execution's dry: true the job scripts are written without submitting them" : ''}`,
        line,
      );
    }
    throw new SlurmError(`${line.join(' ')} (${purpose.purpose}) could not run: ${result.error.message}; ${purpose.fix}`, line);
  }
  if (result.status !== 0) {
    const stderr = (result.stderr ?? '').trim();
    const how = result.status === null ? `was stopped by ${result.signal ?? 'a signal'}` : `failed (exit ${result.status})`;
    throw new SlurmError(`${line.join(' ')} ${how} ${purpose.purpose}: ${stderr || '(nothing on stderr)'}; ${purpose.fix}`, line, stderr);
  }
  return result.stdout ?? '';
}

/**
 * Submits a batch script with `sbatch --parsable` and returns the job id (`'1234'`). Options are
 * passed on the command line as well as in the script's `#SBATCH` lines, so the script stays
 * submittable by hand and values need no quoting.
 */
export function submitBatch(script: string, options: readonly string[], purpose: CommandPurpose): string {
  const out = runSlurm('sbatch', ['--parsable', ...options, script], purpose, [script]).trim();
  // `--parsable` prints `<id>` or `<id>;<cluster>`.
  const id = out.split('\n').at(-1)?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) {
    throw new SlurmError(`sbatch ${script} printed '${out}' instead of a job id (${purpose.purpose}); ${purpose.fix}`, ['sbatch', script]);
  }
  return id;
}

/**
 * The state of jobs, by id, from one `squeue` call; a job Slurm no longer knows (purged after it
 * ended) is left out. Undefined when Slurm cannot be asked: `squeue` is not installed here, or
 * the controller did not answer.
 */
export function jobStates(ids: readonly string[]): Map<string, JobState> | undefined {
  const states = new Map<string, JobState>();
  if (ids.length === 0) return states;
  const result = spawnSync('squeue', ['--noheader', '--states=all', `--jobs=${ids.join(',')}`, '--format=%i|%T|%r'], { encoding: 'utf8', timeout: TIMEOUT_MS });
  if (result.error) return undefined;
  if (result.status !== 0) {
    // One id Slurm no longer knows makes squeue fail ("Invalid job id specified"): that job is over.
    if (ids.length === 1 && /invalid job id/i.test(result.stderr ?? '')) return states;
    return undefined;
  }
  for (const line of (result.stdout ?? '').split('\n')) {
    const [id, state, reason = ''] = line.trim().split('|');
    if (id && state) states.set(id, { state, reason });
  }
  return states;
}

/** Cancels a job (`scancel <id>`); cancelling a job that is over does nothing. */
export function cancelJob(id: string, purpose: CommandPurpose): void {
  runSlurm('scancel', [id], purpose);
}
