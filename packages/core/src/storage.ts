/**
 * `@machinable/core/storage`: what a storage adapter needs of core, and nothing else: the
 * `Storage` contract, the errors it must raise, and the names the format gives a record's files.
 * A narrow entry, so an adapter (`@machinable/storage-fs`, `@machinable/storage-kit`, a plugin
 * author's) loads no more of core than the contract.
 *
 * @example
 * import { RecordExistsError, type Storage } from '@machinable/core/storage';
 * class MyStorage implements Storage { ... }
 */
export { STORAGE, hasFile, walkEntries, type Storage, type WalkEntry } from './ports/storage.js';
export type { MaybePromise } from './kernel/maybe.js';
export { MachinableError, RecordExistsError, RecordNotFoundError, RecordPathError } from './kernel/errors.js';
export {
  FORMAT_VERSION,
  SENTINEL_FILE,
  HEADER_FILE,
  MODEL_FILE,
  UPDATED_AT_FILE,
  EDGE_LOG_FILE,
  CACHED_FILE,
  FORMAT_FILES,
  RELATED_DIRECTORY,
  TEMPORARY_PREFIX,
} from './format/layout.js';
export { STATUS_MARKERS, type StatusMarker } from './format/run-state.js';
export { CLAIM_FILE, FAILURE_FILE, HOST_FILE, OUTPUT_FILE, CANCELLED_FILE } from './format/reserved-files.js';
