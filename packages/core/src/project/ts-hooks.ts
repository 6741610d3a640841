/**
 * Node module hooks (registered by `ts-loader.ts`) that let a project's `.ts` modules load without
 * a build step. Runs on Node's hooks thread. Two jobs:
 * - compile `.ts`/`.mts` with swc, keeping legacy decorators *and* decorator metadata, which config
 *   type inference reads (esbuild-based loaders drop the metadata);
 * - make `@machinable/*` imports from a project resolve to the running framework's own copy, so a
 *   project has one metadata storage and one `Interface` class however it is installed.
 */
import { readFile } from 'node:fs/promises';
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

export async function load(url: string, context: { format?: string | null }, next: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:') || !TS_EXTENSION.test(url)) return next(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, 'utf8');
  const { transform } = await import('@swc/core');
  const output = await transform(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  });
  return { format: 'module', source: output.code, shortCircuit: true };
}
