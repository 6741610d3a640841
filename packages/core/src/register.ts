/**
 * `node --import @machinable/core/register script.ts`: run a TypeScript script (a sweep driver,
 * say) without a build step. Registers the module hooks that compile `.ts` files (the same ones a
 * project's modules load with, decorator metadata included) before the script is loaded, and turns
 * on Node's compile cache where Node has one (>= 22.1).
 */
import { enableCompileCache } from './project/compile-cache.js';
import { registerTypeScriptLoader } from './project/ts-loader.js';

enableCompileCache();
registerTypeScriptLoader();
