import { appendFileSync, cpSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import {
  HEADER_FILE,
  RecordExistsError,
  RecordNotFoundError,
  SENTINEL_FILE,
  type Storage,
  type WalkEntry,
} from '@machinable/core/storage';

import { atomicWriteFile, temporaryIn, temporarySibling } from './atomic.js';
import { accessing, storageAccessError } from './access-error.js';
import { RecordPathError } from './errors.js';
import { fileLocation, locationPath } from './location.js';
import { NEW_FILE, writeNew } from './new-file.js';
import { recordFiles } from './record-files.js';
import { inside, normalizeRecordPath, resolveRecordPath } from './record-path.js';
import { errorCode, isTargetExists } from './system-error.js';
import { coversAnyTime, createStamp, overwriteTime, rewriteInPlace, TIMESTAMP_FILES } from './timestamps.js';
import { isTemporary } from './temporary-name.js';
import { walkRecords } from './walk.js';

/** Options of {@link FsStorage}. */
export interface FsStorageOptions {
  /** Directory holding the record directories; created on the first write. */
  readonly root: string;
}

/**
 * The default `Storage`: record directories on a local filesystem, laid out as the format
 * decides (`<root>/<identity_key>/<predicate_key>/`, child records nested inside their parent's
 * directory). Locations are `file://` URIs of the directories. Every change becomes visible in
 * one `rename`, so a crash leaves either the old state or the new one, plus at most a hidden
 * `.tmp-*` entry that readers ignore and {@link cleanTemporary} deletes.
 *
 * @example
 * const storage = new FsStorage({ root: '/project/storage' });
 * const location = storage.locate([identityKey, predicateKey]);
 * storage.create(location, new Map([['.machinable', recordId], ['id.json', headerText(header)]]));
 */
export class FsStorage implements Storage {
  /** Absolute path of the storage directory. */
  readonly root: string;
  readonly id = 'storage';

  /**
   * Directories this storage created or found to be records: writes to them skip the sentinel
   * check. A record removed since shows up as a write failing with ENOENT, checked then.
   */
  readonly #seen = new Set<string>();

  /** For records this storage created (bounded like `#seen`): the timestamp files written since. */
  readonly #stamps = new Map<string, Set<string>>();

  constructor(options: FsStorageOptions) {
    this.root = resolve(options.root);
  }

  locate(segments: readonly string[], parent?: string): string {
    const base = parent === undefined ? this.root : locationPath(parent);
    for (const segment of segments) checkSegment(segment);
    // The base is a resolved directory and each segment one plain name (checked above), so the
    // segments join like a normalized record path.
    return fileLocation(segments.length === 0 ? base : inside(base, segments.join('/')));
  }

  /**
   * Writes a record directory: everything goes into a hidden `.tmp-*` sibling first, which is then
   * renamed to the target, so a failure or crash midway leaves no record. An empty directory at
   * the target (a writer that died after `mkdir`) is replaced.
   *
   * @throws RecordExistsError when a non-empty directory or a file is at the target.
   */
  create(location: string, files: ReadonlyMap<string, Uint8Array | string>): void {
    return accessing(locationPath(location), 'create the record', () => {
      const target = locationPath(location);
      const relative = [...files.keys()].map((path) => [normalizeRecordPath(path), path] as const);
      const parent = dirname(target);
      // mkdirSync, not mkdtempSync: mkdtemp makes the directory 0700 and the record would keep that.
      const temporary = temporaryIn(parent, target.slice(parent.length + 1));
      // The parent (`<root>/<identity_key>`) is new for the first record of an identity. A recursive
      // mkdir does not throw when it exists; trying the temporary directory first did, for every new
      // identity, and an exception costs more than the system call.
      mkdirSync(parent, { recursive: true });
      mkdirSync(temporary);
      try {
        // The sentinel last: a directory with it is a whole record.
        const ordered = relative.filter(([path]) => path !== SENTINEL_FILE);
        const sentinel = relative.find(([path]) => path === SENTINEL_FILE);
        if (sentinel) ordered.push(sentinel);
        for (const [path, original] of ordered) writeNew(temporary, path, files.get(original)!);
      } catch (error) {
        rmSync(temporary, { recursive: true, force: true });
        throw error;
      }
      try {
        renameSync(temporary, target);
      } catch (error) {
        rmSync(temporary, { recursive: true, force: true });
        if (isTargetExists(error) || errorCode(error) === 'ENOTDIR') throw new RecordExistsError(location);
        throw error;
      }
      this.saw(target);
      if (this.#stamps.size >= SEEN_LIMIT) this.#stamps.clear();
      this.#stamps.set(target, new Set(relative.map(([path]) => path).filter((path) => TIMESTAMP_FILES.has(path))));
    });
  }

  /**
   * Copies a record directory from elsewhere (another store, a colleague's copy) to `location`,
   * file times kept, all or nothing.
   *
   * @throws RecordExistsError when something is already at `location`.
   */
  copyIn(directory: string, location: string): void {
    return accessing(locationPath(location), 'copy a record to', () => {
      const target = locationPath(location);
      const parent = dirname(target);
      mkdirSync(parent, { recursive: true });
      const temporary = temporaryIn(parent, 'import');
      try {
        cpSync(directory, temporary, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false, verbatimSymlinks: true });
        renameSync(temporary, target);
      } catch (error) {
        rmSync(temporary, { recursive: true, force: true });
        if (isTargetExists(error) || errorCode(error) === 'ENOTDIR') throw new RecordExistsError(location);
        throw error;
      }
    });
  }

  readFile(location: string, path: string): Buffer | undefined {
    const file = resolveRecordPath(locationPath(location), path);
    try {
      return readFileSync(file);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  /** True when the record has this file; a missing one costs no exception (unlike `readFile`). */
  hasFile(location: string, path: string): boolean {
    return existsSync(resolveRecordPath(locationPath(location), path));
  }

  /**
   * Writes a file of a record atomically (temporary file + rename), creating nested directories.
   * Timestamps are the exception, for speed: see `rewriteInPlace` and `createStamp`.
   *
   * @throws RecordNotFoundError when there is no record at `location`.
   * @throws RecordPathError when the path is absolute or escapes the record.
   */
  writeFile(location: string, path: string, data: Uint8Array | string): void {
    return accessing(`${locationPath(location)}/${path}`, 'write', () => {
      const { directory, relative, file } = this.writableFile(location, path);
      if (TIMESTAMP_FILES.has(relative)) {
        // A timestamp this storage wrote since creating the record exists: a time of the longest
        // form is written over it, another is written in place if the file has its length. One it
        // did not write yet is created with one write. Any other is looked at first. (A wrong
        // guess, because another process wrote the file, only costs speed: each path falls
        // through to the next, down to temp + rename.)
        const stamps = this.#stamps.get(directory);
        const exists = stamps?.has(relative) === true;
        stamps?.add(relative);
        if (stamps && !exists && this.intoRecord(directory, path, file, () => createStamp(file, data))) return;
        if (exists && coversAnyTime(relative, data) && overwriteTime(file, data)) return;
        if (rewriteInPlace(file, data, exists)) return;
      }
      this.intoRecord(directory, path, file, () => atomicWriteFile(file, data, { mkdir: false }));
    });
  }

  /**
   * Appends text to a file of a record with one `appendFile` call (lines of concurrent appenders on
   * a local filesystem do not interleave), creating it and its directories.
   */
  appendFile(location: string, path: string, text: string): void {
    return accessing(`${locationPath(location)}/${path}`, 'append to', () => {
      const { directory, file } = this.writableFile(location, path);
      this.intoRecord(directory, path, file, () => appendFileSync(file, text));
    });
  }

  /**
   * Creates a file only if it does not exist: the data goes to a temporary file, which is then
   * hard-linked to the name (`link` fails when the name exists, atomically, on local filesystems
   * and on NFS alike), so a reader sees no file or the whole file.
   */
  createFile(location: string, path: string, data: Uint8Array | string): boolean {
    return accessing(`${locationPath(location)}/${path}`, 'create', () => {
      const directory = locationPath(location);
      const relative = normalizeRecordPath(path);
      const file = inside(directory, relative);
      this.checkRecord(directory, path);
      const temporary = temporarySibling(file);
      this.intoRecord(directory, path, file, () => writeFileSync(temporary, data, NEW_FILE));
      try {
        linkSync(temporary, file);
        return true;
      } catch (error) {
        if (errorCode(error) === 'EEXIST') return false;
        throw error;
      } finally {
        removeIfThere(temporary);
      }
    });
  }

  removeFile(location: string, path: string): boolean {
    return accessing(`${locationPath(location)}/${path}`, 'remove', () => {
      const file = resolveRecordPath(locationPath(location), path);
      try {
        unlinkSync(file); // not rmSync, which stats the file twice first
        this.#stamps.get(locationPath(location))?.delete(normalizeRecordPath(path));
        return true;
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') return false;
        throw error;
      }
    });
  }

  /** The record's files, relative to it, sorted; child records and temporary entries are left out. */
  files(location: string): string[] {
    return recordFiles(location);
  }

  exists(location: string): boolean {
    return existsSync(join(locationPath(location), SENTINEL_FILE));
  }

  /**
   * Every record directory under the root, parents before their children, plus directories with
   * an `id.json` but no sentinel (see `walkRecords`).
   */
  walk(location?: string): Generator<WalkEntry> {
    return walkRecords(this.root, location);
  }

  directory(location: string): string {
    return locationPath(location);
  }

  /**
   * Deletes a record directory. It is first renamed to a hidden `.tmp-` name, so a crash halfway
   * through the deletion leaves nothing that `walk()` shows. Removing a missing record does nothing.
   */
  remove(location: string): void {
    const directory = locationPath(location);
    this.#seen.delete(directory);
    this.#stamps.delete(directory);
    const doomed = temporaryIn(dirname(directory), 'removed');
    try {
      renameSync(directory, doomed);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw storageAccessError(error, directory, 'remove the record');
    }
    rmSync(doomed, { recursive: true, force: true });
  }

  /**
   * Where a write to `path` of the record at `location` goes; throws for a path outside the record
   * or naming a file fixed at creation (`.machinable`, `id.json`), and unless a record is there.
   */
  private writableFile(location: string, path: string): { directory: string; relative: string; file: string } {
    const directory = locationPath(location);
    const relative = normalizeRecordPath(path);
    if (relative === SENTINEL_FILE || relative === HEADER_FILE) {
      throw new RecordPathError(path, `${relative} is fixed when a record is created and is never rewritten`);
    }
    const file = inside(directory, relative);
    this.checkRecord(directory, path);
    return { directory, relative, file };
  }

  /** Throws unless `directory` is a record (checked once per directory this storage has not seen). */
  private checkRecord(directory: string, path: string): void {
    if (this.#seen.has(directory)) return;
    if (!existsSync(join(directory, SENTINEL_FILE))) throw notFound(directory, path);
    this.saw(directory);
  }

  /**
   * Runs a write into a record. When it fails for a missing directory, the record is checked
   * again (it may have been removed since it was seen), nested directories are made, and the
   * write runs once more; so the common case costs no `mkdir` and no sentinel check.
   */
  private intoRecord<T>(directory: string, path: string, file: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    this.#seen.delete(directory);
    if (!existsSync(join(directory, SENTINEL_FILE))) throw notFound(directory, path);
    const parent = dirname(file);
    if (parent !== directory) {
      // mkdir -p returns the first directory it made; if that is the record directory itself, the
      // record was removed since the check above and we must not resurrect a sentinel-less husk.
      const first = mkdirSync(parent, { recursive: true });
      // mkdir -p made the record directory, or a directory above it: the record (or a record it
      // is nested in) was removed meanwhile. Undo what was made, from the first new directory.
      if (first !== undefined && (first === directory || directory.startsWith(`${first}/`))) {
        rmSync(first, { recursive: true, force: true });
        throw notFound(directory, path);
      }
    }
    const result = write();
    this.saw(directory);
    return result;
  }

  /** Remembers a record seen whole (bounded: a long sweep does not grow it without end). */
  private saw(directory: string): void {
    if (this.#seen.size >= SEEN_LIMIT) this.#seen.clear();
    this.#seen.add(directory);
  }
}

/**
 * Creates the filesystem storage; the factory `@machinable/core` uses when no other storage is
 * registered.
 *
 * @example
 * const storage = createStorage({ root: '/project/storage' });
 * for (const { location } of storage.walk()) console.log(storage.directory(location));
 */
export function createStorage(options: { root: string }): Storage {
  return new FsStorage(options);
}

function notFound(directory: string, path: string): RecordNotFoundError {
  return new RecordNotFoundError(`cannot write ${path}: there is no record at ${directory} (no ${SENTINEL_FILE}); materialize the record first`);
}

function checkSegment(segment: string): void {
  if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment) || isTemporary(segment)) {
    throw new RecordPathError(segment, 'a record path segment must be one plain directory name');
  }
}

/** How many records {@link FsStorage} remembers as seen before it starts over. */
const SEEN_LIMIT = 10_000;

/** Unlinks a file; nothing when it is not there. */
function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
