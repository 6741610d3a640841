import {
  RecordExistsError,
  RecordNotFoundError,
  RecordPathError,
  HEADER_FILE,
  SENTINEL_FILE,
  type MaybePromise,
  type Storage,
  type WalkEntry,
} from '@machinable/core/storage';

import { readLocalDirectory } from './local-directory.js';
import { compareSegments, isWithin, MEMORY_SCHEME, memoryLocation, memorySegments } from './memory-location.js';
import { isPlainName, recordPath, writablePath } from './record-path.js';

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Answer every method that touches the store with a promise, settled on a later turn, as an
   * adapter over a remote service does (`walk()` then gives an async iterable). Default false:
   * every answer at once, as the filesystem storage gives them.
   */
  readonly async?: boolean;
}

/** A directory of the store: its own files (a child record is a directory of its own), by path. */
type Directory = Map<string, Buffer>;

/**
 * A `Storage` that keeps record directories in memory: the worked example of an adapter, the one
 * a plugin author copies. Each method is the contract's rule written out (`@machinable/core`'s
 * `Storage`), and `describeStorageConformance` holds it to them.
 *
 * Locations are `memory://<segment>/<segment>/…`. A directory is a map from file paths to bytes;
 * a child record is a directory of its own at a longer location, so `files()` leaves it out and
 * `remove()` takes it along. Every change is made in one synchronous step after every check has
 * passed and every byte has been copied, so it is all or nothing, and no other call runs in the
 * middle of it: what a remote adapter gets from its service (a conditional put, an append, a
 * transaction) this one gets from JavaScript running one step at a time. With `{ async: true }`
 * every answer is a promise, to test the async path of core (and of the kit) against it.
 *
 * @example
 * const storage = new MemoryStorage();
 * const location = storage.locate(['404e7ce85e173a2c41dc37ff', '44136fa355b3678a1146ad16f7e8649e']);
 * storage.create(location, new Map([['.machinable', recordId], ['id.json', header]]));
 * storage.createFile(location, 'claim', 'me'); // true; false for every later caller
 */
export class MemoryStorage implements Storage {
  readonly root = MEMORY_SCHEME;
  readonly id = 'memory';

  readonly #async: boolean;

  /** Every directory, keyed by its segments joined with `/` (a segment never holds one). */
  readonly #directories = new Map<string, Directory>();

  constructor(options: MemoryStorageOptions = {}) {
    this.#async = options.async ?? false;
  }

  locate(segments: readonly string[], parent?: string): string {
    const base = parent === undefined ? [] : memorySegments(parent);
    for (const segment of segments) {
      if (!isPlainName(segment)) throw new RecordPathError(segment, 'a record path segment must be one plain name');
    }
    return memoryLocation([...base, ...segments]);
  }

