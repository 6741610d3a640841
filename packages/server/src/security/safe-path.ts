import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { HttpError } from '../errors.js';

/**
 * The file a request names among the files of its record, as its storage lists them
 * (`Storage.files`), or a 404 `HttpError`. The path (decoded once by the router, so `%2e%2e` and
 * `%2F` arrive as `..` and `/` and are judged as such) is refused when it is absolute, holds a
 * backslash or a NUL, or has an empty segment or one starting with `.` (`.`, `..`, and the store's
 * own dot files); then it must be one of `files`, written as the storage writes it, so nothing
 * outside the record can be named whatever the storage. Every refusal reads "not found", so the
 * answer tells nothing of what exists outside.
 *
 * @example
 * recordFile('result.json', ['id.json', 'result.json']); // 'result.json'
 * recordFile('../id.json', ['id.json']); // throws HttpError(404)
 */
export function recordFile(requested: string, files: readonly string[]): string {
  if (!plainRelative(requested) || !files.includes(requested)) throw new HttpError(404, `File not found: ${requested}`);
  return requested;
}

/** True for a relative path of plain names: not absolute, no backslash or NUL, no empty or dot segment. */
function plainRelative(requested: string): boolean {
  if (requested === '' || requested.includes('\0') || requested.includes('\\') || isAbsolute(requested)) return false;
  // Dot files (`.machinable`, temporary entries) are the store's own, and are not listed either.
  return !requested.split('/').some((segment) => segment === '' || segment.startsWith('.'));
}

/**
 * A file of a record kept in a directory of this machine, judged where it lives, or a 404
 * `HttpError`: a symlink, which the storage contract cannot show, must not take a request outside
 * the record (see `shownFiles`). The path is refused as `recordFile` refuses it; then its real
 * path, symlinks followed, must lie inside the record directory, which must lie inside the
 * storage root, and be a regular file. Only paths are resolved: nothing is read.
 *
 * @example
 * safeRecordFile('/p/storage', '/p/storage/abc/def', 'result.json'); // '/p/storage/abc/def/result.json'
 * safeRecordFile('/p/storage', '/p/storage/abc/def', '../../etc/passwd'); // throws HttpError(404)
 */
export function safeRecordFile(storageRoot: string, recordDirectory: string, requested: string): string {
  const notFound = (): HttpError => new HttpError(404, `File not found: ${requested}`);
  if (!plainRelative(requested)) throw notFound();
  const segments = requested.split('/');
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
