import { HOST_FILE } from '../format/reserved-files.js';
import { InterfaceStateError, MachinableError } from '../kernel/errors.js';
import { heartbeatSeconds } from '../kernel/settings.js';
import { isThenable } from '../kernel/thenable.js';
import { hostInfoText } from '../store/host-info.js';
import { HANDLE, settleWrites } from '../interface/handle.js';
import { beating } from './heartbeats.js';
import { computingHere } from './termination.js';
import type { Launch } from './launch.js';
import { capturingOutput } from './output-capture.js';

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
 * The compute step every execution takes, in whichever process: mark the launch's run record
 * started (or resumed, when it was started before) and record the host, unless it was born so;
 * beat every `heartbeatSeconds()`; run the interface's hooks and `run()` (what they print also
 * kept in the run record's `output.log`); then mark the run finished and the interface computed
 * (`cached`). A run that throws has its error stored in the run record (`launch.failureStored`),
 * which is marked finished, and the error is rethrown.
 */
export async function computeRun(launch: Launch, options: ComputeOptions = {}): Promise<void> {
  const { item, run } = launch;
  const store = launch.session.store;
  const location = run?.record?.location;
  const stored = item.record;
  if (location === undefined || stored === undefined) throw new InterfaceStateError(`${item.module} ${item.uuid}: computed before its run record was made; an execution calls launch.protocol.startRun(launch, this) first`);
  if (!launch.runStarted) {
    const markers = await store.runs.markersAt(location);
    await store.runs.writeMarkers(location, [markers.started_at !== undefined ? 'resumed_at' : 'started_at', 'heartbeat_at']);
    await store.storage.writeFile(location, HOST_FILE, hostInfoText());
  }
  const stopBeating = beating(heartbeatSeconds() * 1000, () => store.runs.writeMarkers(location, ['heartbeat_at']));
  const noted = computingHere({
    what: `${item.module} ${item.uuid}`,
    run: run?.uuid ?? location,
    cancelled: () => store.runs.isCancelled(location),
    failure: () => store.runs.failure(location),
  });
  let computed = false;
  try {
    const handle = item[HANDLE];
    const compute = async (): Promise<void> => {
      handle.computing = true;
      try {
        // Hooks and run() are awaited only when they return a promise (see isThenable).
        for (const step of [item.onBeforeLaunch, item.run, item.onAfterLaunch]) {
          const pending: unknown = step.call(item);
          if (isThenable(pending)) await pending;
        }
        // Files an asynchronous storage is still writing belong to the run.
        if (handle.writes.size > 0) await settleWrites(handle);
      } finally {
        handle.computing = false;
      }
    };
    if (options.captureOutput === false) await compute();
    else await capturingOutput(store.storage, location, compute);
    computed = true;
    const finished = store.runs.writeMarkers(location, ['finished_at']);
    if (isThenable(finished)) await finished;
    const cached = store.files.setCached(stored, true, 'finished');
    if (isThenable(cached)) await cached;
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    try {
      await store.runs.finishWithFailure(location, failure);
    } catch (ending) {
      throw endNotWritten(launch, location, computed, failure, ending);
    }
    launch.failureStored = true;
    throw error;
  } finally {
    stopBeating();
    noted();
  }
}

/**
 * The error of a run whose end could not be written (`failure.json`, `finished_at`; a full disk,
 * say): what happened to the run, why its end is missing, and how it reads until it is launched
 * again (`died` once this process has ended, on this host at once).
 */
function endNotWritten(launch: Launch, location: string, computed: boolean, failure: Error, ending: unknown): MachinableError {
  const { item } = launch;
  const why = ending instanceof Error ? ending.message : String(ending);
  const what = computed ? `it computed, but marking it finished failed (${failure.message})` : `it failed (${failure.name}: ${failure.message})`;
  const error = new MachinableError(
    `${item.module} ${item.uuid}: the end of its run record ${launch.run?.uuid ?? ''} could not be written (${location}): ${what}, and storing that failed too (${why}). ` +
      'The run reads died once this process has ended; free the storage and launch it again to continue it.',
  );
  return Object.assign(error, { cause: failure });
}
