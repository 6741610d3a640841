import { RecordExistsError } from '../kernel/errors.js';
import { syncNow } from '../kernel/sync-now.js';
import type { RecordHeader } from '../format/header.js';
import type { JsonValue } from '../json/json.js';
import { pathSegment } from '../format/keys.js';
import { FORMAT_VERSION } from '../format/layout.js';
import { modelObject, type JsonObject } from '../format/model.js';
import { newRecordId } from '../format/record-id.js';
import { runState, STATUS_MARKERS, type Markers, type StatusMarker } from '../format/run-state.js';
import { hasFile, type Storage } from '../ports/storage.js';
import { livenessWindowSeconds } from '../kernel/settings.js';
import { dispatchStamp, isoTimestamp, nowNs, timestampNs } from '../format/timestamp.js';
import { rowOf } from './index-row.js';
import { resolutionOf, restoreElement } from '../interface/element.js';
import type { Interface, RunFailure, RunStatus } from '../interface/interface.js';
import { CANCELLED_FILE, FAILURE_FILE, HOST_FILE } from '../format/reserved-files.js';
import { hostInfoText } from './host-info.js';
import { encodeFile } from '../files/file-codecs.js';
import type { Execution } from '../execution/execution.js';
import { recordFiles } from './record-files.js';
import { RECORD, storedOf } from './record-state.js';
import type { Records } from './records.js';

/** How many later seconds a run record's dispatch time may move to when its second is taken. */
const STAMP_ATTEMPTS = 60;

/**
 * A run record of `item` for `execution`: a child record of the interface (kind `Execution`)
 * whose identity is the execution's module and config and whose predicate key is its dispatch
 * time (`2026-01-01_120000`), as the reference writes them. The interface's latest run record
 * is continued instead when it is unfinished and of the same execution identity (a run that
 * died, or one dispatched and not started yet): the reference resumes it in place.
 *
 * With `dispatched`, the record starts with a `dispatched_at` marker (a pool or a scheduler hands
 * it to another process, which continues it). `resources` are what its predicate records as the
 * run's resources (default: the execution's own, `execution.resources`). With `firstRun`, the
 * caller knows the interface has no run record yet (it has held its claim since creating it), and
 * the latest one is not looked up.
 */
export function startRun<E extends Execution>(
  records: Records,
  item: Interface<object>,
  execution: E,
  options: { readonly dispatched?: boolean; readonly resources?: JsonObject | null; readonly firstRun?: boolean } = {},
): E {
  const latest = options.firstRun ? undefined : item.execution;
  if (latest && latest.identityKey === execution.identityKey && latest.finishedAt() === undefined) {
    return latest as E;
  }
  const parent = storedOf(item);
  const resolution = resolutionOf(execution);
  const resources = ((options.resources !== undefined ? options.resources : execution.resources) ?? null) as JsonValue;
  for (let attempt = 0; ; attempt++) {
    const stamp = dispatchStamp(Date.now() + attempt * 1000);
    const created = nowNs();
    const header: RecordHeader = {
      format: FORMAT_VERSION,
      uuid: newRecordId(),
      kind: 'Execution',
      identity_key: execution.identityKey,
      predicate_key: stamp,
      parent: parent.header.uuid,
    };
    const model = records.modelOf(execution, header, created, { predicate: { resources, started_at: stamp }, context: [] });
    const updatedAt = isoTimestamp(created);
    const files = recordFiles(header, model, updatedAt);
    if (options.dispatched) {
      files.set('dispatched_at', updatedAt);
    } else {
      // Computed here, from now: the record is born started, with its host.
      files.set('started_at', updatedAt);
      files.set('heartbeat_at', updatedAt);
      files.set(HOST_FILE, hostInfoText());
    }
    const location = records.storage.locate([pathSegment(header.identity_key), pathSegment(stamp)], parent.location);
    const row = rowOf({ header, model, location, updatedAtNs: timestampNs(updatedAt), storageId: records.storage.id });
    try {
      records.index.claim(row, () => records.storage.create(location, files), { force: true });
    } catch (error) {
      // Another run of this interface was dispatched in the same second: take the next one.
      if (error instanceof RecordExistsError && attempt < STAMP_ATTEMPTS) continue;
      throw error;
    }
    const run = new (execution.constructor as new () => E)();
    restoreElement(run, execution.module, resolution);
    run[RECORD].records = records;
    records.bind(run, { header, model, modelJson: modelObject(model), location, updatedAtNs: row.updated_at_ns }, false);
    if (!options.dispatched) freshRuns.add(run);
    mintedRuns.add(run);
    return run;
  }
}

