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

/** How long the probe waits for the Slurm controller to answer `scontrol ping`. */
const PING_TIMEOUT_MS = 5000;

/**
 * Why no Slurm cluster can take jobs here, or undefined when one can: `sbatch` is not on PATH, or
 * the controller does not answer `scontrol ping` within 5 s (sbatch installed, no slurmctld
 * running or reachable). `env` is the environment the Slurm commands see (`PATH`, `SLURM_CONF`).
 */
export function slurmUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (spawnSync('sbatch', ['--version'], { encoding: 'utf8', env }).status !== 0) {
    return 'sbatch is not on PATH, so there is no Slurm cluster to submit to (as root, bash .ci/slurm starts a single-node one)';
  }
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8', env, timeout: PING_TIMEOUT_MS });
  if (ping.status === 0 && /\bUP\b/.test(ping.stdout)) return undefined;
  const said = ping.error ? ping.error.message : (ping.stdout.split('\n')[0] || ping.stderr.trim() || `exit code ${String(ping.status)}`);
  return `sbatch is installed but no Slurm controller answers \`scontrol ping\` within ${PING_TIMEOUT_MS / 1000} s (${said}); start one (as root, bash .ci/slurm)`;
}

/**
 * Why the Slurm specs are skipped, or false to run them: skipped where no cluster can take jobs
 * (see {@link slurmUnavailable}), and never under CI (`ci` true), where a missing or silent Slurm
 * must fail them loudly.
 */
export function slurmSkip(unavailable: string | undefined, ci: boolean): string | false {
  return ci || unavailable === undefined ? false : unavailable;
}

/** True when this run is a CI run (`CI=true`), where the Slurm specs never skip. */
export const IN_CI = process.env['CI'] === 'true';

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
