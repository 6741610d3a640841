import { HOST_FILE } from '../format/reserved-files.js';
import type { CancelResult } from '../format/run-status.js';
import type { Interface, RunRecord } from '../interface/interface.js';
import type { Session } from '../interface/session.js';
import { currentUser, thisHost } from '../kernel/host.js';
import { InterfaceStateError, MachinableError } from '../kernel/errors.js';
import { now } from '../kernel/maybe.js';
import type { IndexRow } from '../ports/index.js';
import type { SchedulerBackend } from '../ports/scheduler.js';

/**
 * Cancels a run record that is not finished: the job a scheduler computes it in is cancelled
 * (asked of the project's scheduler backends), or, for a run computing in a process of this host
 * (an `Execution` or a `Multiprocess` child), that process is sent SIGTERM; then the run record is
 * marked cancelled (`cancelled`, `failure.json`, `finished_at`) and the claim on the interface
 * released if the stopped job or process held it. A pending run of a process pool is only marked:
 * its child refuses to compute it. A finished run is an `InterfaceStateError` (nothing to cancel);
 * a run computing on another host is one too (its process can only be signalled there). `reason`
 * replaces "cancelled by <user>@<host>" in the stored message.
 */
export function cancelRun(run: RunRecord, session: Session<Interface<object>>, options: { readonly reason?: string } = {}): CancelResult {
  const { store } = session;
  const stored = run.record!;
  const { location, header } = stored;
  const was = run.status();
  if (was === 'cancelled') return { run: run.uuid, was, already: true };
  if (was === 'finished' || was === 'failed') {
    throw new InterfaceStateError(`run record ${run.uuid} has ${was} (${run.localDirectory()}): there is nothing to cancel`);
  }
  const scheduled = jobOf(session, location);
  let pid: number | undefined;
  if (scheduled) now(scheduled.backend.cancel(scheduled.job, run.uuid), 'cancel()', 'a synchronous storage');
  else if (was === 'live') pid = localProcess(run);
  const by = `${currentUser()}@${thisHost()}`;
  const what = scheduled ? ` (${scheduled.backend.describe(scheduled.job)})` : pid !== undefined ? ` (process ${pid} sent SIGTERM)` : '';
  // Marked before the signal, so the process it stops can say it was cancelled, and why.
  now(store.runs.markCancelled(location, `${options.reason ?? `cancelled by ${by}`} at ${new Date().toISOString()}${what}`), 'cancel()', 'a synchronous storage');
  if (pid !== undefined) terminate(pid);
  // The job or process stopped here will not release its claim: release it, if it is theirs.
  const parent = header.parent ? now(store.index.get(header.parent), 'cancel()', 'a synchronous index') : undefined;
  if (parent !== undefined && (scheduled || pid !== undefined)) {
    const whose = (claim: { run: string | null; pid: number; host: string }): boolean => claim.run === run.uuid || (claim.run === null && claim.pid === pid && claim.host === thisHost());
    now(store.claims.releaseIf((parent as IndexRow).storage_uri, whose), 'cancel()', 'a synchronous storage');
  }
  return { run: run.uuid, was, already: false, ...(scheduled ? { job: scheduled.job, jobDescription: scheduled.backend.describe(scheduled.job) } : {}), ...(pid !== undefined ? { pid } : {}) };
}

/** The scheduler job a run record was handed to, by the first backend that knows one. */
function jobOf(session: Session<Interface<object>>, location: string): { backend: SchedulerBackend; job: string } | undefined {
  for (const backend of session.schedulers.all()) {
    const job = now(backend.jobOf(session.store.storage, location), 'cancel()', 'a synchronous storage');
    if (job !== undefined) return { backend, job };
  }
  return undefined;
}

/**
 * The process computing a live run on this host (from its `host.json`), once it is known that
 * this process may signal it; its pid.
 */
function localProcess(run: RunRecord): number {
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
    process.kill(pid, 0);
  } catch (error) {
    // Gone already (it died a moment ago): marking it is all that is left to do.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  return pid;
}

/** Sends SIGTERM to a process (gone already: nothing to stop). */
function terminate(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
