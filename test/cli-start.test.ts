/**
 * What the `machinable` binary loads when it starts: oclif finds the commands in
 * oclif.manifest.json (written at build time) and imports only the command that runs; oclif's
 * engine check (which loads semver) is off; on Node >= 22 the compile cache is on.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from './cli-helpers.js';
import { REPO, makeProject, runNode } from './helpers.js';

const hasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

// Prints, at exit, the CommonJS modules the process loaded (oclif and its dependencies are CommonJS).
const LOADED = `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`;

describe('cli: start-up', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'machinable-cli-start-'));
    writeFileSync(join(dir, 'loaded.cjs'), LOADED);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = { NODE_TEST_CONTEXT: undefined, NODE_ENV: undefined };

  it('has a manifest that matches the compiled commands', async () => {
    const check = await runNode(REPO, [join(REPO, 'packages/cli/scripts/manifest.mjs'), '--check'], env);
    assert.equal(check.code, 0, check.stderr);
  });

  it('imports only the command that runs (oclif reads the rest from the manifest)', async () => {
    const result = await runNode(dir, [CLI_BIN, 'version'], { ...env, DEBUG: 'oclif:*' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /using manifest from .*oclif\.manifest\.json/);
    const imported = [...result.stderr.matchAll(/\((?:import|require)\) (\S+)/g)].map((match) => match[1]);
    assert.deepEqual(imported.map((file) => file?.split(/[\\/]/).slice(-2).join('/')), ['commands/version.js']);
  });

  it("loads neither semver (oclif's engine check) nor better-sqlite3 for `machinable version`", async () => {
    const result = await runNode(dir, ['--require', join(dir, 'loaded.cjs'), CLI_BIN, 'version'], env);
    assert.equal(result.code, 0, result.stderr);
    const loaded = JSON.parse(/^LOADED (.*)$/m.exec(result.stderr)?.[1] ?? '[]') as string[];
    assert.ok(loaded.some((file) => file.includes('@oclif/core')), 'oclif is loaded');
    assert.deepEqual(loaded.filter((file) => /node_modules[\\/](semver|better-sqlite3)[\\/]/.test(file)), []);
  });

  it(`${hasCompileCache ? 'turns on' : 'leaves off (there is none)'} Node's compile cache (Node ${process.version})`, async () => {
    const temporary = mkdtempSync(join(dir, 'tmp-'));
    const result = await runNode(dir, [CLI_BIN, 'version'], { ...env, TMPDIR: temporary, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined });
    assert.equal(result.code, 0, result.stderr);
    const cache = join(temporary, 'node-compile-cache');
    if (hasCompileCache) assert.ok(existsSync(cache) && readdirSync(cache).length > 0, `compile cache written in ${cache}`);
    else assert.equal(existsSync(cache), false);
  });

  it('leaves the environment of the commands (and their child processes) as it was', async () => {
    const project = makeProject({
      'probe.ts': `import { Interface } from '@machinable/core';
        export default class Probe extends Interface {
          run() { this.saveFile('env.json', { value: process.env['OCLIF_DISABLE_ENGINE_WARNING'] ?? null }); }
          env() { return this.loadFile('env.json'); }
        }`,
    });
    try {
      const result = await runNode(project, [CLI_BIN, 'get', 'probe', '--launch', '--env'], { ...env, OCLIF_DISABLE_ENGINE_WARNING: undefined });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { value: null });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
