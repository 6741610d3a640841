/**
 * @machinable/storage-fs: the default `Storage` of `@machinable/core`, one directory per record
 * (`<root>/<uuid>/`, format v1 of the Python reference). Core loads `createStorage` by module name.
 */
export { FsStorage, createStorage, type FsStorageOptions } from './fs-storage.js';
export { cleanTemporary, DEFAULT_TEMPORARY_AGE_MS, type CleanTemporaryOptions } from './temporary.js';
export { atomicWriteFile, type AtomicWriteOptions } from './atomic.js';
export { readRecordDirectory } from './record-directory.js';
export { normalizeRecordPath } from './record-path.js';
export { uuidTime } from './uuid-time.js';
export { RecordPathError } from './errors.js';
export {
  SENTINEL_FILE,
  ID_FILE,
  MODEL_FILE,
  UPDATED_AT_FILE,
  RELATED_LOG_FILE,
  TEMPORARY_PREFIX,
} from './layout.js';
