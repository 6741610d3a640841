import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { TEMPORARY_PREFIX } from '@machinable/core';
import { errorCode } from './system-error.js';

/** Options of {@link cleanTemporary}. */
export interface CleanTemporaryOptions {
  /**
   * Only entries last modified at least this long ago are removed, so that a `create()` or
   * `adopt()` still running in another process keeps its directory. Default one hour.
   */
  readonly olderThanMs?: number;
  /** The current time in Unix milliseconds (tests). Default `Date.now()`. */
  readonly now?: number;
}

/** Default age after which a temporary entry is considered abandoned. */
export const DEFAULT_TEMPORARY_AGE_MS = 60 * 60 * 1000;

/**
 * Deletes leftovers of interrupted `create()`, `adopt()` and `remove()` calls: the `.tmp-*`
 * entries directly under a storage root. `list()` already ignores them; this only reclaims space,
 * so it is a separate, explicit step (e.g. `machinable clean`) rather than a side effect of
 * reading. Temporary files inside record directories (`result.json.tmp-*` from an interrupted
 * `writeFile`) are left alone: finding them would mean walking every record.
 *
 * @returns the paths removed.
 * @example
 * const removed = cleanTemporary('/project/storage');
 * console.log(`removed ${removed.length} abandoned temporary directories`);
 */
export function cleanTemporary(root: string, options: CleanTemporaryOptions = {}): string[] {
  const olderThan = options.olderThanMs ?? DEFAULT_TEMPORARY_AGE_MS;
  const now = options.now ?? Date.now();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(TEMPORARY_PREFIX)) continue;
    const path = join(root, name);
    let modified: number;
    try {
      // Whole milliseconds: mtimeMs has a fraction, so a file made this millisecond would look
      // younger than Date.now() says it can be.
      modified = Math.floor(lstatSync(path).mtimeMs);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue; // renamed into place or cleaned meanwhile
      throw error;
    }
    if (now - modified < olderThan) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
