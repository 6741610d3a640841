import module, { createRequire } from 'node:module';
import type { LoadFnOutput, LoadHookContext, ResolveFnOutput, ResolveHookContext } from 'node:module';
import { enableCompileCache } from './compile-cache.js';

/** The hooks `module.registerHooks` takes: synchronous `resolve` and `load`. */
interface SyncHooks {
  resolve(specifier: string, context: ResolveHookContext, next: (specifier: string, context?: Partial<ResolveHookContext>) => ResolveFnOutput): ResolveFnOutput;
  load(url: string, context: LoadHookContext, next: (url: string, context?: Partial<LoadHookContext>) => LoadFnOutput): LoadFnOutput;
}
/** `module.registerHooks` of Node >= 22.15 (newer than the Node 20 typings this package builds against). */
type RegisterHooks = (hooks: SyncHooks) => { deregister(): void };

let registered: 'in-thread' | 'hooks-thread' | undefined;

/**
 * Registers the TypeScript module hooks once per process, so `import()` of a project's `.ts`
 * module compiles it on the fly. Modules imported before this call are unaffected. Where Node has
 * `module.registerHooks` (>= 22.15) the hooks run in the loading thread (ts-hooks-sync.ts) and
 * Node's compile cache is turned on; elsewhere (Node 20) they run on Node's hooks thread, started
 * by `module.register` (ts-hooks.ts), which costs a thread and a round trip per import.
 * Returns which of the two is in use.
 */
export function registerTypeScriptLoader(): 'in-thread' | 'hooks-thread' {
  if (registered) return registered;
  const registerHooks = (module as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks) {
    // Loaded only here (importing core does not load the hooks and swc's cache code), with
    // require(), which loads ES modules synchronously on every Node that has registerHooks.
    const syncHooks = createRequire(import.meta.url)('./ts-hooks-sync.js') as typeof import('./ts-hooks-sync.js');
    registerHooks(syncHooks);
    enableCompileCache();
    registered = 'in-thread';
  } else {
    module.register('./ts-hooks.js', import.meta.url);
    registered = 'hooks-thread';
  }
  return registered;
}
