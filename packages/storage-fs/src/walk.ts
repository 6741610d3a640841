import { join } from 'node:path';

import { HEADER_FILE, RELATED_DIRECTORY, SENTINEL_FILE, TEMPORARY_PREFIX, type WalkEntry } from '@machinable/core/storage';

import { directoryEntries } from './directory-entries.js';
import { fileLocation, locationPath } from './location.js';

/**
 * Every record directory under `root` (or under `location`, itself included), parents before their
 * children: a depth-first walk that does not follow symbolic links (the reference's `related/`
 * mirrors may hold some) and skips temporary entries. Directories with an `id.json` but no sentinel
 * are reported too. What `FsStorage.walk()` answers.
 *
 * @example
 * for (const { location, sentinel } of walkRecords('/project/storage')) if (!sentinel) console.warn(location);
 */
export function* walkRecords(root: string, location?: string): Generator<WalkEntry> {
  const start = location === undefined ? root : locationPath(location);
  const stack: string[] = [start];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const entries = directoryEntries(dir);
    if (entries === undefined) continue;
    let sentinel = false;
    let header = false;
    const children: string[] = [];
    for (const entry of entries) {
      const { name } = entry;
      if (name === SENTINEL_FILE) sentinel = true;
      else if (name === HEADER_FILE) header = true;
      else if (entry.isDirectory() && !name.startsWith(TEMPORARY_PREFIX) && name !== RELATED_DIRECTORY) children.push(name);
    }
    if ((dir !== root || location !== undefined) && (sentinel || header)) yield { location: fileLocation(dir), sentinel };
    // Reversed, so the stack pops them in name order: a stable walk.
    for (let i = children.length - 1; i >= 0; i--) stack.push(join(dir, children[i]!));
  }
}
