/**
 * Compiles a project's `.ts` module with swc, keeping legacy decorators *and* decorator metadata,
 * which config type inference reads (esbuild-based loaders drop the metadata), through the compile
 * cache (ts-cache.ts), so a module unchanged since the last run loads without swc.
 */
import { createRequire } from 'node:module';
import { cacheFile, readCached, store } from './ts-cache.js';

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

type Swc = typeof import('@swc/core');
let swc: Swc | undefined;

// swc (native, ~30 ms to load) only when something needs compiling; require() spares Node a
// parse of the CommonJS package for its export names.
function loadSwc(): Swc {
  swc ??= createRequire(import.meta.url)('@swc/core') as Swc;
  return swc;
}

/** The module's JavaScript, from the cache or compiled now (off the calling thread). */
export async function compile(filename: string, source: string): Promise<string> {
  const cached = cacheFile(filename, source, SWC_OPTIONS);
  const hit = readCached(cached);
  if (hit !== undefined) return hit;
  const { code } = await loadSwc().transform(source, { filename, ...SWC_OPTIONS });
  if (cached) store(cached, code);
  return code;
}

/** The same, synchronously: for hooks that run in the loading thread. */
export function compileSync(filename: string, source: string): string {
  const cached = cacheFile(filename, source, SWC_OPTIONS);
  const hit = readCached(cached);
  if (hit !== undefined) return hit;
  const { code } = loadSwc().transformSync(source, { filename, ...SWC_OPTIONS });
  if (cached) store(cached, code);
  return code;
}
