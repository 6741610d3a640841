/**
 * Asynchronous Node module hooks, registered with `module.register()` by ts-loader.ts where Node
 * has no in-thread hooks (Node 20). They run on Node's hooks thread and let a project's `.ts`
 * modules load without a build step: resolution as ts-resolve.ts says, compilation as
 * ts-compile.ts does. ts-hooks-sync.ts is the same for `module.registerHooks()`.
 */
import { readFile } from 'node:fs/promises';
import type { LoadFnOutput, LoadHookContext, ResolveFnOutput, ResolveHookContext } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compile } from './ts-compile.js';
import { TS_EXTENSION, fromFramework, sourceFallback } from './ts-resolve.js';

type NextResolve = (specifier: string, context?: Partial<ResolveHookContext>) => Promise<ResolveFnOutput>;
type NextLoad = (url: string, context?: Partial<LoadHookContext>) => Promise<LoadFnOutput>;

export async function resolve(specifier: string, context: ResolveHookContext, next: NextResolve): Promise<ResolveFnOutput> {
  if (fromFramework(specifier, context.parentURL)) {
    try {
      return await next(specifier, { ...context, parentURL: import.meta.url });
    } catch {
      // not installed next to the framework: fall through to the project's own resolution
    }
  }
  try {
    return await next(specifier, context);
  } catch (error) {
    const source = sourceFallback(specifier, context.parentURL);
    if (source) return next(source, context);
    throw error;
  }
}

export async function load(url: string, context: LoadHookContext, next: NextLoad): Promise<LoadFnOutput> {
  if (!url.startsWith('file:') || !TS_EXTENSION.test(url)) return next(url, context);
  const filename = fileURLToPath(url);
  return { format: 'module', source: await compile(filename, await readFile(filename, 'utf8')), shortCircuit: true };
}
