import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { isTemporary } from './temporary-name.js';
import { directoryEntries } from './directory-entries.js';
import { errorCode } from './system-error.js';

/** Options of {@link cleanTemporary}. */
export interface CleanTemporaryOptions {
  /**
   * Only entries last modified at least this long ago are removed, so that a `create()`,
   * `copyIn()` or `writeFile()` still running in another process keeps its temporary. Default one hour.
   */
  readonly olderThanMs?: number;
  /** The current time in Unix milliseconds (tests). Default `Date.now()`. */
  readonly now?: number;
}

/** Default age after which a temporary entry is considered abandoned. */
export const DEFAULT_TEMPORARY_AGE_MS = 60 * 60 * 1000;

/**
 * Deletes leftovers of interrupted `create()`, `copyIn()`, `remove()` and `writeFile()` calls
 * anywhere in a storage: `.tmp-*` entries next to records (`<root>/<identity_key>/.tmp-…`,
 * inside a parent record) and `<file>.tmp-…` files inside records. Readers already ignore them;
 * this only reclaims space, so it is a separate, explicit step rather than a side effect of
 * reading. It walks the whole storage (as `reindex()` does), without following symbolic links.
 *
 * @returns the paths removed.
 * @example
 * const removed = cleanTemporary('/project/storage');
 * console.log(`removed ${removed.length} abandoned temporary entries`);
 */
export function cleanTemporary(root: string, options: CleanTemporaryOptions = {}): string[] {
  const olderThan = options.olderThanMs ?? DEFAULT_TEMPORARY_AGE_MS;
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries = directoryEntries(dir);
    if (entries === undefined) continue;
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (!isTemporary(entry.name)) {
        if (entry.isDirectory()) stack.push(path);
        continue;
      }
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
  }
  return removed;
}
