import { finishWithFailure, readMarkers, takeFreshRun, writeMarkers } from '../store/run-records.js';
import { RECORD } from '../store/record-state.js';
import { hostInfoText } from '../store/host-info.js';
import type { Interface } from '../interface/interface.js';
import { isThenable } from '../kernel/thenable.js';
import { HOST_FILE } from '../format/reserved-files.js';
import type { Execution } from './execution.js';
import { beating } from './heartbeats.js';
import { capturingOutput } from './output-capture.js';
import { heartbeatSeconds } from '../kernel/settings.js';

/** Options of {@link computeRun}. */
export interface ComputeOptions {
  /**
   * Copy what the run prints into its run record's `output.log` (default true). A scheduler's job
   * whose stdout and stderr already go to that file (`sbatch --output`) turns it off, or every
   * line would be there twice.
   */
  readonly captureOutput?: boolean;
}

/**
 * The compute protocol every execution follows, in whichever process: mark the run record
 * started (or resumed, when it was started before), record the host, beat every
 * `heartbeatSeconds()`, run the interface's hooks and `run()` (what they print is also kept in
 * the run record's `output.log`), then mark the run finished and the
 * interface computed (`cached`); or store the error in the run record, mark it finished, and
 * rethrow.
 */
export async function computeRun(item: Interface<object>, run: Execution<object>, options: ComputeOptions = {}): Promise<void> {
  const records = run[RECORD].records!;
  // A run record made here a moment ago was created started, with its host.json.
  if (!takeFreshRun(run)) {
    const resumed = readMarkers(records, run).started_at !== undefined;
    writeMarkers(records, run, resumed ? 'resumed_at' : 'started_at', 'heartbeat_at');
    records.storage.writeFile(run[RECORD].stored!.location, HOST_FILE, hostInfoText());
  }
  const stopBeating = beating(heartbeatSeconds() * 1000, () => writeMarkers(records, run, 'heartbeat_at'));
  try {
    const compute = async (): Promise<void> => {
      // Hooks and run() are awaited only when they return a promise (see isThenable).
      for (const step of [item.onBeforeLaunch, item.run, item.onAfterLaunch]) {
        const pending: unknown = step.call(item);
        if (isThenable(pending)) await pending;
      }
    };
    if (options.captureOutput === false) await compute();
    else await capturingOutput(records.storage, run[RECORD].stored!.location, compute);
    writeMarkers(records, run, 'finished_at');
    records.setCached(item, true, 'finished');
  } catch (error) {
    finishWithFailure(records, run, error instanceof Error ? error : new Error(String(error)));
    if (typeof error === 'object' && error !== null) storedFailures.add(error);
    throw error;
  } finally {
    stopBeating();
  }
}

const storedFailures = new WeakSet<object>();

/**
 * Whether `error` is a run's own error that `compute` stored in the run record's `failure.json`
 * (so whoever reads the run record learns of it: a child process need not print it too).
 */
export function isStoredFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && storedFailures.has(error);
}

