import { isAbsolute, relative, sep } from 'node:path';
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

/** True when `path` is `directory` or lies below it. */
export function inside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
