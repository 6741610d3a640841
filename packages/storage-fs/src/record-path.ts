import { isAbsolute, join, posix, sep, win32 } from 'node:path';

import { RecordPathError } from './errors.js';
import { TEMPORARY_PREFIX } from '@machinable/core/storage';
import { isTemporary } from './temporary-name.js';

/**
 * Normalizes a path relative to a record directory (`a/./b.json` -> `a/b.json`) and refuses any
 * that would leave it. The check is on the text only: symlinks inside a record are trusted, since
 * only the record's owner can place them.
 *
 * @throws RecordPathError naming the path when it is empty, absolute, or escapes with `..`.
 */
export function normalizeRecordPath(path: string): string {
  // The same few names come back on every launch (`finished_at`, `related/metadata.jsonl`, ...).
  const known = normalized.get(path);
  if (known !== undefined) return known;
  const result = normalize(path);
  if (normalized.size >= 1024) normalized.clear();
  normalized.set(path, result);
  return result;
}

const normalized = new Map<string, string>();

function normalize(path: string): string {
  if (path.length === 0) throw new RecordPathError(path, 'the path is empty; name a file inside the record');
  if (path.includes('\0')) throw new RecordPathError(path, 'the path contains a NUL byte');
  // Both flavours: a Windows-style absolute path is as wrong on POSIX as it is on Windows.
  if (isAbsolute(path) || posix.isAbsolute(path) || win32.isAbsolute(path)) {
    throw new RecordPathError(path, 'absolute paths are not allowed; give a path relative to the record directory');
  }
  const normalized = posix.normalize(path.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new RecordPathError(path, 'it escapes the record directory with ".."; give a path inside the record');
  }
  if (normalized === '.' || normalized === '') {
    throw new RecordPathError(path, 'it names the record directory itself, not a file inside it');
  }
  // A name shaped like a temporary file's would be hidden from files() and deleted by cleanTemporary().
  if (normalized.split('/').some(isTemporary)) {
    throw new RecordPathError(path, `names starting with "${TEMPORARY_PREFIX}" or ending in "${TEMPORARY_PREFIX}<letters and digits>-<letters and digits>" are reserved for temporary files`);
  }
  return normalized;
}

/** Absolute path of a file inside a record directory, after {@link normalizeRecordPath}. */
export function resolveRecordPath(directory: string, path: string): string {
  return inside(directory, normalizeRecordPath(path));
}

/**
 * `join(directory, relative)` for a normalized record path (no `.`, `..` or empty segments), by
 * concatenation where the separator is `/`: a read or write joins paths several times.
 */
export function inside(directory: string, relative: string): string {
  return sep === '/' && !directory.endsWith('/') ? `${directory}/${relative}` : join(directory, relative);
}
