import { CACHED_FILE } from '../format/layout.js';
import { modelObject, type JsonObject } from '../format/model.js';
import { newRecordId } from '../format/record-id.js';
import type { StoredRecord } from '../format/record.js';
import { CANCELLED_FILE, FAILURE_FILE, HOST_FILE } from '../format/reserved-files.js';
import { runState, STATUS_MARKERS, type Markers, type StatusMarker } from '../format/run-state.js';
import { finishedRunStatus, type RunFailure, type RunStatus } from '../format/run-status.js';
import { dispatchStamp, isoTimestamp, nowNs, timestampNs } from '../format/timestamp.js';
import { encodeFile } from '../files/file-codecs.js';
import type { JsonValue } from '../json/json.js';
import { RecordExistsError } from '../kernel/errors.js';
import { settle, whenDone, type MaybePromise, type Steps } from '../kernel/maybe.js';
import { livenessWindowSeconds } from '../kernel/settings.js';
import type { Claim, Index, IndexRow } from '../ports/index.js';
import { hasFile, type Storage } from '../ports/storage.js';
import type { RecordDraft } from '../ports/store.js';
import { hostInfoText } from './host-info.js';
import { rowOf } from './index-row.js';
import { runProcessGone } from './run-process.js';
import { initialFiles } from './initial-files.js';
import { readStoredSteps } from './read-stored.js';
import { newRecord, recordSegments } from './record-model.js';

/** How many later seconds a run record's dispatch time may move to when its second is taken. */
const STAMP_ATTEMPTS = 60;

/** Options of {@link RunRecords.create}. */
export interface NewRunOptions {
  /** Handed to another process or a scheduler, which continues it: born `dispatched_at`, not started. */
  readonly dispatched?: boolean;
  /** What its predicate records as the run's resources. */
  readonly resources?: JsonValue;
  /** The interface has no run record yet (its claim is held since its creation): the latest is not looked up. */
  readonly firstRun?: boolean;
}

/** A run record to compute into: `minted` when made now, else the unfinished one continued. */
export interface RunRecord {
  readonly stored: StoredRecord;
  readonly minted: boolean;
  /** Made now to compute in this process: born started, with its `host.json`. */
  readonly started: boolean;
}

/**
 * The run records of interfaces: each computation is a child record of the interface (kind
 * `Execution`) whose identity is the execution's module and config and whose predicate key is
 * its dispatch time (`2026-01-01_120000`), as the reference writes them, holding the status
 * markers, the host and a failure's error.
 *
 * @example
 * const { stored } = await runs.create(item, executionDraft, { dispatched: true });
 * await runs.statusOf(stored.header.uuid, stored.location, 'Execution'); // 'pending'
 */
export class RunRecords {
  constructor(
    private readonly storage: Storage,
    private readonly index: Index,
  ) {}

  /**
   * Where a record's computation stands: for a run record, its own status; for another record,
   * its latest run's; without a run, `finished` when it is marked computed, else `pending`. Reads
   * markers only (no module is loaded).
   */
  statusOf(recordId: string, location: string, kind = 'Interface'): MaybePromise<RunStatus> {
    return settle(this.statusSteps(recordId, location, kind));
  }

  /** The status of the run record at a location (see `finishedRunStatus`). */
  statusAt(location: string, now: Date = new Date()): MaybePromise<RunStatus> {
    return settle(this.statusAtSteps(location, now));
  }

  /** A run record's status markers as they are (empty ones, a write cut short, left out). */
  markersAt(location: string): MaybePromise<Markers> {
    return settle(this.markersSteps(location));
  }

  /** Writes status markers, all with the time now, then `updated_at` once; `resumed_at` gains a line per resume. */
  writeMarkers(location: string, markers: readonly StatusMarker[]): MaybePromise<void> {
    const [only] = markers;
    // One marker (finished_at, a heartbeat): two writes chained, without a generator.
    if (markers.length === 1 && only !== 'resumed_at') {
      const now = isoTimestamp();
      return whenDone(this.storage.writeFile(location, only!, now), () => this.storage.writeFile(location, 'updated_at', now));
    }
    return settle(this.writeMarkersSteps(location, markers));
  }

  /** The row of a record's latest run record (its newest child of kind `Execution`). */
  latest(recordId: string): MaybePromise<IndexRow | undefined> {
    return this.index.latest(recordId, 'Execution');
  }

  /** Every run record of a record, oldest first. */
  all(recordId: string): MaybePromise<IndexRow[]> {
    return this.index.all({ parent_id: recordId, kind: 'Execution', include_hidden: true, sort: [{ by: 'created_at_ns', direction: 'asc' }] });
  }

  /**
   * A run record of the interface `parent` for an execution (`draft`), or the interface's latest
   * run record when that one is unfinished and of the same execution identity (a run that died,
   * or one dispatched and not started yet): the reference resumes it in place.
   */
  create(parent: StoredRecord, draft: RecordDraft, options: NewRunOptions = {}): MaybePromise<RunRecord> {
    return settle(this.createSteps(parent, draft, options));
  }

  /** The error a run record stored, if it failed. */
  failure(location: string): MaybePromise<RunFailure | undefined> {
    return settle(this.failureSteps(location));
  }

  /** Ends a run record with an error: `failure.json` (name, message, stack, time), then `finished_at`. */
  finishWithFailure(location: string, error: { readonly name: string; readonly message: string; readonly stack?: string }): MaybePromise<void> {
    return settle(this.failSteps(location, error));
  }

