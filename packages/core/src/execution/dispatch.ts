import { resolve } from 'node:path';
import type { Interface } from '../interface/interface.js';
import { MachinableError, RecordNotFoundError, RunCancelledError } from '../kernel/errors.js';
import { computeRun } from './compute.js';
import { Execution } from './execution.js';
import { Launch } from './launch.js';
import type { Launcher } from './launcher.js';

/** Options of {@link dispatchStored}. */
export interface DispatchOptions {
  /**
   * The run record to compute into (its id or directory), made by the process pool or scheduler
   * that dispatched the run; without it, a new run record is made here.
   */
  readonly run?: string;
  /**
   * Copy what the run prints into its run record's `output.log` (default true); off in a
   * scheduler's job whose output already goes there (see `ComputeOptions`).
   */
  readonly captureOutput?: boolean;
  /** Told the launch once it is made (a child process reads `failureStored` from it when the run fails). */
  readonly onLaunch?: (launch: Launch) => void;
}

/**
 * Computes a stored record in this process: loads it (by record id, or by directory) with its
 * module and runs it, unless it is computed already. With `run`, it continues the run record the
 * dispatcher made (reading both records from their directories, so it needs no index entry) and
 * takes over the claim the dispatcher handed on. What `dispatch()`, `Multiprocess`'s children and
 * scheduler jobs run.
 *
 * @example
 * await dispatchStored(launcher, 'q3ZxM0bT9aKe');
 */
export async function dispatchStored(launcher: Launcher, target: string, options: DispatchOptions = {}): Promise<Interface> {
  const { session } = launcher;
  const { store } = session;
  const item = await load(launcher, target);
  const launch = new Launch(item, session, launcher);
  options.onLaunch?.(launch);
  if (options.run === undefined) {
    await new Execution().dispatch([launch]);
    return item;
  }
  const run = await load(launcher, options.run);
  if (!(run instanceof Execution)) throw new RecordNotFoundError(`${options.run} is not a run record (an Execution record)`);
  const runLocation = run.record!.location;
  if (await store.runs.isCancelled(runLocation)) {
    throw new RunCancelledError(`${item.module} ${item.uuid}: its run record ${run.uuid} was cancelled (${run.localDirectory('cancelled')}); launch it again to compute it anew`);
  }
  if (await store.files.isCached(launch.location)) {
    // Computed by someone else while this run waited (in a queue): nothing left to do.
    console.log(`${item.module} ${item.uuid} is computed already; run record ${run.uuid} ends without computing it`);
    if ((await store.runs.markersAt(runLocation)).finished_at === undefined) await store.runs.writeMarkers(runLocation, ['finished_at']);
    return item;
  }
  // The dispatcher claimed the computation for this run record: the claim moves to this process,
  // unless another live holder computes the interface (then this process must not).
  if (!(await store.claims.takeHanded(launch.location, run.uuid))) {
    const holder = await store.claims.claimOf(launch.location);
    throw new MachinableError(
      `${item.module} ${item.uuid} is being computed by another process (${holder ? `${holder.host}, pid ${holder.pid}` : 'unknown'}); ` +
        `run record ${run.uuid} is left as it is (relaunch once that computation ended)`,
    );
  }
  launch.run = run;
  try {
    await computeRun(launch, { captureOutput: options.captureOutput });
  } finally {
    await store.claims.release(launch.location);
  }
  return item;
}

/** A stored record by id, or by directory (anything with a path separator). */
async function load(launcher: Launcher, ref: string): Promise<Interface> {
  const { hydrator, session } = launcher;
  if (ref.includes('/') || ref.includes('://')) return hydrator.fromLocation(ref.includes('://') ? ref : `file://${resolve(ref)}`);
  const found = await hydrator.byId(ref);
  if (!found) throw new RecordNotFoundError(`no record '${ref}' in the index of ${session.store.storage.root}; check the id (machinable ls), or pass the record's directory`);
  return found;
}
