/**
 * Synchronous Node module hooks for `module.registerHooks()` (Node >= 22.15), registered by
 * ts-loader.ts: the same resolution (ts-resolve.ts) and compilation (ts-compile.ts) as
 * ts-hooks.ts, but run in the thread that loads the module, so no hooks thread is started and
 * imports make no round trips to one.
 */
import { readFileSync } from 'node:fs';
import type { LoadFnOutput, LoadHookContext, ResolveFnOutput, ResolveHookContext } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compileSync } from './ts-compile.js';
import { TS_EXTENSION, fromFramework, sourceFallback } from './ts-resolve.js';

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput;
type NextLoad = (url: string, context?: Partial<LoadHookContext>) => LoadFnOutput;

export function resolve(specifier: string, context: ResolveHookContext, next: NextResolve): ResolveFnOutput {
  if (fromFramework(specifier, context.parentURL)) {
    try {
      return next(specifier, { ...context, parentURL: import.meta.url });
    } catch {
      // not installed next to the framework: fall through to the project's own resolution
    }
  }
  try {
    return next(specifier, context);
  } catch (error) {
    const source = sourceFallback(specifier, context.parentURL);
    if (source) return next(source, context);
    throw error;
  }
}

export function load(url: string, context: LoadHookContext, next: NextLoad): LoadFnOutput {
  if (!url.startsWith('file:') || !TS_EXTENSION.test(url)) return next(url, context);
  const filename = fileURLToPath(url);
  return { format: 'module', source: compileSync(filename, readFileSync(filename, 'utf8')), shortCircuit: true };
}
