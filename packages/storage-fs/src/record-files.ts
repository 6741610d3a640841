import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

import { SENTINEL_FILE } from '@machinable/core/storage';

import { isTemporary } from './temporary-name.js';
import { directoryEntries } from './directory-entries.js';
import { locationPath } from './location.js';

/**
 * The files of the record at `location`, relative to it, sorted; child records (directories with
 * a sentinel), temporary entries and symbolic links that lead out of the record (they are not the
 * record's files: a copy of the record would not hold them, and whoever serves the record's files
 * must not hand out what they point at) are left out. What `FsStorage.files()` answers.
 *
 * @example
 * recordFiles('file:///project/storage/404e…/4413…'); // ['.machinable', 'id.json', 'model.json', …]
 */
export function recordFiles(location: string): string[] {
  const directory = locationPath(location);
  const out: string[] = [];
  let real: string | undefined;
  // A link is the record's when it resolves inside the record's own real directory (rare: looked at only for links).
  const inside = (link: string): boolean => {
    try {
      real ??= realpathSync(directory);
      const target = realpathSync(link);
      return target === real || target.startsWith(real + sep);
    } catch {
      return false; // dangling
    }
  };
  const walk = (dir: string, prefix: string): void => {
    const entries = directoryEntries(dir);
    if (entries === undefined) return;
    for (const entry of entries) {
      if (isTemporary(entry.name)) continue;
      const path = prefix + entry.name;
      if (entry.isSymbolicLink() && !inside(join(dir, entry.name))) continue;
      if (entry.isDirectory()) {
        const full = join(dir, entry.name);
        if (existsSync(join(full, SENTINEL_FILE))) continue; // a child record
        walk(full, `${path}/`);
      } else {
        out.push(path);
      }
    }
  };
  walk(directory, '');
  return out.sort();
}
