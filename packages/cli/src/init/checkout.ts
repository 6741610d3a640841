/**
 * `machinable init --from-checkout`: a project that installs from a clone of this repository,
 * before (or without) the packages being on the npm registry. The checkout's packages are packed
 * (`npm pack`) into the new project, and its package.json depends on those tarballs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The folder, inside the new project, that holds the packed packages. */
export const PACKED_FOLDER = 'machinable-packages';

/** What a project needs installed: the CLI, core, and what they depend on of ours. */
const PACKED = ['core', 'storage-fs', 'server', 'cli', 'create-machinable'] as const;

/**
 * The root of the machinable checkout this CLI runs from (`cliRoot` is its package folder), or
 * undefined when it is installed as a package: the folder two levels up whose package.json lists
 * `packages/cli` among its workspaces.
 */
export function checkoutOf(cliRoot: string): string | undefined {
  const root = resolve(cliRoot, '..', '..');
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest)) return undefined;
  try {
    const { workspaces } = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
    return Array.isArray(workspaces) && workspaces.includes('packages/cli') ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Packs the checkout's packages into `destination` with `npm pack`; returns the project's
 * dependencies on them (name → `file:` spec relative to the project, which holds `destination`
 * as {@link PACKED_FOLDER}). The packages must be built (`npm run build` in the checkout).
 */
export function packCheckout(checkout: string, destination: string): Record<string, string> {
  const unbuilt = PACKED.filter((name) => !existsSync(join(checkout, 'packages', name, 'dist', 'index.js')));
  if (unbuilt.length > 0) {
    throw new UsageError(
      `packages/${unbuilt.join(', packages/')} in ${checkout} are not built (no dist/index.js): nothing was written; run npm run build in ${checkout}, then machinable init --from-checkout again`,
    );
  }
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...PACKED.flatMap((name) => ['-w', `packages/${name}`])];
  const packed = spawnSync('npm', args, { cwd: checkout, encoding: 'utf8', shell: process.platform === 'win32' });
  if (packed.error !== undefined || packed.status !== 0) {
    const why = packed.error?.message ?? packed.stderr.trim().split('\n').slice(-3).join(' ');
    throw new UsageError(`npm pack of the packages in ${checkout} failed (${why}): nothing was written; check that npm is on PATH and npm run build passes in ${checkout}`);
  }
  const tarballs = JSON.parse(packed.stdout) as { name: string; filename: string }[];
  return Object.fromEntries(tarballs.map(({ name, filename }): [string, string] => [name, `file:${PACKED_FOLDER}/${filename}`]).sort(([a], [b]) => a.localeCompare(b)));
}
