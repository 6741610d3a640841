import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
  CorruptRecordError,
  RECORD_FORMAT,
  RecordNotFoundError,
  type RecordId,
  type RecordModel,
  type StoredRecord,
} from '@machinable/core';

import { ID_FILE, MODEL_FILE, SENTINEL_FILE } from './layout.js';
import { inside } from './record-path.js';
import { errorCode } from './system-error.js';
import { uuidTime } from './uuid-time.js';

/**
 * Reads and validates a record directory anywhere on disk. Either the whole record comes back or
 * an error does: a directory that is half written, hand-edited into a wrong shape, or from a newer
 * format is never returned in part.
 *
 * @throws RecordNotFoundError when there is no directory, or it has no `.machinable` sentinel.
 * @throws CorruptRecordError naming `id.json` or `model.json` when one is missing, not JSON, or
 *   lacks a required field.
 * @example
 * const record = readRecordDirectory('/tmp/from-alice/0190a1b2-...');
 * console.log(record.id.kind, record.model.module, record.createdAt);
 */
export function readRecordDirectory(location: string): StoredRecord {
  const directory = resolve(location);
  assertRecordDirectory(directory);
  return readCheckedRecord(directory);
}

/**
 * {@link readRecordDirectory} of an absolute directory whose sentinel the caller has just seen,
 * so it is not looked for again (a record removed meanwhile is still told from a corrupt one).
 */
export function readCheckedRecord(directory: string): StoredRecord {
  const id = readJsonFile(directory, ID_FILE, checkRecordId);
  const model = readJsonFile(directory, MODEL_FILE, checkRecordModel);
  return { id, model, location: directory, createdAt: createdAt(directory, id.uuid) };
}

/** Whether a directory carries the sentinel, i.e. was published as a record. */
export function isRecordDirectory(directory: string): boolean {
  return existsSync(inside(directory, SENTINEL_FILE));
}

/**
 * ISO-8601 creation time: from the uuid when it is a version-7 uuid (exact, and survives copies),
 * else the modification time of `id.json`, which is written once and never rewritten.
 */
export function createdAt(directory: string, uuid: string): string {
  return (uuidTime(uuid) ?? statSync(join(directory, ID_FILE)).mtime).toISOString();
}

function assertRecordDirectory(directory: string): void {
  if (isRecordDirectory(directory)) return;
  if (!existsSync(directory)) throw new RecordNotFoundError(`no record at ${directory}: the directory does not exist`);
  throw new RecordNotFoundError(
    `no record at ${directory}: it has no ${SENTINEL_FILE} file, so it is not a record directory ` +
      '(or its creation did not finish)',
  );
}

// One options object for every read: readFileSync() copies a string encoding into a fresh
// options object per call, which measured ~15% of reading a small file.
const UTF8 = { encoding: 'utf8', flag: 'r' } as const;

/** Reads one JSON file of a record and checks its shape; every failure names the file. */
function readJsonFile<T>(directory: string, name: string, check: (value: unknown) => T): T {
  const file = inside(directory, name);
  let text: string;
  try {
    text = readFileSync(file, UTF8);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      // Removed while we read (remove() renames the directory away): gone, not corrupt.
      if (!isRecordDirectory(directory)) throw new RecordNotFoundError(`no record at ${directory}: it was removed`);
      throw new CorruptRecordError(file, 'the file is missing');
    }
    if (errorCode(error) === 'EISDIR') throw new CorruptRecordError(file, 'it is a directory, not a file');
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : `not valid JSON (${(error as Error).message})`;
    throw new CorruptRecordError(file, reason);
  }
  try {
    return check(value);
  } catch (error) {
    if (error instanceof ShapeError) throw new CorruptRecordError(file, error.message);
    throw error;
  }
}

/** A JSON value without the expected shape; turned into a `CorruptRecordError` naming the file. */
export class ShapeError extends Error {}

/**
 * Checks that a parsed `id.json` is a `RecordId` of format 1.
 *
 * @throws ShapeError naming the first field that is missing or wrong.
 */
export function checkRecordId(value: unknown): RecordId {
  const id = expectObject(value, '');
  if (id['format'] === undefined) throw new ShapeError('"format" is missing');
  if (id['format'] !== RECORD_FORMAT) {
    throw new ShapeError(
      `unsupported format ${JSON.stringify(id['format'])}; this version of machinable reads format ${RECORD_FORMAT}`,
    );
  }
  expectString(id['uuid'], 'uuid', { nonEmpty: true });
  expectString(id['kind'], 'kind');
  expectString(id['identity_key'], 'identity_key');
  expectString(id['predicate_key'], 'predicate_key');
  if (id['parent'] !== null) expectString(id['parent'], 'parent', { orNull: true });
  return id as unknown as RecordId;
}

/**
 * Checks that a parsed `model.json` is a `RecordModel`.
 *
 * @throws ShapeError naming the first field (dotted path) that is missing or wrong.
 */
export function checkRecordModel(value: unknown): RecordModel {
  const model = expectObject(value, '');
  expectString(model['module'], 'module');
  const config = expectObject(model['config'], 'config');
  expectObject(config['default'], 'config.default');
  expectArray(config['version'], 'config.version').forEach((layer, i) => expectObject(layer, `config.version[${i}]`));
  expectObject(config['update'], 'config.update');
  expectObject(config['resolved'], 'config.resolved');
  expectArray(model['version'], 'version');
  expectObject(model['predicate'], 'predicate');
  expectObject(model['context'], 'context');
  expectArray(model['inherits'], 'inherits').forEach((name, i) => expectString(name, `inherits[${i}]`));
  return model as unknown as RecordModel;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ShapeError(`${subject(path)} must be an object, got ${describe(value)}`);
}

function expectArray(value: unknown, path: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new ShapeError(`${subject(path)} must be an array, got ${describe(value)}`);
}

function expectString(value: unknown, path: string, options: { nonEmpty?: boolean; orNull?: boolean } = {}): void {
  if (typeof value === 'string' && (!options.nonEmpty || value !== '')) return;
  const expected = options.orNull ? 'a string or null' : options.nonEmpty ? 'a non-empty string' : 'a string';
  throw new ShapeError(`${subject(path)} must be ${expected}, got ${describe(value)}`);
}

function subject(path: string): string {
  return path === '' ? 'the content' : `"${path}"`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
