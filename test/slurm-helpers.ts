/**
 * Helpers for the Slurm specs: projects that declare the plugin, whether a Slurm cluster is at
 * hand (`.ci/slurm` starts a single-node one), job states, and the cleanup of every job a spec
 * submitted.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { linkPackages, makeProject } from './helpers.js';

/** URL of the built Slurm plugin, for scripts that run outside the repository. */
export const SLURM_URL = import.meta.resolve('@machinable/slurm');

/** A project's declaration of the Slurm plugin (`machinable.config.mjs`). */
export const SLURM_CONFIG = "export default { plugins: ['@machinable/slurm'] };\n";

/**
 * A project folder with the given files that declares the Slurm plugin (unless the files bring
 * their own `machinable.config`), with the workspace packages linked into its node_modules, as
 * `npm install @machinable/core @machinable/slurm` would.
 */
export function slurmProject(files: Record<string, string>): string {
  const declared = Object.keys(files).some((name) => name.startsWith('machinable.config.'));
  return linkPackages(makeProject(declared ? files : { ...files, 'machinable.config.mjs': SLURM_CONFIG }));
}

/** True when `sbatch` runs here. */
export const HAS_SBATCH = spawnSync('sbatch', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * Why the Slurm specs are skipped, or false to run them: they are skipped only where `sbatch` is
 * absent, and never under CI (`CI=true`), where a missing Slurm must fail them loudly.
 */
export const SLURM_SKIP: string | false =
  HAS_SBATCH || process.env['CI'] === 'true' ? false : 'sbatch is not on PATH, so there is no Slurm cluster to submit to (as root, bash .ci/slurm starts a single-node one)';
if (SLURM_SKIP) console.log(`# skipping the Slurm specs: ${SLURM_SKIP}`);

/** A job's state (`PENDING`, `RUNNING`, `COMPLETED`, `CANCELLED`, ...) and reason, as squeue says. */
export function jobState(job: string): { state: string; reason: string } | undefined {
  const result = spawnSync('squeue', ['--noheader', '--states=all', `--jobs=${job}`, '--format=%T|%r'], { encoding: 'utf8' });
  const [state, reason = ''] = (result.stdout ?? '').trim().split('|');
  return state ? { state, reason } : undefined;
}

/** Runs a Slurm command; throws with its stderr when it fails. */
export function slurmCli(command: string, ...args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** Cancels every job queued or running in one of `directories` (a job's working directory is its project). */
export function cancelJobsIn(directories: readonly string[]): void {
  if (!HAS_SBATCH || directories.length === 0) return;
  const listed = spawnSync('squeue', ['--noheader', '--format=%i|%Z'], { encoding: 'utf8' }).stdout ?? '';
  const jobs = listed
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter(([id, dir]) => id && dir && directories.some((d) => dir === d || dir.startsWith(`${d}/`)))
    .map(([id]) => id!);
  if (jobs.length > 0) spawnSync('scancel', jobs);
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
