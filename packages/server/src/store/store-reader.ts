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
  type Records,
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
  constructor(readonly records: Records) {}

  /** The index row of a record id, hidden ones included. */
  row(uuid: string): IndexRow | undefined {
    return this.records.index.get(uuid);
  }

  /** The index row of a record id, or a 404. */
  rowOrThrow(uuid: string, what = 'Interface'): IndexRow {
    const row = /^[A-Za-z0-9_-]{1,128}$/.test(uuid) ? this.row(uuid) : undefined;
    if (!row) throw new HttpError(404, `${what} not found: no record ${uuid} in this project's index`);
    return row;
  }

  /** Rows matching a find request (the reference's find algebra; a bad request is a 400). */
  search(request: FindRequest): { items: IndexRow[]; total: number } {
    return this.records.index.search(request);
  }

  /** The record's run records (kind `Execution`, its children), newest first. */
  runs(recordId: string, limit = 100): IndexRow[] {
    return this.records.index.search({ parent_id: recordId, kind: 'Execution', limit, include_hidden: true }).items;
  }

  /** How many run records a record has. */
  runCount(recordId: string): number {
    return this.records.index.find({ parent_id: recordId, kind: 'Execution', limit: 1, include_hidden: true }).total;
  }

  /**
   * The status of a record and how many runs it has, from one index query and its latest run's
   * markers: a run record's own status; for another record, its latest run's, else `finished`
   * when it is marked computed, else `pending` (as `Records.statusOf` tells it).
   */
  runSummary(row: IndexRow): { status: RunStatus; count: number } {
    if (row.kind === 'Execution') return { status: this.runMarkers(row).status, count: 0 };
    const { items, total } = this.records.index.search({ parent_id: row.record_id, kind: 'Execution', limit: 1, include_hidden: true });
    const latest = items[0];
    if (latest && this.records.storage.exists(latest.storage_uri)) return { status: this.runMarkers(latest).status, count: total };
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
    if (!this.records.storage.exists(row.storage_uri)) return [];
    return (this.records.storage.files(row.storage_uri) as string[]).filter((path) => !path.split('/').some((segment) => segment.startsWith('.')));
  }

  /** A file's bytes (undefined when absent). */
  readBytes(row: IndexRow, path: string): Buffer | undefined {
    return this.records.storage.readFile(row.storage_uri, path) as Buffer | undefined;
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
    return this.records.storage.directory(row.storage_uri);
  }

  /** Where the storage keeps its records. */
  get storageRoot(): string {
    return this.records.project.storageRoot;
  }

  /** Relation rows of a record: those it holds, and (`inverse`) those pointing at it. */
  relations(recordId: string, inverse: boolean): RelationRow[] {
    return this.records.index.relations(recordId, { inverse });
  }
}
