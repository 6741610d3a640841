import type { MaybePromise } from '../kernel/maybe.js';
import { isThenable } from '../kernel/thenable.js';

/**
 * Injection token of the `Storage` provider in a project's container.
 *
 * @example
 * class Train extends Interface { constructor(@inject(STORAGE) readonly storage: Storage) { super(); } }
 */
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
 * Where record directories live: the contract a storage adapter implements, complete. Core
 * decides what a record holds (`format/`, the same for every adapter); a storage keeps
 * directories of files at locations, and makes each change all-or-nothing. Locations are strings
 * the index keeps as `storage_uri` (`file:///abs/path` for the filesystem storage); a location
 * names a record directory, and the record's files are named by paths relative to it
 * (`result.json`, `plots/loss.svg`).
 *
 * **Answers now or later.** Every method that touches the store may return its answer or a
 * promise of it (`MaybePromise`), so an adapter over a remote service can be written; core awaits
 * a promise and takes a plain answer at once (the filesystem storage answers at once, which keeps
 * a launch free of promises). `locate()` and `directory()` are pure and answer at once.
 *
 * **Errors** (classes of `@machinable/core/storage`), each required where named:
 * - `RecordExistsError`: `create()`/`copyIn()` at a location where a record, or anything else, is.
 * - `RecordNotFoundError`: `writeFile()`, `appendFile()`, `createFile()` of a location without a
 *   record (nothing is created then: a write never makes a record appear).
 * - `RecordPathError`: a path that is absolute, empty, escapes the record (`..`), names a
 *   temporary entry, or (for a write) names `.machinable` or `id.json`, which are fixed at
 *   creation; and a `locate()` segment that is not one plain name.
 * Anything else (a full disk, a refused permission, a lost connection) is the adapter's own error,
 * whose message names the location and the fix.
 *
 * **Atomicity**: `create()` is all or nothing, also across a crash (a reader sees the whole record
 * or none; `exists()` is true only for a whole one); `writeFile()` replaces a file whole (a reader
 * sees the old bytes or the new); `appendFile()` appends in one write, so the lines of concurrent
 * appenders stay whole; `createFile()` creates a file only if it is absent, atomically across
 * processes and machines sharing the store: the claim that one run is computed once rests on it.
 *
 * `@machinable/storage-kit` checks all of this against an adapter (`describeStorageConformance`).
 * The default adapter is `@machinable/storage-fs`; another is declared as a project's storage
 * provider (see `docs/plugins.md`).
 */
export interface Storage {
  /** Human-readable root (a directory path for the filesystem storage), for messages. */
  readonly root: string;

  /** Identifies this storage in index rows (`storage_id`). */
  readonly id: string;

  /**
   * The location of a record with these path segments: inside `parent` (a location), or at the
   * root without one. Pure: touches nothing, answers at once.
   *
   * @throws RecordPathError for a segment that is not one plain name (empty, `.`, `..`, with a
   * separator or a NUL, or a temporary name).
   */
  locate(segments: readonly string[], parent?: string): string;

  /**
   * Creates a record directory at `location` holding `files` (paths relative to it, nested ones
   * included), all or nothing: after a crash either the whole directory is there or none of it.
   * The sentinel (`.machinable`) is among the files; a directory is a record once it has one.
   * What a crashed `create()` left behind (an empty or sentinel-less temporary) must not keep a
   * later `create()` at the same location from succeeding.
   *
   * @throws RecordExistsError when a record (or anything else) is already at `location`.
   */
  create(location: string, files: ReadonlyMap<string, Uint8Array | string>): MaybePromise<void>;

  /** A file of a record; undefined when the file (or the record) does not exist. */
  readFile(location: string, path: string): MaybePromise<Buffer | undefined>;

  /**
   * Optional: true when a record has this file (empty or not), without reading it. Markers such
   * as `cached` are mostly asked about while absent, which `readFile` may answer slowly; without
   * this method, core asks `readFile` (see `hasFile`).
   */
  hasFile?(location: string, path: string): MaybePromise<boolean>;

