import { HEADER_FILE, MODEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import { readRecord, type StoredRecord } from '../format/record.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Storage } from '../ports/storage.js';

/** Options of {@link readStored}. */
export interface ReadStoredOptions {
  /** Also read the `updated_at` marker (what indexing needs; a lookup does not). */
  readonly updatedAt?: boolean;
}

/**
 * Reads the record at a location of a storage: `id.json` and `model.json`, checked (a
 * `CorruptRecordError` names the file that is missing or malformed), and with `updatedAt` its
 * `updated_at` marker too.
 *
 * @example
 * const { header, model } = await readStored(storage, location);
 */
export function readStored(storage: Storage, location: string, options: ReadStoredOptions = {}): MaybePromise<StoredRecord> {
  return settle(readStoredSteps(storage, location, options));
}

/** {@link readStored} as steps of a larger operation. */
export function* readStoredSteps(storage: Storage, location: string, options: ReadStoredOptions = {}): Steps<StoredRecord> {
  const header = (yield storage.readFile(location, HEADER_FILE)) as Buffer | undefined;
  const model = (yield storage.readFile(location, MODEL_FILE)) as Buffer | undefined;
  const updatedAt = options.updatedAt === true ? ((yield storage.readFile(location, UPDATED_AT_FILE)) as Buffer | undefined) : undefined;
  return readRecord({ header: header?.toString('utf8'), model: model?.toString('utf8'), updatedAt: updatedAt?.toString('utf8') }, location, storage.directory(location));
}
