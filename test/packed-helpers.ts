/** Helpers of the specs that install packed tarballs as a user would (packed-install, packed-plugin). */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { outputOf, type ProcessResult } from './helpers.js';

/**
 * The environment of a user's shell with this test run's Node first on PATH: without the
 * `npm_*` variables the outer `npm test` set (they would point npm at this repository), and
 * with the headers of this Node for node-gyp when they sit next to it (Node 24 from the
 * npm registry carries them in include/node; the machine's Node has them under /usr/include).
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || ['NODE_TEST_CONTEXT', 'NODE_ENV', 'MACHINABLE_STORAGE', 'MACHINABLE_INDEX', 'INIT_CWD'].includes(name)) continue;
    env[name] = value;
  }
  env['PATH'] = `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`;
  const headers = resolve(process.execPath, '..', '..');
  if (existsSync(join(headers, 'include', 'node', 'node.h'))) env['npm_config_nodedir'] = headers;
  return env;
}

/** Runs a command line through `sh` in `cwd`, as typed in a terminal. */
export function sh(cwd: string, commandLine: string): Promise<ProcessResult> {
  return outputOf(spawn('sh', ['-c', commandLine], { cwd, env: userEnv() }));
}

/** The result of a command that must have succeeded (an assertion naming `what` and its output otherwise). */
export function ok(result: ProcessResult, what: string): ProcessResult {
  assert.equal(result.code, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}
