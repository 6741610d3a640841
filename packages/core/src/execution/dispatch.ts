import { resolve } from 'node:path';
import { MachinableError, RecordNotFoundError, RunCancelledError } from '../kernel/errors.js';
import type { Interface } from '../interface/interface.js';
import type { Records } from '../store/records.js';
import { Project } from '../project/project.js';
import { computeRun } from './compute.js';
import { claimOf, releaseClaim, takeHandedClaim } from '../store/claims.js';
import { RECORD } from '../store/record-state.js';
import { CANCELLED_FILE } from '../format/reserved-files.js';
import { isCancelledAt, readMarkers, writeMarkers } from '../store/run-records.js';
import { Execution } from './execution.js';

/** Options of {@link dispatch}. */
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
}

/**
 * Computes a stored record in this process: loads it (by record id, or by directory), imports its
 * module and runs it, unless it is computed already. The one entry point behind `machinable
 * dispatch`, `Multiprocess` and cluster backends; with `run`, it continues the run record the
 * dispatcher made (reading both records from their directories, so it needs no index entry).
 *
 * @example
 * await project('/research').within(() => dispatch('q3ZxM0bT9aKe'));
 */
export async function dispatch(target: string, options: DispatchOptions = {}): Promise<Interface> {
  const records = await Project.current().records();
  const item = await load(records, target);
  if (options.run !== undefined) {
    const run = await load(records, options.run);
    if (!(run instanceof Execution)) throw new RecordNotFoundError(`${options.run} is not a run record (an Execution record)`);
    const location = run[RECORD].stored!.location;
    if (isCancelledAt(records.storage, location)) {
      throw new RunCancelledError(`${item.module} ${item.uuid}: its run record ${run.uuid} was cancelled (${run.localDirectory(CANCELLED_FILE)}); launch it again to compute it anew`);
    }
    if (item.cached()) {
      // Computed by someone else while this run waited (in a queue): nothing left to do.
      console.log(`${item.module} ${item.uuid} is computed already; run record ${run.uuid} ends without computing it`);
      if (readMarkers(records, run).finished_at === undefined) writeMarkers(records, run, 'finished_at');
      return item;
    }
    // The dispatcher claimed the computation for this run record: the claim moves to this process,
    // unless another live holder computes the interface (then this process must not).
    if (!takeHandedClaim(records, item, run.uuid)) {
      const holder = claimOf(records, item);
      throw new MachinableError(
        `${item.module} ${item.uuid} is being computed by another process (${holder ? `${holder.host}, pid ${holder.pid}` : 'unknown'}); ` +
          `run record ${run.uuid} is left as it is (relaunch once that computation ended)`,
      );
    }
    try {
      await computeRun(item, run, { captureOutput: options.captureOutput });
    } finally {
      releaseClaim(records, item);
    }
    return item;
  }
  if (!item.cached()) await new Execution().dispatch([item]);
  return item;
}

/** A stored record by id, or by directory (anything with a path separator). */
async function load(records: Records, ref: string): Promise<Interface> {
  if (ref.includes('/') || ref.includes('://')) return records.fromLocation(ref.includes('://') ? ref : `file://${resolve(ref)}`);
  const found = await records.byId(ref);
  if (!found) throw new RecordNotFoundError(`no record '${ref}' in the index of ${records.storage.root}; check the id (machinable ls), or pass the record's directory`);
  return found;
}
