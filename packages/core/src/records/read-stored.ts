import { HEADER_FILE, MODEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import { readRecord, type StoredRecord } from '../format/record.js';
import type { Storage } from '../storage/storage.js';

/**
 * Reads the record at a location of a storage: `id.json`, `model.json` and `updated_at`, checked
 * (a `CorruptRecordError` names the file that is missing or malformed).
 */
export function readStored(storage: Storage, location: string): StoredRecord {
  const text = (path: string): string | undefined => storage.readFile(location, path)?.toString('utf8');
  return readRecord({ header: text(HEADER_FILE), model: text(MODEL_FILE), updatedAt: text(UPDATED_AT_FILE) }, location, storage.directory(location));
}
