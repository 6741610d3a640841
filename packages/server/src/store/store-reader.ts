import {
  CANCELLED_FILE,
  FAILURE_FILE,
  findFailure,
  finishedRunStatus,
  hasFile,
  HOST_FILE,
  livenessWindowSeconds,
  runProcessGone,
  runState,
  STATUS_MARKERS,
  type FindRequest,
  type FindResult,
  type IndexRow,
  type Markers,
  type RecordStore,
  type RelationRow,
  type RunStatus,
} from '@machinable/core';
import { HttpError } from '../errors.js';
import { recordFile } from '../security/safe-path.js';
import { shownFiles } from '../security/shown-files.js';

/** A run record's status and its markers' times (ISO-8601 text as stored, `undefined` when unset). */
export interface RunMarkers {
  readonly status: RunStatus;
  readonly markers: Markers;
}

/**
 * Read-only access to a project's store for the server: index rows, status markers, files and
 * relations, read through the store's contracts (`Storage`, `Index`, and the record files above them)
 * and never written. Every answer is awaited, so any storage or index adapter a project declares
 * serves, one that answers asynchronously included. It goes around the parts of the record store
 * that repair as they read (`readRow` drops a row whose directory is gone): viewing a store must
 * not change it.
 *
 * @example
 * const reader = new StoreReader((await project.session()).store);
 * (await reader.row('q3ZxM0bT9aKe'))?.module;
 */
export class StoreReader {
  constructor(readonly store: RecordStore) {}

  /** The index row of a record id, hidden ones included. */
  async row(uuid: string): Promise<IndexRow | undefined> {
    return this.store.index.get(uuid);
  }

  /** The index row of a record id, or a 404. */
  async rowOrThrow(uuid: string, what = 'Interface'): Promise<IndexRow> {
    const row = /^[A-Za-z0-9_-]{1,128}$/.test(uuid) ? await this.row(uuid) : undefined;
    if (!row) throw new HttpError(404, `${what} not found: no record ${uuid} in this project's index`);
    return row;
  }

  /** Rows matching a find request (the reference's find algebra; a bad request is a 400). */
  async search(request: FindRequest): Promise<FindResult<IndexRow>> {
    try {
      return await this.store.index.search(request);
    } catch (error) {
      throw findFailure(error);
    }
  }

  /** The record's run records (kind `Execution`, its children), newest first. */
  async runs(recordId: string, limit = 100): Promise<IndexRow[]> {
    return (await this.store.index.search({ parent_id: recordId, kind: 'Execution', limit, include_hidden: true })).items;
  }

  /** How many run records a record has. */
  async runCount(recordId: string): Promise<number> {
    return (await this.store.index.find({ parent_id: recordId, kind: 'Execution', limit: 1, include_hidden: true })).total;
  }

  /**
   * The status of a record and how many runs it has, from one index query and its latest run's
   * markers: a run record's own status; for another record, its latest run's, else `finished`
   * when it is marked computed, else `pending` (as `RunLog.statusOf` tells it).
   */
  async runSummary(row: IndexRow): Promise<{ status: RunStatus; count: number }> {
    if (row.kind === 'Execution') return { status: (await this.runMarkers(row)).status, count: 0 };
    const { items, total } = await this.store.index.search({ parent_id: row.record_id, kind: 'Execution', limit: 1, include_hidden: true });
    const latest = items[0];
    if (latest && (await this.store.storage.exists(latest.storage_uri))) return { status: (await this.runMarkers(latest)).status, count: total };
    return { status: (await this.cached(row)) ? 'finished' : 'pending', count: total };
  }

  /** The status of a record (see `runSummary`). */
  async status(row: IndexRow): Promise<RunStatus> {
    return (await this.runSummary(row)).status;
  }

