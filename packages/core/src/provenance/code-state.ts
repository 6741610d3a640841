import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../json/json.js';
import type { JsonObject } from '../format/model.js';

/**
 * One entry of a manifest, as the reference writes them: which tool (`provider`) describes which
 * part (`component`) by an opaque `token` (what identifies the state), with descriptive `meta`
 * that does not (a branch name, a remote).
 */
export interface ManifestEntry {
  readonly provider: string;
  readonly component: string;
  readonly token: JsonObject;
  readonly meta: JsonObject;
}

/**
 * The code state of a project folder, read-only (nothing is written to the repository): the git
 * commit of the repository containing it, whether the working tree is dirty and a fingerprint of
 * the uncommitted changes (the diff against HEAD and the paths of untracked files, as the
 * reference's `Manifest.capture()`); and the versions of the packages its `package.json`
 * depends on, as installed. No entry for what is not there (not a git repository, no
 * `package.json`).
 */
export function captureCodeState(directory: string): ManifestEntry[] {
  return [...gitEntries(directory), ...packageEntries(directory)];
}

function gitEntries(directory: string): ManifestEntry[] {
  const commit = git(directory, 'rev-parse', 'HEAD');
  const toplevel = git(directory, 'rev-parse', '--show-toplevel');
  if (commit === undefined || toplevel === undefined) return [];
  const status = git(directory, 'status', '--porcelain');
  const dirty = status !== undefined && status !== '';
  const token: Record<string, JsonValue> = { commit, dirty };
  if (dirty) {
    const diff = git(directory, 'diff', 'HEAD') ?? '';
    const untracked = git(directory, 'ls-files', '--others', '--exclude-standard') ?? '';
    token['uncommitted'] = createHash('sha256').update(`${diff}\u0000${untracked}`).digest('hex').slice(0, 24);
  }
  return [
    {
      provider: 'git',
      component: 'source',
      token,
      meta: {
        branch: git(directory, 'rev-parse', '--abbrev-ref', 'HEAD') ?? null,
        remote: git(directory, 'config', '--get', 'remote.origin.url') ?? null,
        toplevel: realpathSync(toplevel),
      },
    },
  ];
}

/** The output of a git command in `directory` (trimmed), or undefined when git fails or is missing. */
function git(directory: string, ...args: string[]): string | undefined {
  const result = spawnSync('git', ['-C', directory, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  if (result.status !== 0 || result.error) return undefined;
  return result.stdout.replace(/\n$/, '');
}

/** The project's dependencies with the versions installed (`null` when one is not installed). */
function packageEntries(directory: string): ManifestEntry[] {
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return [];
  }
  const names = [...new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})])].sort();
  const packages: Record<string, JsonValue> = {};
  for (const name of names) packages[name] = installedVersion(directory, name) ?? null;
  return [{ provider: 'npm', component: 'dependencies', token: { packages }, meta: { node: process.version } }];
}

function installedVersion(directory: string, name: string): string | undefined {
  try {
    const found = JSON.parse(readFileSync(join(directory, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof found.version === 'string' ? found.version : undefined;
  } catch {
    return undefined;
  }
}
