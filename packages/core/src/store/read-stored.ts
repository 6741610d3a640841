import { HEADER_FILE, MODEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import { readRecord, type StoredRecord } from '../format/record.js';
import type { Storage } from '../ports/storage.js';

/**
 * Reads the record at a location of a storage: `id.json` and `model.json`, checked (a
 * `CorruptRecordError` names the file that is missing or malformed), and with `updatedAt` its
 * `updated_at` marker too (what indexing needs; a lookup does not, and `Interface.updatedAt`
 * reads the marker when asked).
 */
export function readStored(storage: Storage, location: string, options: { readonly updatedAt?: boolean } = {}): StoredRecord {
  const text = (path: string): string | undefined => storage.readFile(location, path)?.toString('utf8');
  const updatedAt = options.updatedAt === true ? text(UPDATED_AT_FILE) : undefined;
  return readRecord({ header: text(HEADER_FILE), model: text(MODEL_FILE), updatedAt }, location, storage.directory(location));
}
