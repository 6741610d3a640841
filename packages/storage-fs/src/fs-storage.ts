import {
  appendFileSync,
  closeSync,
  cpSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import {
  CorruptRecordError,
  RECORD_FORMAT,
  RecordConflictError,
  RecordNotFoundError,
  type RecordId,
  type RecordModel,
  type Storage,
  type StoredRecord,
} from '@machinable/core';

import { atomicWriteFile, temporaryIn } from './atomic.js';
import { RecordPathError } from './errors.js';
import {
  ID_FILE,
  IMMUTABLE_FILES,
  jsonText,
  MODEL_FILE,
  RELATED_LOG_FILE,
  RESERVED_FILES,
  SENTINEL_FILE,
  TIMESTAMP_FILES,
  UPDATED_AT_FILE,
} from './layout.js';
import {
  checkRecordId,
  checkRecordModel,
  createdAt,
  isRecordDirectory,
  readCheckedRecord,
  readRecordDirectory,
  ShapeError,
} from './record-directory.js';
import { assertRecordName, inside, isRecordName, normalizeRecordPath } from './record-path.js';
import { errorCode, isTargetExists } from './system-error.js';

/** Options of {@link FsStorage}. */
export interface FsStorageOptions {
  /** Directory holding one subdirectory per record; created on the first write. */
  readonly root: string;
}

/**
 * The default `Storage`: each record is a directory `<root>/<uuid>/` in the Python reference's
 * format v1, so Python and TypeScript share stores. Every change becomes visible in one `rename`,
 * so a crash leaves either the old state or the new one, plus at most a hidden `.tmp-*` entry that
 * readers ignore and {@link cleanTemporary} deletes.
 *
 * @example
 * const storage = new FsStorage({ root: '/project/storage' });
 * const record = storage.create(id, model, new Map([['notes.txt', Buffer.from('hello')]]));
 */
export class FsStorage implements Storage {
  /** Absolute path of the storage directory. */
  readonly root: string;

  /**
   * Records this storage created or found whole (with their sentinel): writes to them skip the
   * sentinel check, one system call of every write. A record removed since shows up as a write
   * failing with ENOENT, which is then checked like an unknown record.
   */
  readonly #seen = new Set<string>();

  /**
   * For records this storage created (bounded like `#seen`): the timestamp files written since,
   * so a status marker's first write need not look whether it exists.
   */
  readonly #stamps = new Map<string, Set<string>>();

  /** uuids the latest list() saw with their sentinel; forgotten at the end of the current task. */
  #listed: Set<string> | undefined;

  constructor(options: FsStorageOptions) {
    this.root = resolve(options.root);
  }

  /**
   * Writes a new record directory with its first files. Everything is written into
   * `<root>/.tmp-<uuid>-<random>/` and then renamed to `<root>/<uuid>`, so a failure or crash
   * midway leaves no record (the temporary directory is removed on failure, ignored after a crash).
   *
   * @throws RecordConflictError when `<root>/<uuid>` exists.
   * @throws RecordPathError when a file path is absolute, escapes the record, or names a file
   *   `create()` writes itself (`id.json`, `model.json`, ...).
   * @throws TypeError when `id` or `model` lacks a field a reader requires (it could not be read back).
   */
  create(id: RecordId, model: RecordModel, files: ReadonlyMap<string, Uint8Array> = new Map()): StoredRecord {
    assertRecordName(id.uuid);
    // Serialize and check everything before touching the disk: what cannot be read back is not written.
    const idText = jsonText(id);
    const modelText = jsonText(model);
    const storedId = checkOwnInput(id.uuid, ID_FILE, idText, checkRecordId);
    const storedModel = checkOwnInput(id.uuid, MODEL_FILE, modelText, checkRecordModel);
    const userFiles = new Map<string, Uint8Array>();
    for (const [path, data] of files) {
      const normalized = normalizeRecordPath(path);
      if (RESERVED_FILES.has(normalized)) {
        throw new RecordPathError(path, `create() writes ${normalized} itself; pass the record's id and model instead`);
      }
      if (userFiles.has(normalized)) throw new RecordPathError(path, `it names the same file as another entry (${normalized})`);
      userFiles.set(normalized, data);
    }

    const target = this.directory(id.uuid);
    if (existsSync(target)) throw this.exists(id.uuid);
    // mkdirSync, not mkdtempSync: mkdtemp makes the directory 0700 and the record would keep that.
    const temporary = temporaryIn(this.root, id.uuid);
    try {
      mkdirSync(temporary);
    } catch (error) {
      // The root is made on the first write only, so the common case costs one system call.
      if (errorCode(error) !== 'ENOENT') throw error;
      mkdirSync(this.root, { recursive: true });
      mkdirSync(temporary);
    }
    try {
      for (const [path, data] of userFiles) writeNew(temporary, path, data);
      writeNew(temporary, ID_FILE, idText);
      writeNew(temporary, MODEL_FILE, modelText);
      writeNew(temporary, UPDATED_AT_FILE, new Date().toISOString());
      writeNew(temporary, RELATED_LOG_FILE, '');
      writeNew(temporary, SENTINEL_FILE, `${RECORD_FORMAT}\n`);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      throw error;
    }
    try {
      renameSync(temporary, target);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      // rename() over an existing non-empty directory: another process created it meanwhile.
      if (isTargetExists(error)) throw this.exists(id.uuid);
      throw error;
    }
    this.saw(id.uuid);
    if (this.#stamps.size >= SEEN_LIMIT) this.#stamps.clear();
    this.#stamps.set(id.uuid, new Set([UPDATED_AT_FILE]));
    return { id: storedId, model: storedModel, location: target, createdAt: createdAt(target, id.uuid) };
  }

  /**
   * The record stored as `<root>/<uuid>`, or undefined when there is none (or its creation did not
   * finish).
   *
   * @throws CorruptRecordError naming the file when the record cannot be read, or when its
   *   `id.json` names another uuid than its directory.
   */
  find(uuid: string): StoredRecord | undefined {
    const directory = this.directory(uuid);
    if (!this.#listed?.has(uuid) && !isRecordDirectory(directory)) return undefined;
    let record: StoredRecord;
    try {
      record = readCheckedRecord(directory);
    } catch (error) {
      if (error instanceof RecordNotFoundError) return undefined; // removed while we read it
      throw error;
    }
    if (record.id.uuid !== uuid) {
      throw new CorruptRecordError(
        join(directory, ID_FILE),
        `id.json names uuid ${record.id.uuid} but the record is stored as ${uuid}`,
      );
    }
    return record;
  }

  /**
   * Reads the record directory at a path, inside or outside `root`.
   *
   * @throws RecordNotFoundError when there is no directory or no `.machinable` in it.
   * @throws CorruptRecordError naming `id.json` or `model.json` when either is unreadable.
   */
  read(location: string): StoredRecord {
    return readRecordDirectory(location);
  }

  /**
   * uuids of the records in `root`, sorted (for v7 uuids that is creation order).
   *
   * One `readdir` plus one `existsSync(<uuid>/.machinable)` per entry, which stays fast for 100,000
   * records. The sentinel alone decides: `create()` and `adopt()` publish a directory by renaming
   * it complete, so a directory with the sentinel has every file; one that lost `id.json` later is
   * listed on purpose, so that `find()` reports it as corrupt instead of it silently vanishing.
   * Hidden entries (`.tmp-*`), files, and names that are not valid record names are skipped.
   */
  list(): string[] {
    let entries;
    try {
      entries = readdirSync(this.root, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const uuids: string[] = [];
    for (const entry of entries) {
      // Checked on the name first: it costs nothing, while the sentinel check is a system call.
      if (!isRecordName(entry.name)) continue;
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      if (isRecordDirectory(inside(this.root, entry.name))) uuids.push(entry.name);
    }
    // A find() of a listed uuid in the same synchronous stretch (reindex reads every record right
    // after listing them) need not look for the sentinel list() has just seen.
    this.#listed = new Set(uuids);
    queueMicrotask(() => (this.#listed = undefined));
    return uuids.sort();
  }

  /**
   * `<root>/<uuid>`, whether or not the record exists.
   *
   * @throws RecordPathError when the uuid is not a single plain path segment.
   */
  directory(uuid: string): string {
    assertRecordName(uuid);
    return inside(this.root, uuid);
  }

  /**
   * Writes a file of a record atomically (temporary file + rename), creating nested directories.
   *
   * @throws RecordNotFoundError when the record does not exist.
   * @throws RecordPathError when the path is absolute, escapes the record, or names `id.json` or
   *   `.machinable` (which never change after creation).
   */
  writeFile(uuid: string, path: string, data: Uint8Array | string): void {
    const relative = normalizeRecordPath(path);
    const file = this.writableFile(uuid, path, relative, 'write');
    if (TIMESTAMP_FILES.has(relative)) {
      // updated_at exists from creation on, and so does a marker this storage wrote since it
      // created the record: those are rewritten in place. A marker of such a record not written
      // yet is absent: it is created with one write. Any other is looked at first. (A guess that
      // is wrong because another process wrote the marker only costs speed: each path falls
      // through to the next, down to temp + rename.)
      const stamps = this.#stamps.get(uuid);
      const exists = relative === UPDATED_AT_FILE || stamps?.has(relative) === true;
      stamps?.add(relative);
      if (stamps && !exists && this.intoRecord(uuid, path, file, 'write', () => createStamp(file, data))) return;
      if (rewriteInPlace(file, data, exists || stamps !== undefined)) return;
    }
    this.intoRecord(uuid, path, file, 'write', () => atomicWriteFile(file, data, { mkdir: false }));
  }

  /**
   * A file of a record, or undefined when the record has no such file.
   *
   * @throws RecordNotFoundError when the record does not exist.
   * @throws RecordPathError when the path is absolute or escapes the record.
   */
  readFile(uuid: string, path: string): Buffer | undefined {
    const directory = this.directory(uuid);
    const file = inside(directory, normalizeRecordPath(path));
    try {
      return readFileSync(file);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Only on a miss, so the common case costs one system call.
      if (!isRecordDirectory(directory)) throw this.notFound(uuid, `cannot read ${path}`);
      return undefined;
    }
  }

  /**
   * Appends `line` and a newline to a file of a record, creating the file (and its directories).
   * The line is written with one `appendFile` call, so lines of concurrent appenders on a local
   * filesystem do not interleave.
   *
   * @throws TypeError when `line` contains a newline (it would become two lines).
   * @throws RecordNotFoundError when the record does not exist.
   */
  appendLine(uuid: string, path: string, line: string): void {
    if (/[\r\n]/.test(line)) {
      throw new TypeError(
        `cannot append to ${path} of record ${uuid}: the line contains a line break; encode it (e.g. JSON.stringify) so it stays one line`,
      );
    }
    const file = this.writableFile(uuid, path, normalizeRecordPath(path), 'append to');
    this.intoRecord(uuid, path, file, 'append to', () => appendFileSync(file, `${line}\n`));
  }

  /**
   * Brings a record directory into storage: a record already at `<root>/<uuid>` is returned as is;
   * any other directory is copied (into a temporary directory, then renamed into place, with file
   * times kept) and returned as stored. When storage already holds that uuid with the same
   * `id.json`, the stored record is returned and nothing is copied.
   *
   * @throws RecordNotFoundError / CorruptRecordError when `location` is not a readable record.
   * @throws RecordConflictError when storage holds the uuid with a different `id.json`, or
   *   `<root>/<uuid>` exists but is not a record.
   * @example
   * const record = storage.adopt('/tmp/from-alice/0190a1b2-...');
   * console.log(record.location); // "<root>/0190a1b2-..."
   */
  adopt(location: string): StoredRecord {
    const source = readRecordDirectory(location);
    const uuid = source.id.uuid;
    const target = this.directory(uuid);
    if (sameDirectory(source.location, target)) return source;
    const held = this.holding(target, source);
    if (held) return held;

    mkdirSync(this.root, { recursive: true });
    const temporary = temporaryIn(this.root, uuid);
    try {
      cpSync(source.location, temporary, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
      // The source may have changed since it was read; publish only a copy that is itself whole.
      const copied = readRecordDirectory(temporary);
      if (!isDeepStrictEqual(copied.id, source.id)) {
        throw new RecordConflictError(`cannot adopt ${source.location}: its id.json changed while it was being copied; retry`);
      }
      renameSync(temporary, target);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      if (isTargetExists(error)) {
        // Another process adopted or created the uuid meanwhile: judge what is there now.
        const raced = this.holding(target, source);
        if (raced) return raced;
      }
      throw error;
    }
    return readRecordDirectory(target);
  }

  /**
   * Deletes a record directory. It is first renamed to a hidden `.tmp-` name, so a crash halfway
   * through the deletion leaves nothing that `list()` shows. Removing a missing record does nothing.
   */
  remove(uuid: string): void {
    const directory = this.directory(uuid);
    this.#seen.delete(uuid);
    this.#stamps.delete(uuid);
    const doomed = temporaryIn(this.root, `removed-${uuid}`);
    try {
      renameSync(directory, doomed);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    rmSync(doomed, { recursive: true, force: true });
  }

  /** Path of a file about to be written: checked, inside an existing record. */
  private writableFile(uuid: string, path: string, relative: string, verb: string): string {
    const directory = this.directory(uuid);
    if (IMMUTABLE_FILES.has(relative)) {
      throw new RecordPathError(path, `${relative} is fixed when a record is created and is never rewritten`);
    }
    if (!this.#seen.has(uuid)) {
      if (!isRecordDirectory(directory)) throw this.notFound(uuid, `cannot ${verb} ${path}`);
      this.saw(uuid);
    }
    return inside(directory, relative);
  }

  /**
   * Runs a write into a record. When it fails for a missing directory, the record is checked
   * again (it may have been removed since it was seen), nested directories are made, and the
   * write runs once more; so the common case costs no `mkdir` and no sentinel check.
   */
  private intoRecord<T>(uuid: string, path: string, file: string, verb: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    const directory = this.directory(uuid);
    this.#seen.delete(uuid);
    if (!isRecordDirectory(directory)) throw this.notFound(uuid, `cannot ${verb} ${path}`);
    const parent = dirname(file);
    if (parent !== directory) {
      // mkdir -p returns the first directory it made; if that is the record directory itself, the
      // record was removed since the check above and we must not resurrect a sentinel-less husk.
      const first = mkdirSync(parent, { recursive: true });
      if (first === directory) {
        rmSync(directory, { recursive: true, force: true });
        throw this.notFound(uuid, `cannot ${verb} ${path}`);
      }
    }
    const result = write();
    this.saw(uuid);
    return result;
  }

  /** Remembers a record seen whole (bounded: a long sweep does not grow it without end). */
  private saw(uuid: string): void {
    if (this.#seen.size >= SEEN_LIMIT) this.#seen.clear();
    this.#seen.add(uuid);
  }

  /**
   * The record storage holds at `target` when it is the same record as `source` (equal `id.json`),
   * undefined when `target` does not exist.
   */
  private holding(target: string, source: StoredRecord): StoredRecord | undefined {
    if (!existsSync(target)) return undefined;
    if (!isRecordDirectory(target)) {
      throw new RecordConflictError(
        `cannot adopt ${source.location}: ${target} exists but is not a record directory (no ${SENTINEL_FILE}); ` +
          'move it out of storage and retry',
      );
    }
    const held = readRecordDirectory(target);
    if (isDeepStrictEqual(held.id, source.id)) return held;
    const stored = held.id as unknown as Record<string, unknown>;
    const incoming = source.id as unknown as Record<string, unknown>;
    const differences = [...new Set([...Object.keys(stored), ...Object.keys(incoming)])]
      .filter((field) => !isDeepStrictEqual(stored[field], incoming[field]))
      .map((field) => `${field}: ${JSON.stringify(stored[field])} in storage, ${JSON.stringify(incoming[field])} in the directory`);
    throw new RecordConflictError(
      `cannot adopt ${source.location}: storage already holds a record ${source.id.uuid} at ${target} whose ` +
        `id.json disagrees (${differences.join('; ')}). A uuid names one record forever, so these are two ` +
        'different records: give the directory a new uuid, or remove the stored record first',
    );
  }

  private exists(uuid: string): RecordConflictError {
    return new RecordConflictError(
      `cannot create record ${uuid}: ${join(this.root, uuid)} already exists. A uuid names one record; ` +
        'make a new uuid (uuid v7) for a new record',
    );
  }

  private notFound(uuid: string, what: string): RecordNotFoundError {
    return new RecordNotFoundError(`${what}: no record ${uuid} in ${this.root}; create the record first`);
  }
}

/**
 * Creates the filesystem storage; this is the factory `@machinable/core` loads by module name
 * when no other storage is registered.
 *
 * @example
 * const storage = createStorage({ root: '/project/storage' });
 * for (const uuid of storage.list()) console.log(storage.find(uuid)?.model.module);
 */
export function createStorage(options: { root: string }): Storage {
  return new FsStorage(options);
}

/** How many records {@link FsStorage} remembers as seen before it starts over. */
const SEEN_LIMIT = 10_000;

/** One disk sector: larger in-place writes could tear on power loss. */
const MAX_IN_PLACE_BYTES = 512;

/**
 * Rewrites a timestamp file (`updated_at`, a status marker) in place when it already holds as
 * many bytes as the new time, which is the rule for times `toISOString()` wrote: one `pwrite` at
 * offset 0, no truncation. A process that dies leaves the old time or the new one, never an empty
 * file, like temp + rename does; but no inode is made and none freed, which is what a
 * filesystem pays for most (a replace cost ~8x an in-place write where the figures were taken,
 * and a launch rewrites `updated_at` several times). Returns false when the file is missing or
 * another length (a Python-written time): the caller then writes it the atomic way.
 */
function rewriteInPlace(file: string, data: Uint8Array | string, likelyExists: boolean): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length === 0 || bytes.length > MAX_IN_PLACE_BYTES) return false;
  // A marker is usually written once, so it is looked at first: a missing file then costs no exception.
  if (!likelyExists && statSync(file, { throwIfNoEntry: false })?.size !== bytes.length) return false;
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  try {
    // Checked again on the open file: it may have been replaced since the stat.
    if (fstatSync(fd).size !== bytes.length) return false;
    writeSync(fd, bytes, 0, bytes.length, 0);
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a timestamp file that does not exist yet with one write, without temp + rename: a
 * reader sees no file, an empty one, or the whole time, and reads an empty marker as unset
 * (`statusAt()`), so a process dying between the create and the write leaves the marker unset,
 * as if it had died just before. False when the file exists after all (another process wrote it).
 */
function createStamp(file: string, data: Uint8Array | string): boolean {
  try {
    writeFileSync(file, data, { flag: 'wx' });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/** Writes a file into a directory that no one else sees yet (no temp + rename needed). */
function writeNew(directory: string, path: string, data: Uint8Array | string): void {
  const file = join(directory, path);
  const parent = dirname(file);
  if (parent !== directory) mkdirSync(parent, { recursive: true });
  writeFileSync(file, data, { flag: 'wx' });
}

/** Checks a record's own `id.json`/`model.json` text as a reader would, before it is written. */
function checkOwnInput<T>(uuid: string, name: string, text: string, check: (value: unknown) => T): T {
  try {
    return check(JSON.parse(text));
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new TypeError(`cannot create record ${uuid}: its ${name} would be unreadable: ${error.message}`);
    }
    throw error;
  }
}

/** Whether two paths are one directory (after symlinks); false when either does not exist. */
function sameDirectory(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
