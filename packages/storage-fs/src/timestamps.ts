import { closeSync, fstatSync, openSync, statSync, writeFileSync, writeSync, type WriteFileOptions } from 'node:fs';

import { CACHED_FILE, STATUS_MARKERS, UPDATED_AT_FILE } from '@machinable/core/storage';

import { NEW_FILE } from './new-file.js';
import { errorCode } from './system-error.js';

/**
 * Small markers written often (timestamps, and `cached`, written once when a run finishes):
 * created with one exclusive write, and rewritten in place when the new content has the old
 * length (see `createStamp` and `rewriteInPlace`); a crash leaves the old content, the new, or
 * an empty marker, which reads as unset (`cached`: present, so computed, which a finished run is).
 */
export const TIMESTAMP_FILES: ReadonlySet<string> = new Set([UPDATED_AT_FILE, CACHED_FILE, ...STATUS_MARKERS]);

/**
 * The longest text a format-v1 writer puts in a single-time marker: `str(arrow.now())` with
 * microseconds and a `+HH:MM` offset (`2026-01-01T12:00:00.862361+00:00`), as this project writes
 * it too. (`resumed_at` gains a line per resume and is not a single time.)
 */
const LONGEST_TIME = 32;

/** Whether `data` is at least as long as any time a format-v1 writer leaves in this marker. */
export function coversAnyTime(relative: string, data: Uint8Array | string): data is string {
  return typeof data === 'string' && data.length >= LONGEST_TIME && data.length <= MAX_IN_PLACE_BYTES && relative !== 'resumed_at';
}

const IN_PLACE = { flag: 'r+', encoding: 'utf8' } as const;

/**
 * Overwrites a marker this storage wrote since creating the record, in place and without looking
 * at it first, with a time of the longest form: whoever rewrote it since (another process of
 * this project, or Python machinable) wrote a time of at most that many bytes, so the new text
 * covers the old one whole. One write at offset 0 (Node's one-call write: open, write, close): a
 * reader or a crash sees the old time or the new one. False when the file is gone.
 */
export function overwriteTime(file: string, text: string): boolean {
  return writeUnless(file, text, IN_PLACE, 'ENOENT');
}

/** One disk sector: larger in-place writes could tear on power loss. */
const MAX_IN_PLACE_BYTES = 512;

/**
 * Rewrites a timestamp file (`updated_at`, a status marker) in place when it already holds as
 * many bytes as the new time, which is the rule for the format's times (microseconds and offset
 * always written): one `pwrite` at offset 0, no truncation. A process that dies leaves the old
 * time or the new one, never an empty file, like temp + rename does; but no inode is made and
 * none freed, which is what a filesystem pays for most. Returns false when the file is missing or
 * has another length: the caller then writes it the atomic way.
 */
export function rewriteInPlace(file: string, data: Uint8Array | string, likelyExists: boolean): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length === 0 || bytes.length > MAX_IN_PLACE_BYTES) return false;
  // A marker is usually written once, so it is looked at first: a missing file then costs no exception.
  if (!likelyExists && statSync(file, { throwIfNoEntry: false })?.size !== bytes.length) return false;
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  try {
    // Checked again on the open file: it may have been replaced since the stat.
    if (fstatSync(fd).size !== bytes.length) return false;
    writeSync(fd, bytes, 0, bytes.length, 0);
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a timestamp file that does not exist yet with one write, without temp + rename: a
 * reader sees no file, an empty one, or the whole time, and reads an empty marker as unset, so a
 * process dying between the create and the write leaves the marker unset, as if it had died just
 * before. False when the file exists after all (another process wrote it).
 */
export function createStamp(file: string, data: Uint8Array | string): boolean {
  return writeUnless(file, data, NEW_FILE, 'EEXIST');
}

/** Writes a file with one `writeFileSync`; false when it fails with `refusal` (the file is not as the write expects), any other error thrown. */
function writeUnless(file: string, data: Uint8Array | string, options: WriteFileOptions, refusal: string): boolean {
  try {
    writeFileSync(file, data, options);
    return true;
  } catch (error) {
    if (errorCode(error) === refusal) return false;
    throw error;
  }
}
