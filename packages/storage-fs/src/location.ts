import { resolve } from 'node:path';

import { RecordPathError } from './errors.js';

const FILE_SCHEME = 'file://';

/** The location (index `storage_uri`) of a local directory: `file://` + its absolute path, as the reference writes it. */
export function fileLocation(path: string): string {
  return FILE_SCHEME + resolve(path);
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
    return resolve(path.startsWith('localhost/') ? path.slice('localhost'.length) : path);
  }
  if (location.includes('://')) {
    throw new RecordPathError(location, 'the filesystem storage opens file:// locations only; fetch remote records with their own storage');
  }
  return resolve(location);
}