  /**
   * Makes a directory holding `files`. Every path is checked and every file copied first, then the
   * directory is added in one step: a file that cannot be read leaves nothing behind. Files without
   * a sentinel make a directory that is no record (`exists()` false, `walk()` reports it), as a copy
   * that skipped dot files would be.
   */
  create(location: string, files: ReadonlyMap<string, Uint8Array | string>): MaybePromise<void> {
    return this.#answer(() => {
      const segments = memorySegments(location);
      const directory: Directory = new Map();
      for (const [path, data] of files) directory.set(recordPath(path), bytesOf(data));
      if (this.#occupied(segments)) throw new RecordExistsError(location);
      this.#directories.set(keyOf(segments), directory);
    });
  }

  readFile(location: string, path: string): MaybePromise<Buffer | undefined> {
    return this.#answer(() => {
      const file = this.#directory(location)?.get(recordPath(path));
      // A copy: a caller changing the buffer it got must not change the store.
      return file === undefined ? undefined : Buffer.from(file);
    });
  }

  hasFile(location: string, path: string): MaybePromise<boolean> {
    return this.#answer(() => {
      const relative = recordPath(path);
      return this.#directory(location)?.has(relative) ?? false;
    });
  }

  writeFile(location: string, path: string, data: Uint8Array | string): MaybePromise<void> {
    return this.#answer(() => {
      const relative = writablePath(path);
      const bytes = bytesOf(data);
      this.#record(location, path).set(relative, bytes);
    });
  }

  appendFile(location: string, path: string, text: string): MaybePromise<void> {
    return this.#answer(() => {
      const relative = writablePath(path);
      const record = this.#record(location, path);
      // Read and write in one step: no other append runs in between, so none is lost.
      record.set(relative, Buffer.concat([record.get(relative) ?? EMPTY, Buffer.from(text, 'utf8')]));
    });
  }

  createFile(location: string, path: string, data: Uint8Array | string): MaybePromise<boolean> {
    return this.#answer(() => {
      const relative = writablePath(path);
      const record = this.#record(location, path);
      // Check and set in one step: of concurrent callers exactly one finds the file absent.
      if (record.has(relative)) return false;
      record.set(relative, bytesOf(data));
      return true;
    });
  }

  removeFile(location: string, path: string): MaybePromise<boolean> {
    return this.#answer(() => {
      const relative = recordPath(path);
      return this.#directory(location)?.delete(relative) ?? false;
    });
  }

  files(location: string): MaybePromise<string[]> {
    return this.#answer(() => [...(this.#directory(location)?.keys() ?? [])].sort());
  }

  exists(location: string): MaybePromise<boolean> {
    return this.#answer(() => this.#directory(location)?.has(SENTINEL_FILE) ?? false);
  }

  /**
   * The directories with a sentinel or a header under `location` (the whole store without one),
   * parents before children and siblings by name, as they are when the walk starts.
   */
  walk(location?: string): Iterable<WalkEntry> | AsyncIterable<WalkEntry> {
    const entries = (): WalkEntry[] => {
      const under = location === undefined ? [] : memorySegments(location);
      return [...this.#directories]
        .map(([key, directory]) => ({ segments: segmentsOf(key), directory }))
        .filter(({ segments, directory }) => isWithin(segments, under) && (directory.has(SENTINEL_FILE) || directory.has(HEADER_FILE)))
        .sort((a, b) => compareSegments(a.segments, b.segments))
        .map(({ segments, directory }) => ({ location: memoryLocation(segments), sentinel: directory.has(SENTINEL_FILE) }));
    };
    return this.#async ? later(entries) : lazily(entries);
  }

  /** The location itself: there is no local directory to point a person or a tool to. */
  directory(location: string): string {
    return location;
  }

  /** Deletes the directory at `location` and every one inside it, in one step; nothing when none is there. */
  remove(location: string): MaybePromise<void> {
    return this.#answer(() => {
      const segments = memorySegments(location);
      for (const key of [...this.#directories.keys()]) if (isWithin(segmentsOf(key), segments)) this.#directories.delete(key);
    });
  }

  /**
   * Copies a record directory from the local filesystem (its subdirectories with a sentinel as
   * child records), read whole before anything is added: a copy that fails leaves nothing.
   */
  copyIn(directory: string, location: string): MaybePromise<void> {
    return this.#answer(() => {
      const segments = memorySegments(location);
      const copied = readLocalDirectory(directory);
      if (this.#occupied(segments)) throw new RecordExistsError(location);
      for (const { segments: inner, files } of copied) {
        const directoryFiles: Directory = new Map();
        for (const [path, bytes] of files) directoryFiles.set(recordPath(path), bytes);
        this.#directories.set(keyOf([...segments, ...inner]), directoryFiles);
      }
    });
  }

  /** Runs `work` now, or (async mode) on a later turn, answering its result or error as a promise. */
  #answer<T>(work: () => T): MaybePromise<T> {
    return this.#async ? Promise.resolve().then(work) : work();
  }

  #directory(location: string): Directory | undefined {
    return this.#directories.get(keyOf(memorySegments(location)));
  }

  /** The files of the record at `location`, for a write; a write never makes a record appear. */
  #record(location: string, path: string): Directory {
    const directory = this.#directory(location);
    if (directory === undefined || !directory.has(SENTINEL_FILE)) {
      throw new RecordNotFoundError(`cannot write ${path}: there is no record at ${location} (no ${SENTINEL_FILE}); create it first`);
    }
    return directory;
  }

  /**
   * Whether anything is at `segments`, as a filesystem would see it: a directory there or inside
   * it, or a file (or a directory of files) of an enclosing record at that path or above it.
   */
  #occupied(segments: readonly string[]): boolean {
    for (const key of this.#directories.keys()) if (isWithin(segmentsOf(key), segments)) return true;
    for (let depth = 0; depth < segments.length; depth++) {
      const enclosing = this.#directories.get(keyOf(segments.slice(0, depth)));
      if (enclosing === undefined) continue;
      const rest = segments.slice(depth).join('/');
      for (const path of enclosing.keys()) if (path === rest || path.startsWith(`${rest}/`) || rest.startsWith(`${path}/`)) return true;
    }
    return false;
  }
}

const EMPTY = Buffer.alloc(0);

/** The store's own copy of `data` (UTF-8 for text): a caller changing its array later changes nothing here. */
function bytesOf(data: Uint8Array | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

function keyOf(segments: readonly string[]): string {
  return segments.join('/');
}

function segmentsOf(key: string): string[] {
  return key === '' ? [] : key.split('/');
}

/** The entries, listed when the iteration starts (as a filesystem walk reads as it goes). */
function* lazily<T>(list: () => readonly T[]): Generator<T> {
  yield* list();
}

/** The entries as an async iterable, listed on a later turn, as a remote listing arrives. */
async function* later<T>(list: () => readonly T[]): AsyncGenerator<T> {
  await Promise.resolve();
  yield* list();
}
