import { InterfaceStateError, MachinableError } from '../kernel/errors.js';
import type { RunStatus } from '../interface/interface.js';
import { currentUser, thisHost } from '../kernel/host.js';
import { releaseClaimAt } from '../store/claims.js';
import { RECORD, storedOf } from '../store/record-state.js';
import { HOST_FILE } from '../format/reserved-files.js';
import { markCancelled } from '../store/run-records.js';
import { cancelJob } from '../slurm/commands.js';
import { jobIdAt } from '../slurm/job-file.js';
import type { Execution } from './execution.js';

/** What `cancel()` did. */
export interface CancelResult {
  /** The run record cancelled. */
  readonly run: string;
  /** Its status before (`pending`, `live`, `died`; `cancelled` when it was cancelled before). */
  readonly was: RunStatus;
  /** The Slurm job cancelled with `scancel`, when the run was handed to one. */
  readonly job?: string;
  /** The process sent SIGTERM, when the run computed in a process on this host. */
  readonly pid?: number;
  /** True when the run record was cancelled before: nothing was done now. */
  readonly already: boolean;
}

/**
 * Cancels a run record that is not finished: its Slurm job is cancelled (`scancel`), or, for a
 * run computing in a process of this host (an `Execution` or a `Multiprocess` child), that
 * process is sent SIGTERM; then the run record is marked cancelled (`cancelled`, `failure.json`,
 * `finished_at`) and the claim on the interface released if the stopped job or process held it.
 * A pending run of a process pool is only marked: its child refuses to compute it. A finished
 * run is an `InterfaceStateError` (nothing to cancel); a run computing on another host is one too
 * (its process can only be signalled there). `reason` replaces "cancelled by <user>@<host>" in
 * the stored message.
 */
export function cancelRun(run: Execution<object>, options: { readonly reason?: string } = {}): CancelResult {
  const records = run[RECORD].records!;
  const { location, header } = storedOf(run);
  const was = run.status();
  if (was === 'cancelled') return { run: run.uuid, was, already: true };
  if (was === 'finished' || was === 'failed') {
    throw new InterfaceStateError(`run record ${run.uuid} has ${was} (${run.localDirectory()}): there is nothing to cancel`);
  }
  const job = jobIdAt(records.storage, location);
  let pid: number | undefined;
  if (job !== undefined) {
    cancelJob(job, {
      purpose: `to cancel Slurm job ${job} of run record ${run.uuid}`,
      fix: `check the job with squeue -j ${job}; the run record is left as it was`,
    });
  } else if (was === 'live') {
    pid = signalLocal(run);
  }
  const by = `${currentUser()}@${thisHost()}`;
  const what = job !== undefined ? ` (Slurm job ${job})` : pid !== undefined ? ` (process ${pid} sent SIGTERM)` : '';
  markCancelled(records, run, `${options.reason ?? `cancelled by ${by}`} at ${new Date().toISOString()}${what}`);
  // The job or process stopped here will not release its claim: release it, if it is theirs.
  const parent = header.parent ? records.index.get(header.parent)?.storage_uri : undefined;
  if (parent !== undefined && (job !== undefined || pid !== undefined)) {
    releaseClaimAt(records, parent, (claim) => claim.run === run.uuid || (claim.run === null && claim.pid === pid && claim.host === thisHost()));
  }
  return { run: run.uuid, was, already: false, ...(job !== undefined ? { job } : {}), ...(pid !== undefined ? { pid } : {}) };
}

/** Sends SIGTERM to the process computing a live run on this host (from its `host.json`); its pid. */
function signalLocal(run: Execution<object>): number {
  const host = run.loadFile<{ hostname?: unknown; pid?: unknown } | null>(HOST_FILE, null);
  const pid = typeof host?.pid === 'number' ? host.pid : undefined;
  if (pid === undefined || typeof host?.hostname !== 'string') {
    throw new MachinableError(`run record ${run.uuid} is live but its ${HOST_FILE} does not say which process computes it (${run.localDirectory(HOST_FILE)}); stop that process by hand`);
  }
  if (host.hostname !== thisHost()) {
    throw new InterfaceStateError(`run record ${run.uuid} computes on host ${host.hostname} (pid ${pid}), not here (${thisHost()}): cancel it on that host (machinable cancel ${run.uuid})`);
  }
  if (pid === process.pid) {
    throw new InterfaceStateError(`run record ${run.uuid} is computed by this very process (pid ${pid}): cancel it from another process, or throw from the run`);
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    // Gone already (it died a moment ago): marking it is all that is left to do.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  return pid;
}
