import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { HttpError } from '../errors.js';

/**
 * The file a request names inside a record directory, or a 404 `HttpError`. The relative path
 * (decoded once by the router, so `%2e%2e` and `%2F` arrive as `..` and `/` and are judged as
 * such) is refused when it is absolute, holds a backslash or a NUL, or has an empty segment or
 * one starting with `.` (`.`, `..`, and the store's own dot files); then its real path, symlinks
 * followed, must lie inside the record directory, which must lie inside the storage root, and be
 * a regular file. Every refusal reads "not found", so the answer tells nothing of what exists
 * outside.
 *
 * @example
 * safeRecordFile('/p/storage', '/p/storage/abc/def', 'result.json'); // '/p/storage/abc/def/result.json'
 * safeRecordFile('/p/storage', '/p/storage/abc/def', '../../etc/passwd'); // throws HttpError(404)
 */
export function safeRecordFile(storageRoot: string, recordDirectory: string, requested: string): string {
  const notFound = (): HttpError => new HttpError(404, `File not found: ${requested}`);
  if (requested === '' || requested.includes('\0') || requested.includes('\\') || isAbsolute(requested)) throw notFound();
  const segments = requested.split('/');
  // Dot files (`.machinable`, temporary entries) are the store's own, and are not listed either.
  if (segments.some((segment) => segment === '' || segment.startsWith('.'))) throw notFound();
  let real: string;
  let root: string;
  let record: string;
  try {
    root = realpathSync(storageRoot);
    record = realpathSync(recordDirectory);
    real = realpathSync(join(recordDirectory, ...segments));
  } catch {
    throw notFound();
  }
  if (!inside(root, record) || !inside(record, real) || real === record) throw notFound();
  try {
    if (!statSync(real).isFile()) throw notFound();
  } catch {
    throw notFound();
  }
  return real;
}

/** True when `path` is `directory` or lies below it. */
export function inside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
