import { posix, win32 } from 'node:path';

import { HEADER_FILE, RecordPathError, SENTINEL_FILE, TEMPORARY_PREFIX } from '@machinable/core/storage';

/**
 * A path relative to a record (`plots/loss.svg`) in its one spelling: `a/./b.json` and `a\b.json`
 * become `a/b.json`, so two spellings of a path never name two files. The contract's refusals are
 * made here, once, for every method of {@link MemoryStorage}.
 *
 * @throws RecordPathError for a path that is empty, holds a NUL, is absolute (POSIX or Windows),
 * escapes the record with `..`, names the record itself, or names a temporary entry.
 * @example
 * recordPath('plots/./loss.svg'); // 'plots/loss.svg'
 */
export function recordPath(path: string): string {
  if (path.length === 0) throw new RecordPathError(path, 'the path is empty; name a file inside the record');
  if (path.includes('\0')) throw new RecordPathError(path, 'the path contains a NUL byte');
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) {
    throw new RecordPathError(path, 'absolute paths are not allowed; give a path relative to the record');
  }
  const normalized = posix.normalize(path.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new RecordPathError(path, 'it escapes the record with ".."; give a path inside the record');
  }
  if (normalized === '.' || normalized === '') throw new RecordPathError(path, 'it names the record itself, not a file inside it');
  if (normalized.split('/').some((segment) => segment.startsWith(TEMPORARY_PREFIX))) {
    throw new RecordPathError(path, `names starting with "${TEMPORARY_PREFIX}" are reserved for temporary entries`);
  }
  return normalized;
}

/**
 * {@link recordPath} for a write after creation: the sentinel and the header are fixed when a
 * record is created (the sentinel's presence is what makes a record whole, the header names it),
 * so `writeFile`, `appendFile` and `createFile` refuse them.
 *
 * @throws RecordPathError as {@link recordPath} does, and for `.machinable` and `id.json`.
 */
export function writablePath(path: string): string {
  const normalized = recordPath(path);
  if (normalized === SENTINEL_FILE || normalized === HEADER_FILE) {
    throw new RecordPathError(path, `${normalized} is fixed when a record is created and is never rewritten`);
  }
  return normalized;
}

/**
 * Whether `segment` is one plain name, as a record's location is made of: not empty, not `.` or
 * `..`, no separator or NUL, not a temporary name.
 */
export function isPlainName(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[/\\\0]/.test(segment) && !segment.startsWith(TEMPORARY_PREFIX);
}
