/**
 * @machinable/storage-fs: the default `Storage` of `@machinable/core`: record directories on a
 * local filesystem in format v1 (`<root>/<identity_key>/<predicate_key>/`, children nested).
 */
export { FsStorage, createStorage, type FsStorageOptions } from './fs-storage.js';
export { cleanTemporary, DEFAULT_TEMPORARY_AGE_MS, type CleanTemporaryOptions } from './temporary.js';
export { atomicWriteFile, type AtomicWriteOptions } from './atomic.js';
export { fileLocation, locationPath } from './location.js';
export { normalizeRecordPath } from './record-path.js';
export { RecordPathError } from './errors.js';
export { StorageAccessError } from './access-error.js';
