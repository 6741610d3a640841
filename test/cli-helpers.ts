/** Helpers for the CLI specs: run the real `machinable` binary in a project folder. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { outputOf, type ProcessResult } from './helpers.js';

/** The `machinable` binary of the workspace (packages/cli/bin/run.js). */
export const CLI_BIN = fileURLToPath(new URL('../bin/run.js', import.meta.resolve('@machinable/cli')));

/** Runs `machinable <args…>` with `cwd` as the project, as a user would (a fresh Node process). */
export function machinable(cwd: string, ...args: string[]): Promise<ProcessResult> {
  return outputOf(spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: cliEnv() }));
}

/**
 * Runs a command line through `sh`, with `machinable` defined as the workspace binary: what a
 * user gets when pasting the line into a shell (quoting included).
 */
export function shell(cwd: string, commandLine: string): Promise<ProcessResult> {
  const script = `machinable() { "$MACHINABLE_NODE" "$MACHINABLE_BIN" "$@"; }\n${commandLine}\n`;
  return outputOf(spawn('sh', ['-c', script], { cwd, env: { ...cliEnv(), MACHINABLE_NODE: process.execPath, MACHINABLE_BIN: CLI_BIN } }));
}

/** Output lines without the trailing newline. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

function cliEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // The parent's test-runner and storage settings are not the user's environment.
  for (const name of ['NODE_TEST_CONTEXT', 'NODE_ENV', 'MACHINABLE_STORAGE', 'MACHINABLE_INDEX']) delete env[name];
  return env;
}
