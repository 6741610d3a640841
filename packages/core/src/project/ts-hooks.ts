/**
 * Node module hooks (registered by `ts-loader.ts`) that let a project's `.ts` modules load without
 * a build step. Runs on Node's hooks thread. Two jobs:
 * - compile `.ts`/`.mts` with swc, keeping legacy decorators *and* decorator metadata, which config
 *   type inference reads (esbuild-based loaders drop the metadata), and keep the output in a cache
 *   keyed by the source, so a module unchanged since the last run loads without swc;
 * - make `@machinable/*` imports from a project resolve to the running framework's own copy, so a
 *   project has one metadata storage and one `Interface` class however it is installed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: { format?: string | null }) => Promise<LoadResult>;

const TS_EXTENSION = /\.m?ts$/;
const FRAMEWORK = /^@machinable\//;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  if (FRAMEWORK.test(specifier) && context.parentURL && !context.parentURL.includes('/node_modules/')) {
    try {
      // Resolve as if this (framework) file imported it: the framework's own copy.
      return await next(specifier, { ...context, parentURL: import.meta.url });
    } catch {
      // not installed next to the framework: fall through to the project's own resolution
    }
  }
  try {
    return await next(specifier, context);
  } catch (error) {
    // TypeScript style: `import './utils.js'` names the compiled file; try the source next to it.
    const parent = context.parentURL ?? '';
    if (/^\.{1,2}\//.test(specifier) && /\.m?js$/.test(specifier) && TS_EXTENSION.test(parent)) {
      return next(specifier.replace(/js$/, 'ts'), context);
    }
    throw error;
  }
}

let swc: typeof import('@swc/core') | undefined;

const SWC_OPTIONS = {
  sourceMaps: 'inline',
  module: { type: 'es6' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
} as const;

export async function load(url: string, context: { format?: string | null }, next: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:') || !TS_EXTENSION.test(url)) return next(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, 'utf8');
  const cached = cacheFile(filename, source);
  if (cached) {
    try {
      return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
    } catch {
      // not compiled yet (or the cache was cleared)
    }
  }
  // swc (native, ~30 ms to load) only when something needs compiling; require() spares Node a
  // parse of the CommonJS package for its export names.
  swc ??= createRequire(import.meta.url)('@swc/core') as typeof import('@swc/core');
  const { transform } = swc;
  const output = await transform(source, { filename, ...SWC_OPTIONS });
  if (cached) store(cached, output.code);
  return { format: 'module', source: output.code, shortCircuit: true };
}

// Compile cache: one file per (source, file name, swc version, options), in
// node_modules/.cache/machinable/ts next to the framework's own @swc/core, or in
// $MACHINABLE_TS_CACHE (`off` disables it). The file name is part of the key because the inline
// source map names it. A file is written whole and renamed into place, so a reader never sees part.
const CACHE_FORMAT = 1;
let cache: { directory: string; salt: string } | null | undefined;

function cacheFile(filename: string, source: string): string | undefined {
  if (cache === undefined) cache = openCache();
  if (!cache) return undefined;
  const key = createHash('sha256').update(cache.salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  return join(cache.directory, `${key}.js`);
}

function openCache(): { directory: string; salt: string } | null {
  const setting = process.env['MACHINABLE_TS_CACHE'];
  if (setting === 'off' || setting === '0') return null;
  try {
    const swcPackage = createRequire(import.meta.url).resolve('@swc/core/package.json');
    const { version } = JSON.parse(readFileSync(swcPackage, 'utf8')) as { version: string };
    const modules = dirname(dirname(dirname(swcPackage))); // <node_modules>/@swc/core/package.json
    const directory = setting || join(modules, '.cache', 'machinable', 'ts');
    return { directory, salt: JSON.stringify([CACHE_FORMAT, version, SWC_OPTIONS]) };
  } catch {
    return null; // no cache, compile every time
  }
}

function store(file: string, code: string): void {
  const temporary = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, code);
    renameSync(temporary, file);
    prune(dirname(file));
  } catch {
    // The cache is an optimisation: a read-only install just compiles every time.
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
