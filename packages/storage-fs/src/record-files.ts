import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { SENTINEL_FILE } from '@machinable/core/storage';

import { isTemporary } from './temporary-name.js';
import { directoryEntries } from './directory-entries.js';
import { locationPath } from './location.js';

/**
 * The files of the record at `location`, relative to it, sorted; child records (directories with
 * a sentinel) and temporary entries are left out. What `FsStorage.files()` answers.
 *
 * @example
 * recordFiles('file:///project/storage/404e…/4413…'); // ['.machinable', 'id.json', 'model.json', …]
 */
export function recordFiles(location: string): string[] {
  const directory = locationPath(location);
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    const entries = directoryEntries(dir);
    if (entries === undefined) return;
    for (const entry of entries) {
      if (isTemporary(entry.name)) continue;
      const path = prefix + entry.name;
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