  /**
   * Marks a run record cancelled: the `cancelled` marker, the reason as its failure
   * (`RunCancelled`), then `finished_at`; it reads as `cancelled` from then on.
   */
  markCancelled(location: string, message: string): MaybePromise<void> {
    return settle(this.cancelSteps(location, message));
  }

  /** True when a run record was cancelled (it has the `cancelled` marker). */
  isCancelled(location: string): MaybePromise<boolean> {
    return hasFile(this.storage, location, CANCELLED_FILE);
  }

  *statusSteps(recordId: string, location: string, kind: string): Steps<RunStatus> {
    if (kind === 'Execution') return yield* this.statusAtSteps(location, new Date());
    const run = (yield this.index.latest(recordId, 'Execution')) as IndexRow | undefined;
    if (run && ((yield this.storage.exists(run.storage_uri)) as boolean)) return yield* this.statusAtSteps(run.storage_uri, new Date());
    return ((yield hasFile(this.storage, location, CACHED_FILE)) as boolean) ? 'finished' : 'pending';
  }

  *statusAtSteps(location: string, now: Date): Steps<RunStatus> {
    const state = runState(yield* this.markersSteps(location), now, livenessWindowSeconds());
    if (state === 'live') return runProcessGone((yield this.storage.readFile(location, HOST_FILE)) as Buffer | undefined) ? 'died' : 'live';
    if (state !== 'finished') return state;
    const failed = (yield hasFile(this.storage, location, FAILURE_FILE)) as boolean;
    const cancelled = (yield hasFile(this.storage, location, CANCELLED_FILE)) as boolean;
    return finishedRunStatus(failed, cancelled);
  }

  *markersSteps(location: string): Steps<Markers> {
    const markers: Record<string, string> = {};
    for (const marker of STATUS_MARKERS) {
      const text = ((yield this.storage.readFile(location, marker)) as Buffer | undefined)?.toString('utf8');
      if (text !== undefined && text.trim() !== '') markers[marker] = text;
    }
    return markers as Markers;
  }

  *writeMarkersSteps(location: string, markers: readonly StatusMarker[]): Steps<void> {
    const now = isoTimestamp();
    for (const marker of markers) {
      if (marker === 'resumed_at') yield this.storage.appendFile(location, marker, `${now}\n`);
      else yield this.storage.writeFile(location, marker, now);
    }
    yield this.storage.writeFile(location, 'updated_at', now);
  }

  *failSteps(location: string, error: { readonly name: string; readonly message: string; readonly stack?: string }): Steps<void> {
    const stored: RunFailure = { name: error.name, message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}), at: new Date().toISOString() };
    yield this.storage.writeFile(location, FAILURE_FILE, encodeFile(FAILURE_FILE, stored));
    yield* this.writeMarkersSteps(location, ['finished_at']);
  }

  private *cancelSteps(location: string, message: string): Steps<void> {
    yield this.storage.writeFile(location, CANCELLED_FILE, isoTimestamp());
    yield* this.failSteps(location, { name: 'RunCancelled', message });
  }

  private *failureSteps(location: string): Steps<RunFailure | undefined> {
    const bytes = (yield this.storage.readFile(location, FAILURE_FILE)) as Buffer | undefined;
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as RunFailure;
    } catch {
      return undefined; // a failure.json cut short by a crash
    }
  }

  private *createSteps(parent: StoredRecord, draft: RecordDraft, options: NewRunOptions): Steps<RunRecord> {
    if (!options.firstRun) {
      const latest = (yield this.index.latest(parent.header.uuid, 'Execution')) as IndexRow | undefined;
      if (latest && latest.identity_key === draft.identityKey && ((yield this.storage.exists(latest.storage_uri)) as boolean)) {
        const markers = yield* this.markersSteps(latest.storage_uri);
        if (markers.finished_at === undefined) return { stored: yield* readStoredSteps(this.storage, latest.storage_uri), minted: false, started: false };
      }
    }
    for (let attempt = 0; ; attempt++) {
      const stamp = dispatchStamp(Date.now() + attempt * 1000);
      const created = nowNs();
      const predicate: JsonObject = { resources: options.resources ?? null, started_at: stamp };
      const { header, model } = newRecord(draft, { id: newRecordId(), parent: parent.header.uuid, created, predicateKey: stamp, predicate });
      const updatedAt = isoTimestamp(created);
      const files = initialFiles(header, model, updatedAt);
      if (options.dispatched) {
        files.set('dispatched_at', updatedAt);
      } else {
        // Computed here, from now: the record is born started, with its host.
        files.set('started_at', updatedAt);
        files.set('heartbeat_at', updatedAt);
        files.set(HOST_FILE, hostInfoText());
      }
      const location = this.storage.locate(recordSegments(header), parent.location);
      const row = rowOf({ header, model, location, updatedAtNs: timestampNs(updatedAt), storageId: this.storage.id });
      try {
        yield this.index.claim(row, () => this.storage.create(location, files), { force: true }) as MaybePromise<Claim>;
      } catch (error) {
        // Another run of this interface was dispatched in the same second: take the next one.
        if (error instanceof RecordExistsError && attempt < STAMP_ATTEMPTS) continue;
        throw error;
      }
      const stored: StoredRecord = { header, model, modelJson: modelObject(model), location, updatedAtNs: row.updated_at_ns };
      return { stored, minted: true, started: !options.dispatched };
    }
  }
}