  /**
   * A run record's markers (trimmed) and status, as `RunLog.statusAt` tells it, from one listing of
   * its files (`Storage.files`) and a read of each marker it holds: a marker, `failure.json` or
   * `cancelled` the listing does not hold is not read (a read of a missing file costs the
   * filesystem storage a thrown error, and a remote one a round trip).
   */
  async runMarkers(row: Pick<IndexRow, 'storage_uri'>, now: Date = new Date()): Promise<RunMarkers> {
    const { storage } = this.store;
    const location = row.storage_uri;
    const present = new Set(await storage.files(location));
    const markers: Record<string, string> = {};
    const texts = await Promise.all(STATUS_MARKERS.map(async (marker) => (present.has(marker) ? (await storage.readFile(location, marker))?.toString('utf8').trim() : undefined)));
    STATUS_MARKERS.forEach((marker, i) => {
      const text = texts[i];
      if (text !== undefined && text !== '') markers[marker] = text;
    });
    let state = runState(markers, now, livenessWindowSeconds());
    if (state === 'live' && present.has(HOST_FILE) && runProcessGone(await storage.readFile(location, HOST_FILE))) state = 'died';
    return { status: state === 'finished' ? finishedRunStatus(present.has(FAILURE_FILE), present.has(CANCELLED_FILE)) : state, markers };
  }

  /** True once the record is computed (its `cached` marker exists). */
  async cached(row: IndexRow): Promise<boolean> {
    return this.store.files.isCached(row.storage_uri);
  }

  /**
   * The files the server shows of a record (see `shownFiles`): its own (no child records), without
   * dot files, as the reference lists them, and none that a symlink takes out of the record.
   */
  async files(row: IndexRow): Promise<string[]> {
    const { storage } = this.store;
    if (!(await storage.exists(row.storage_uri))) return [];
    return shownFiles(await storage.files(row.storage_uri));
  }

  /**
   * The bytes of a file a request names, if it is one the server shows (see `files`), else a 404
   * `HttpError`: the path must be among the files the storage lists for the record (so nothing
   * outside it can be named), and be shown. Only the one path is judged, not the whole list. A
   * file larger than the storage reads at once (the filesystem storage reads into one buffer, 2 GB
   * at most) is a 413.
   */
  async shownFile(row: IndexRow, requested: string): Promise<Buffer> {
    const { storage } = this.store;
    const path = recordFile(requested, (await storage.exists(row.storage_uri)) ? await storage.files(row.storage_uri) : []);
    let bytes: Buffer | undefined;
    try {
      bytes = shownFiles([path]).length === 1 ? await this.readBytes(row, path) : undefined;
    } catch (error) {
      if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_FS_FILE_TOO_LARGE') {
        throw new HttpError(413, `${requested} is too large to be read through the project's storage; open it where it is stored (${this.directory(row)})`);
      }
      throw error;
    }
    if (bytes === undefined) throw new HttpError(404, `File not found: ${requested}`);
    return bytes;
  }

  /**
   * The bytes of a file named by a client without a listing (a search's `result.json:loss`
   * column): undefined when absent or not one the server shows (a dot file, a symlink out of the
   * record; see `shownFiles`).
   */
  async readShown(row: IndexRow, path: string): Promise<Buffer | undefined> {
    return shownFiles([path]).length === 1 ? this.readBytes(row, path) : undefined;
  }

  /** A file's bytes (undefined when absent). */
  async readBytes(row: IndexRow, path: string): Promise<Buffer | undefined> {
    return this.store.storage.readFile(row.storage_uri, path);
  }

  /** True when the record has the file (its bytes are not read when the storage can tell without). */
  async hasFile(row: IndexRow, path: string): Promise<boolean> {
    return hasFile(this.store.storage, row.storage_uri, path);
  }

  /** A file as UTF-8 text (undefined when absent). */
  async readText(row: IndexRow, path: string): Promise<string | undefined> {
    return (await this.readBytes(row, path))?.toString('utf8');
  }

  /** Where the record's files are, for a person to read (a local directory, or the storage's location): never read from here. */
  directory(row: IndexRow): string {
    return this.store.storage.directory(row.storage_uri);
  }

  /** Relation rows of a record: those it holds, and (`inverse`) those pointing at it. */
  async relations(recordId: string, inverse: boolean): Promise<RelationRow[]> {
    return this.store.index.relations(recordId, { inverse });
  }
}
