/**
 * The compile cache of a project's `.ts` modules: one file per (source, file name, swc version,
 * options), in node_modules/.cache/machinable/ts next to the framework's own @swc/core, or in
 * $MACHINABLE_TS_CACHE (`off` disables it). The file name is part of the key because the inline
 * source map names it. A file is written whole and renamed into place, so a reader never sees part.
 * Used by both module hook flavours (ts-hooks.ts on Node's hooks thread, ts-hooks-sync.ts in-thread).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const CACHE_FORMAT = 1;
let cache: { directory: string; salt: string } | null | undefined;

/**
 * The cache file for this source, or undefined when the cache is off or unusable. `options` is
 * what else decides the output (the swc options), so a change to them misses the old entries.
 */
export function cacheFile(filename: string, source: string, options: unknown): string | undefined {
  if (cache === undefined) cache = openCache(options);
  if (!cache) return undefined;
  const key = createHash('sha256').update(cache.salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  return join(cache.directory, `${key}.js`);
}

/** The cached output, or undefined when it is not there (not compiled yet, or the cache was cleared). */
export function readCached(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function openCache(options: unknown): { directory: string; salt: string } | null {
  const setting = process.env['MACHINABLE_TS_CACHE'];
  if (setting === 'off' || setting === '0') return null;
  try {
    const swcPackage = createRequire(import.meta.url).resolve('@swc/core/package.json');
    const { version } = JSON.parse(readFileSync(swcPackage, 'utf8')) as { version: string };
    const modules = dirname(dirname(dirname(swcPackage))); // <node_modules>/@swc/core/package.json
    const directory = setting || join(modules, '.cache', 'machinable', 'ts');
    return { directory, salt: JSON.stringify([CACHE_FORMAT, version, options]) };
  } catch {
    return null; // no cache, compile every time
  }
}

/** Stores compiled output; a failure (a read-only install) only means compiling again next time. */
export function store(file: string, code: string): void {
  const temporary = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, code);
    renameSync(temporary, file);
    prune(dirname(file));
  } catch {
    rmSync(temporary, { force: true });
  }
}

// Modules of throwaway projects (tests, temporary folders) would pile up: past CACHE_LIMIT files,
// the older half goes (by when they were compiled). Checked only after a compile, which costs more.
const CACHE_LIMIT = 1000;

function prune(directory: string): void {
  const names = readdirSync(directory);
  if (names.length <= CACHE_LIMIT) return;
  const aged = names.flatMap((name) => {
    const path = join(directory, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats ? [{ path, time: stats.mtimeMs }] : [];
  });
  aged.sort((a, b) => a.time - b.time);
  for (const { path } of aged.slice(0, aged.length - CACHE_LIMIT / 2)) rmSync(path, { force: true });
}
