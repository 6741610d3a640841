import {
  CACHED_FILE,
  CANCELLED_FILE,
  FAILURE_FILE,
  finishedRunStatus,
  livenessWindowSeconds,
  runState,
  STATUS_MARKERS,
  type FindRequest,
  type IndexRow,
  type Markers,
  type RecordStore,
  now,
  type RelationRow,
  type RunStatus,
} from '@machinable/core';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError } from '../errors.js';

/** A run record's status and its markers' times (ISO-8601 text as stored, `undefined` when unset). */
export interface RunMarkers {
  readonly status: RunStatus;
  readonly markers: Markers;
}

/**
 * Read-only access to a project's store for the server: index rows, status markers, files and
 * relations, read as they are and never written. It goes around the parts of `Records` that
 * repair as they read (a row whose directory is gone is dropped from the index by `readRow`):
 * viewing a store must not change it.
 *
 * @example
 * const reader = new StoreReader(await project.records());
 * reader.row('q3ZxM0bT9aKe')?.module;
 */
export class StoreReader {
  constructor(
    readonly store: RecordStore,
    /** Where the storage keeps its records. */
    readonly storageRoot: string,
  ) {}

  /** The index row of a record id, hidden ones included. */
  row(uuid: string): IndexRow | undefined {
    return now(this.store.index.get(uuid), 'the dashboard', 'a synchronous index');
  }

  /** The index row of a record id, or a 404. */
  rowOrThrow(uuid: string, what = 'Interface'): IndexRow {
    const row = /^[A-Za-z0-9_-]{1,128}$/.test(uuid) ? this.row(uuid) : undefined;
    if (!row) throw new HttpError(404, `${what} not found: no record ${uuid} in this project's index`);
    return row;
  }

  /** Rows matching a find request (the reference's find algebra; a bad request is a 400). */
  search(request: FindRequest): { items: IndexRow[]; total: number } {
    return now(this.store.index.search(request), 'the dashboard', 'a synchronous index');
  }

  /** The record's run records (kind `Execution`, its children), newest first. */
  runs(recordId: string, limit = 100): IndexRow[] {
    return now(this.store.index.search({ parent_id: recordId, kind: 'Execution', limit, include_hidden: true }), 'the dashboard', 'a synchronous index').items;
  }

  /** How many run records a record has. */
  runCount(recordId: string): number {
    return now(this.store.index.find({ parent_id: recordId, kind: 'Execution', limit: 1, include_hidden: true }), 'the dashboard', 'a synchronous index').total;
  }

  /**
   * The status of a record and how many runs it has, from one index query and its latest run's
   * markers: a run record's own status; for another record, its latest run's, else `finished`
   * when it is marked computed, else `pending` (as `Records.statusOf` tells it).
   */
  runSummary(row: IndexRow): { status: RunStatus; count: number } {
    if (row.kind === 'Execution') return { status: this.runMarkers(row).status, count: 0 };
    const { items, total } = now(this.store.index.search({ parent_id: row.record_id, kind: 'Execution', limit: 1, include_hidden: true }), 'the dashboard', 'a synchronous index');
    const latest = items[0];
    if (latest && now(this.store.storage.exists(latest.storage_uri), 'the dashboard', 'a synchronous storage')) return { status: this.runMarkers(latest).status, count: total };
    return { status: this.cached(row) ? 'finished' : 'pending', count: total };
  }

  /** The status of a record (see `runSummary`). */
  status(row: IndexRow): RunStatus {
    return this.runSummary(row).status;
  }

  /**
   * A run record's markers and status. The directory is listed once and only the markers it
   * holds are read (a missing file costs a thrown error per read).
   */
  runMarkers(row: IndexRow, now: Date = new Date()): RunMarkers {
    let present: Set<string>;
    try {
      present = new Set(readdirSync(this.directory(row)));
    } catch {
      present = new Set();
    }
    const markers: Record<string, string> = {};
    for (const marker of STATUS_MARKERS) {
      if (!present.has(marker)) continue;
      const text = this.readText(row, marker);
      if (text !== undefined && text.trim() !== '') markers[marker] = text.trim();
    }
    const state = runState(markers, now, livenessWindowSeconds());
    const status: RunStatus = state === 'finished' ? finishedRunStatus(present.has(FAILURE_FILE), present.has(CANCELLED_FILE)) : state;
    return { status, markers };
  }

  /** True once the record is computed (its `cached` marker exists). */
  cached(row: IndexRow): boolean {
    return this.readBytes(row, CACHED_FILE) !== undefined;
  }

  /** The record's own files (no child records), without dot files (as the reference lists them). */
  files(row: IndexRow): string[] {
    if (!now(this.store.storage.exists(row.storage_uri), 'the dashboard', 'a synchronous storage')) return [];
    return now(this.store.storage.files(row.storage_uri), 'the dashboard', 'a synchronous storage').filter((path) => !path.split('/').some((segment) => segment.startsWith('.')));
  }

  /** A file's bytes (undefined when absent). */
  readBytes(row: IndexRow, path: string): Buffer | undefined {
    return now(this.store.storage.readFile(row.storage_uri, path), 'the dashboard', 'a synchronous storage');
  }

  /** True when the record has the file (its bytes are not read). */
  hasFile(row: IndexRow, path: string): boolean {
    return existsSync(join(this.directory(row), path));
  }

  /** A file as UTF-8 text (undefined when absent). */
  readText(row: IndexRow, path: string): string | undefined {
    return this.readBytes(row, path)?.toString('utf8');
  }

  /** The record's local directory. */
  directory(row: IndexRow): string {
    return this.store.storage.directory(row.storage_uri);
  }


  /** Relation rows of a record: those it holds, and (`inverse`) those pointing at it. */
  relations(recordId: string, inverse: boolean): RelationRow[] {
    return now(this.store.index.relations(recordId, { inverse }), 'the dashboard', 'a synchronous index');
  }
}
