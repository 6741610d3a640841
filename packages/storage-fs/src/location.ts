import { resolve, sep } from 'node:path';

import { RecordPathError } from './errors.js';

const FILE_SCHEME = 'file://';

/**
 * What makes a POSIX absolute path not normal: an empty segment (`//`), a `.` or `..` segment, or
 * a trailing slash. A path without any is what `resolve()` would return anyway.
 */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

/**
 * True when `path` is absolute and already in `resolve()`'s form, so resolving it can be skipped:
 * every read and write of a record asks for its directory, and `resolve()` walks the whole path
 * character by character (a tenth of a launch before the JIT has warmed up).
 */
export function isNormalAbsolute(path: string): boolean {
  return sep === '/' && path.charCodeAt(0) === 0x2f && !NOT_NORMAL.test(path);
}

function resolved(path: string): string {
  return isNormalAbsolute(path) ? path : resolve(path);
}

/** The location (index `storage_uri`) of a local directory: `file://` + its absolute path, as the reference writes it. */
export function fileLocation(path: string): string {
  return FILE_SCHEME + resolved(path);
}

/**
 * The directory of a location: a `file://` URI (or, as the reference accepts, a plain path).
 *
 * @throws RecordPathError for a remote URI (`s3://…`), which a local filesystem cannot open.
 */
export function locationPath(location: string): string {
  if (location.startsWith(FILE_SCHEME)) {
    const path = location.slice(FILE_SCHEME.length);
    // `file://localhost/x` names /x, as `file:///x` does; a trailing slash names the same directory.
    return resolved(path.startsWith('localhost/') ? path.slice('localhost'.length) : path);
  }
  if (location.includes('://')) {
    throw new RecordPathError(location, 'the filesystem storage opens file:// locations only; fetch remote records with their own storage');
  }
  return resolved(location);
}
