/**
 * The entries of a record directory (format v1). Writers, readers and every storage adapter share
 * these names, so the sides cannot drift apart.
 */
import { STATUS_MARKERS } from './run-state.js';

/** Version of the directory format written into every `id.json`. */
export const FORMAT_VERSION = 1;

/** Discovery sentinel; holds the record id. A directory is a record once this file exists. */
export const SENTINEL_FILE = '.machinable';
/** The identity header (`RecordHeader`): written once, never rewritten. */
export const HEADER_FILE = 'id.json';
/** The record model: module, config layers, version, predicate, label, ... */
export const MODEL_FILE = 'model.json';
/** Per-record sync marker, bumped by every mutating API. */
export const UPDATED_AT_FILE = 'updated_at';
/** The edge log: one JSON edge per line, append-only, deduplicated on read. */
export const EDGE_LOG_FILE = 'related/metadata.jsonl';
/** On an interface record: it has been computed (holds the reason, `finished` after a run). */
export const CACHED_FILE = 'cached';

/** Entries the format owns; a record's own files (`saveFile`) may not replace them. */
export const FORMAT_FILES: ReadonlySet<string> = new Set([
  SENTINEL_FILE,
  HEADER_FILE,
  MODEL_FILE,
  UPDATED_AT_FILE,
  CACHED_FILE,
  ...STATUS_MARKERS,
]);

/** The folder of the edge log (and the reference's per-relation mirror files). */
export const RELATED_DIRECTORY = 'related';

/** Prefix of temporary names in a storage; readers skip them, a crash may leave them behind. */
export const TEMPORARY_PREFIX = '.tmp-';
