import type { RecordId, RecordModel, StoredRecord } from '../record/record.js';

/** Injection token of the `Storage` provider (tsyringe). */
export const STORAGE = Symbol.for('machinable.Storage');

/**
 * Where records live. The default provider, `@machinable/storage-fs`, keeps each record as a
 * directory `<root>/<uuid>/`; another adapter implements this interface and is registered with
 * `registerStorage()`. All methods are synchronous: interfaces read their files inline (`loss()`
 * reading `result.json`), and a local filesystem answers faster than a promise round-trip.
 */
export interface Storage {
  /** Human-readable root (a directory path for the filesystem storage). */
  readonly root: string;

  /**
   * Writes a new record with its first files, all or nothing: after a crash either the whole
   * record is there or none of it is. Throws if a record with that uuid exists.
   */
  create(id: RecordId, model: RecordModel, files: ReadonlyMap<string, Uint8Array>): StoredRecord;

  /** The record with this uuid, or undefined. Throws `CorruptRecordError` naming the bad file. */
  find(uuid: string): StoredRecord | undefined;

  /** Reads the record at a location (e.g. a directory path), which may lie outside `root`. */
  read(location: string): StoredRecord;

  /** uuids of every complete record; half-written ones (a crash mid-create) are skipped. */
  list(): Iterable<string>;

  /** Local directory of a record, for `localDirectory()` and files written by other tools. */
  directory(uuid: string): string;

  /** Writes a file inside a record atomically (temp + rename); nested paths are created. */
  writeFile(uuid: string, path: string, data: Uint8Array | string): void;

  /** A file of a record, or undefined when it does not exist. */
  readFile(uuid: string, path: string): Buffer | undefined;

  /** Appends one line (a newline is added) to a file of a record, creating it if needed. */
  appendLine(uuid: string, path: string, line: string): void;

  /**
   * Copies a record from a location outside storage (another store, a colleague's directory)
   * into storage and returns it as stored there; a record already in storage is returned as is.
   */
  adopt(location: string): StoredRecord;

  /** Deletes a record (used to discard the loser of a creation race). */
  remove(uuid: string): void;
}
