import module from 'node:module';

/** `module.enableCompileCache` of Node >= 22.1 (newer than the Node 20 typings this package builds against). */
type EnableCompileCache = (directory?: string) => unknown;

/**
 * Turns on Node's module compile cache where Node has one (>= 22.1): V8 keeps the code it compiled
 * for every module loaded from now on (JavaScript and compiled `.ts` alike) in a cache directory,
 * so the next process starts without compiling them again. The directory is Node's default
 * (`$NODE_COMPILE_CACHE`, else `node-compile-cache` in the OS temporary folder), and
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as Node documents. Nothing happens on Node 20.
 */
export function enableCompileCache(): void {
  (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache?.();
}
