import { register } from 'node:module';

let registered = false;

/**
 * Registers the TypeScript module hooks once per process, so `import()` of a project's `.ts`
 * module compiles it on the fly. Modules imported before this call are unaffected.
 */
export function registerTypeScriptLoader(): void {
  if (registered) return;
  register('./ts-hooks.js', import.meta.url);
  registered = true;
}
