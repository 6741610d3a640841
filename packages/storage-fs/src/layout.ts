/**
 * Names of the files that make a directory a record (format v1 of the Python reference). Writers
 * and readers share these constants so the two sides cannot drift apart.
 */
import { STATUS_MARKERS } from '@machinable/core';

/** Sentinel: a directory is a record only once this file exists. */
export const SENTINEL_FILE = '.machinable';
/** The `RecordId`; written once at creation and never rewritten. */
export const ID_FILE = 'id.json';
/** The `RecordModel`. */
export const MODEL_FILE = 'model.json';
/** ISO-8601 time of the last change made through machinable. */
export const UPDATED_AT_FILE = 'updated_at';
/** Append-only log of edges to related records (one JSON object per line). */
export const RELATED_LOG_FILE = 'related/metadata.jsonl';

/**
 * Prefix of every temporary name in a storage root or record directory. Names starting with a dot
 * are never listed as records, so a crash that leaves one behind hides nothing and shows nothing.
 */
export const TEMPORARY_PREFIX = '.tmp-';

/** Files `create()` writes itself; user files may not replace them. */
export const RESERVED_FILES: ReadonlySet<string> = new Set([
  SENTINEL_FILE,
  ID_FILE,
  MODEL_FILE,
  UPDATED_AT_FILE,
  RELATED_LOG_FILE,
]);

/**
 * Files holding one ISO-8601 time that machinable rewrites as a run progresses: `updated_at` and
 * the status markers. `writeFile()` rewrites these in place when the length is unchanged.
 */
export const TIMESTAMP_FILES: ReadonlySet<string> = new Set([UPDATED_AT_FILE, ...STATUS_MARKERS]);

/** Files `writeFile()` refuses: rewriting them would change what the record *is*. */
export const IMMUTABLE_FILES: ReadonlySet<string> = new Set([SENTINEL_FILE, ID_FILE]);

/** JSON as the Python reference writes it: two-space indent and a trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