const freshRuns = new WeakSet<object>();
const mintedRuns = new WeakSet<object>();

/** True when `startRun` made this run record (rather than continuing an unfinished one). */
export function wasMinted(run: object): boolean {
  return mintedRuns.has(run);
}

/**
 * True (once) for a run record `startRun` just made to compute in this process: it was created
 * started (`started_at`, `heartbeat_at`) and with its `host.json`, so the compute protocol need
 * not read or write them.
 */
export function takeFreshRun(run: object): boolean {
  return freshRuns.delete(run);
}

/**
 * Writes status markers of a run record, all with the time now, then its `updated_at` once.
 * `resumed_at` gains a line per resume; the others are overwritten.
 */
export function writeMarkers(records: Records, run: Interface<object>, ...markers: StatusMarker[]): void {
  const { location } = storedOf(run);
  const now = isoTimestamp();
  for (const marker of markers) {
    if (marker === 'resumed_at') records.storage.appendFile(location, marker, `${now}\n`);
    else records.storage.writeFile(location, marker, now);
  }
  records.storage.writeFile(location, 'updated_at', now);
}

/** A run record's status markers as they are on disk (empty ones, a write cut short, are left out). */
export function readMarkers(records: Records, run: Interface<object>): Markers {
  return readMarkersAt(records.storage, storedOf(run).location);
}

/** The status markers of the run record at a location. */
export function readMarkersAt(storage: Storage, location: string): Markers {
  const markers: Record<string, string> = {};
  for (const marker of STATUS_MARKERS) {
    const text = storage.readFile(location, marker)?.toString('utf8');
    if (text !== undefined && text.trim() !== '') markers[marker] = text;
  }
  return markers as Markers;
}

/**
 * The status of a run record at a location: the format's run state from its markers, with a
 * finished run that was cancelled told apart as `cancelled` and one that stored an error as
 * `failed`.
 */
export function runStatusAt(storage: Storage, location: string, now: Date = new Date()): RunStatus {
  const state = runState(readMarkersAt(storage, location), now, livenessWindowSeconds());
  if (state !== 'finished') return state;
  return finishedRunStatus(syncNow(hasFile(storage, location, FAILURE_FILE)), syncNow(hasFile(storage, location, CANCELLED_FILE)));
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

/**
 * Ends a run record with an error: `failure.json` (name, message, stack, time), then
 * `finished_at`, so that whoever reads the record finds the error once it reads as finished.
 */
export function finishWithFailure(records: Records, run: Interface<object>, error: { readonly name: string; readonly message: string; readonly stack?: string }): void {
  const stored: RunFailure = { name: error.name, message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}), at: new Date().toISOString() };
  records.storage.writeFile(storedOf(run).location, FAILURE_FILE, encodeFile(FAILURE_FILE, stored));
  writeMarkers(records, run, 'finished_at');
}

/**
 * Marks a run record cancelled: the `cancelled` marker (the time), the reason as its failure
 * (`RunCancelled`), then `finished_at`; it reads as `cancelled` from then on, and a later launch
 * makes a new run record rather than continuing it.
 */
export function markCancelled(records: Records, run: Interface<object>, message: string): void {
  records.storage.writeFile(storedOf(run).location, CANCELLED_FILE, isoTimestamp());
  finishWithFailure(records, run, { name: 'RunCancelled', message });
}

/** True when a run record was cancelled (it has the `cancelled` marker). */
export function isCancelledAt(storage: Storage, location: string): boolean {
  return syncNow(hasFile(storage, location, CANCELLED_FILE));
}
