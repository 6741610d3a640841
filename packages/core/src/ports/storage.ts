/** Injection token of the `Storage` provider (tsyringe). */
export const STORAGE = Symbol.for('machinable.Storage');

/** A record directory found by `Storage.walk()`. */
export interface WalkEntry {
  readonly location: string;
  /**
   * False for a directory that has an `id.json` but no `.machinable` sentinel (a copy that
   * skipped dot files): not a record to index, but one to report rather than lose from view.
   */
  readonly sentinel: boolean;
}

/**
 * Where record directories live. Core decides what goes into a record (`format/`); a storage
 * keeps directories of files at locations and makes every change all-or-nothing. Locations are
 * URIs the index stores as `storage_uri` (`file:///abs/path` for the filesystem storage).
 *
 * The default provider is `@machinable/storage-fs`; another adapter implements this interface
 * and is registered with `registerStorage()`. Methods are synchronous: interfaces read their
 * files inline (`loss()` reading `result.json`).
 */
export interface Storage {
  /** Human-readable root (a directory path for the filesystem storage). */
  readonly root: string;

  /** Identifies this storage in index rows (`storage_id`). */
  readonly id: string;

  /**
   * The location of a record with these path segments: inside `parent` (a location), or at the
   * root without one. Touches nothing. A segment that is not one plain name (empty, `.`, `..`, a
   * separator, a temporary name) is refused with an error naming it.
   */
  locate(segments: readonly string[], parent?: string): string;

  /**
   * Creates a record directory at `location` holding `files`, all or nothing: after a crash
   * either the whole directory is there or none of it. The sentinel (`.machinable`) is written
   * last. An empty directory at `location` (a writer that died after making it) may be replaced.
   *
   * @throws RecordExistsError when a record (or anything else) is already at `location`.
   */
  create(location: string, files: ReadonlyMap<string, Uint8Array | string>): void;

  /** A file of a record, or undefined when it does not exist. */
  readFile(location: string, path: string): Buffer | undefined;

  /**
   * Optional: true when a record has this file (empty or not), without reading it. Markers such
   * as `cached` are mostly asked about while absent, which `readFile` may answer slowly (the
   * filesystem storage's read throws and catches a missing file); without this method, core asks
   * `readFile` (see `hasFile`).
   */
  hasFile?(location: string, path: string): boolean;

  /**
   * Writes a file of a record atomically (temp + rename); nested paths are created.
   *
   * @throws RecordNotFoundError when there is no record at `location` (nothing is created then).
   */
  writeFile(location: string, path: string, data: Uint8Array | string): void;

  /**
   * Appends text to a file of a record, creating it if needed (edge log, `resumed_at`), in one
   * write, so that lines of concurrent appenders stay whole.
   *
   * @throws RecordNotFoundError when there is no record at `location`.
   */
  appendFile(location: string, path: string, text: string): void;

  /**
   * Creates a file of a record only if it does not exist yet, whole (never seen half-written):
   * true when this call created it, false when it was there already. What a claim on a record
   * is built on, so it must be atomic across processes (and machines, on a shared filesystem).
   *
   * @throws RecordNotFoundError when there is no record at `location`.
   */
  createFile(location: string, path: string, data: Uint8Array | string): boolean;

  /** Removes a file of a record; false when it was not there. */
  removeFile(location: string, path: string): boolean;

  /** The files of a record, the format's own included, as sorted paths relative to it (`a/b.json`); child records and temporaries excluded. */
  files(location: string): string[];

  /** True when a record directory (with its sentinel) is at `location`. */
  exists(location: string): boolean;

  /**
   * Every record directory under the root (or under `location`, itself included), nested ones
   * included, plus sentinel-less ones (see `WalkEntry`).
   */
  walk(location?: string): Iterable<WalkEntry>;

  /** The local directory of a location, for `localDirectory()` and tools that read files directly. */
  directory(location: string): string;

  /** Deletes a record directory and everything in it. */
  remove(location: string): void;

  /**
   * Optional: copies a record directory from a local path outside the storage to `location`, all
   * or nothing (what `importDirectory()` needs).
   */
  copyIn?(directory: string, location: string): void;
}

/**
 * Whether the record at `location` has the file `path`: the storage's `hasFile` when it has one,
 * else whether `readFile` finds it.
 *
 * @example
 * hasFile(storage, location, 'cached'); // true once the record is computed
 */
export function hasFile(storage: Storage, location: string, path: string): boolean {
  return storage.hasFile ? storage.hasFile(location, path) : storage.readFile(location, path) !== undefined;
}
