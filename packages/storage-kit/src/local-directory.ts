import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SENTINEL_FILE, TEMPORARY_PREFIX } from '@machinable/core/storage';

/** A directory read from the local filesystem: where it lies below the one read, and its files. */
export interface LocalDirectory {
  /** Segments below the directory read (`[]` for itself, `['c']` for a child record at `c/`). */
  readonly segments: readonly string[];
  /** Its files by path relative to it (`plots/loss.svg`), bytes read whole. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/**
 * A local record directory read whole, for `MemoryStorage.copyIn()`: the directory itself first,
 * then each subdirectory holding a sentinel as a record of its own (a child record), as the
 * filesystem storage lays them out. Temporary entries and symbolic links are left out.
 *
 * @throws the filesystem's error (ENOENT, EACCES) for a directory that cannot be read.
 * @example
 * readLocalDirectory('/tmp/export/404e…/4413…'); // [{ segments: [], files: Map { '.machinable' => … } }, …]
 */
export function readLocalDirectory(directory: string): LocalDirectory[] {
  const out: LocalDirectory[] = [];
  const visit = (path: string, segments: readonly string[]): void => {
    const files = new Map<string, Buffer>();
    out.push({ segments, files });
    const read = (dir: string, prefix: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name.startsWith(TEMPORARY_PREFIX)) continue;
        const full = join(dir, entry.name);
        if (entry.isFile()) files.set(prefix + entry.name, readFileSync(full));
        else if (!entry.isDirectory()) continue;
        else if (existsSync(join(full, SENTINEL_FILE))) visit(full, [...segments, ...prefix.split('/').filter(Boolean), entry.name]);
        else read(full, `${prefix}${entry.name}/`);
      }
    };
    read(path, '');
  };
  visit(directory, []);
  return out;
}
