/**
 * How a project's imports resolve, shared by both module hook flavours (ts-hooks.ts on Node's
 * hooks thread, ts-hooks-sync.ts in-thread):
 * - `@machinable/*` imported from a project's own file resolves to the running framework's copy
 *   (as if the framework imported it), so a project has one metadata storage and one `Interface`
 *   class however it is installed; if the framework has no such package, the project's own is used;
 * - TypeScript style `import './utils.js'` from a `.ts` file names the compiled file: when there
 *   is none, the source next to it (`./utils.ts`) is tried.
 */

/** Files the module hooks compile. */
export const TS_EXTENSION = /\.m?ts$/;

const FRAMEWORK = /^@machinable\//;

/** Whether to resolve `specifier` from the framework (`frameworkURL`) rather than from its importer. */
export function fromFramework(specifier: string, parentURL: string | undefined): boolean {
  return FRAMEWORK.test(specifier) && parentURL !== undefined && !parentURL.includes('/node_modules/');
}

/** The `.ts` source to try when `specifier` (a relative `.js`/`.mjs` import of a `.ts` file) did not resolve. */
export function sourceFallback(specifier: string, parentURL: string | undefined): string | undefined {
  if (/^\.{1,2}\//.test(specifier) && /\.m?js$/.test(specifier) && TS_EXTENSION.test(parentURL ?? '')) {
    return specifier.replace(/js$/, 'ts');
  }
  return undefined;
}