  /**
   * Writes a file of a record, replacing it whole (a reader sees the old bytes or the new, never
   * a mix); nested directories are created.
   *
   * @throws RecordNotFoundError when there is no record at `location` (nothing is created then).
   * @throws RecordPathError for a path outside the record, or `.machinable` / `id.json`.
   */
  writeFile(location: string, path: string, data: Uint8Array | string): MaybePromise<void>;

  /**
   * Appends text to a file of a record, creating it if needed (the edge log, `resumed_at`), in
   * one write, so that the lines of concurrent appenders stay whole and none is lost.
   *
   * @throws RecordNotFoundError when there is no record at `location`.
   */
  appendFile(location: string, path: string, text: string): MaybePromise<void>;

  /**
   * Creates a file of a record only if it does not exist yet, whole (never seen half-written):
   * true when this call created it, false when it was there already. Of any number of
   * concurrent callers, in any processes and on any machines sharing the store, exactly one gets
   * true. What a claim on a record is built on.
   *
   * @throws RecordNotFoundError when there is no record at `location`.
   */
  createFile(location: string, path: string, data: Uint8Array | string): MaybePromise<boolean>;

  /** Removes a file of a record; false when it was not there (or there is no record). */
  removeFile(location: string, path: string): MaybePromise<boolean>;

  /**
   * The files of a record, the format's own included, as sorted paths relative to it
   * (`a/b.json`); child records, temporaries and whatever is not the record's own (a symbolic link
   * leading out of it) left out; empty when there is no record. What is listed is what may be
   * served from the record.
   */
  files(location: string): MaybePromise<string[]>;

  /** True when a whole record directory (with its sentinel) is at `location`. */
  exists(location: string): MaybePromise<boolean>;

  /**
   * Every record directory under the root (or under `location`, itself included), parents before
   * their children, plus sentinel-less ones (see `WalkEntry`). Sync or async iterable.
   */
  walk(location?: string): Iterable<WalkEntry> | AsyncIterable<WalkEntry>;

  /**
   * Where a location's files are for a person or a tool that reads them directly: the local
   * directory for the filesystem storage, the location itself for a store without one. Pure.
   */
  directory(location: string): string;

  /** Deletes a record directory and everything in it (children included); nothing when it is not there. */
  remove(location: string): MaybePromise<void>;

  /**
   * Optional: copies a record directory from a local path outside the storage to `location`, all
   * or nothing (what `importDirectory()` needs).
   *
   * @throws RecordExistsError when something is already at `location`.
   */
  copyIn?(directory: string, location: string): MaybePromise<void>;
}

/**
 * Whether the record at `location` has the file `path`: the storage's `hasFile` when it has one,
 * else whether `readFile` finds it.
 *
 * @example
 * hasFile(storage, location, 'cached'); // true once the record is computed
 */
export function hasFile(storage: Storage, location: string, path: string): MaybePromise<boolean> {
  if (storage.hasFile) return storage.hasFile(location, path);
  const read = storage.readFile(location, path);
  return isThenable(read) ? Promise.resolve(read).then((bytes) => bytes !== undefined) : read !== undefined;
}

/**
 * The entries of `storage.walk()` one at a time, whether the adapter walks with a sync or an async
 * iterable: each `next()` answers at once or with a promise (for steps run by `settle`).
 *
 * @example
 * const entries = walkEntries(storage); for (let next = await entries.next(); !next.done; next = await entries.next()) …
 */
export function walkEntries(storage: Storage, location?: string): { next(): MaybePromise<IteratorResult<WalkEntry>> } {
  const walk = storage.walk(location);
  return Symbol.asyncIterator in walk ? walk[Symbol.asyncIterator]() : (walk as Iterable<WalkEntry>)[Symbol.iterator]();
}
