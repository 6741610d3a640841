/**
 * Which module hooks load a project's `.ts` modules: on Node with `module.registerHooks`
 * (>= 22.15) they run in the loading thread and Node's compile cache is on; on Node 20 they run
 * on the hooks thread `module.register` starts. Run on both by .ci/run.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORE_URL, makeProject, runScript } from './helpers.js';

const inThread = typeof (module as { registerHooks?: unknown }).registerHooks === 'function';

// Loads a decorated .ts module, then reports the threads of the process by name (Node 24 names
// the hooks thread "WorkerThread"; Node 20 names every thread "node"), the compile cache folder,
// and the decorator metadata swc kept.
const PROBE = `
import { readdirSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { project } from ${JSON.stringify(CORE_URL)};
const cls = await project(process.cwd()).load('probe');
const threads = readdirSync('/proc/self/task').map((id) => readFileSync('/proc/self/task/' + id + '/comm', 'utf8').trim());
console.log(JSON.stringify({
  threads,
  compileCache: module.getCompileCacheDir?.() ?? null,
  type: Reflect.getMetadata('design:type', cls.Config.prototype, 'seed')?.name,
}));
`;

const MODULE = `
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed: number = 0; }
export default class Probe extends Interface<C> { static Config = C; }
`;

describe('the .ts module loader', () => {
  let dir: string;
  let temporary: string;
  before(() => {
    dir = makeProject({ 'probe.ts': MODULE });
    temporary = mkdtempSync(join(tmpdir(), 'machinable-tmpdir-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(temporary, { recursive: true, force: true });
  });

  it(`runs ${inThread ? 'in the loading thread, with the compile cache on' : "on Node's hooks thread"} (Node ${process.version})`, async () => {
    // The compile cache's default folder is under the OS temporary folder: give the child its own.
    const env = { TMPDIR: temporary, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };
    const result = await runScript(dir, PROBE, env);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { threads: string[]; compileCache: string | null; type: string };
    assert.equal(report.type, 'Number', 'compiled by swc, decorator metadata included');
    if (inThread) {
      assert.ok(!report.threads.includes('WorkerThread'), `no hooks thread: ${report.threads.join(', ')}`);
      assert.ok(report.compileCache?.startsWith(join(temporary, 'node-compile-cache')), `compile cache in ${report.compileCache}`);
      assert.ok(readdirSync(join(temporary, 'node-compile-cache')).length > 0, 'the cache is written');
    } else {
      assert.equal(report.compileCache, null, 'Node 20 has no compile cache');
    }
  });
});
