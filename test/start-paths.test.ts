/**
 * The two ways to start a project, from packed tarballs in a fresh folder, as a new user would:
 *
 * - `npm create machinable@latest my-study`: npm runs create-machinable's bin (here `npm exec`
 *   of its tarball, which is what `npm create` does), then `npm install` with the packed packages
 *   standing in for the registry;
 * - from a clone, before anything is published: `machinable init --from-checkout` packs the
 *   checkout's packages into the project, and a plain `npm install` installs them.
 *
 * Either way `npx machinable get estimate_pi … --launch` then computes in the new project, and npm
 * warns about no engine of a package of ours. Slow by nature (npm installs and builds the SQLite
 * addon twice): two to three minutes on an idle machine, much longer on a loaded one.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN, lines } from './cli-helpers.js';
import { REPO, temporaryDirectory } from './helpers.js';
import { ok, sh } from './packed-helpers.js';

const OURS = ['create-machinable-0.1.0.tgz', 'machinable-cli-0.1.0.tgz', 'machinable-core-0.1.0.tgz', 'machinable-server-0.1.0.tgz', 'machinable-storage-fs-0.1.0.tgz'];

/** The packages npm's output names in an EBADENGINE warning. */
function badEngines(output: string): string[] {
  return [...output.matchAll(/EBADENGINE\s+package: '([^']+)'/g)].map((match) => match[1]!);
}

/** Asserts that npm warned about the engines of no package of ours (others' are reported in the message only). */
function assertNoEngineWarningOfOurs(output: string, what: string): void {
  const ours = badEngines(output).filter((name) => /^(@machinable\/|create-machinable@)/.test(name));
  assert.deepEqual(ours, [], `${what}: npm warns about the engines of our packages (all warnings: ${badEngines(output).join(', ')})`);
}

/** The commands a scaffolder printed after `next:`. */
function nextOf(stdout: string): string[] {
  const printed = lines(stdout);
  return printed.slice(printed.indexOf('next:') + 1).map((line) => line.trim());
}

/** Runs the first command in `project` and checks that it computed π and stored the run there. */
async function launchFirst(project: string, command: string): Promise<void> {
  assert.equal(command, 'npx machinable get estimate_pi samples=10000 --launch --summary');
  const first = ok(await sh(project, command), command);
  assert.match(first.stdout, /^After 10000 samples, pi is approximately 3\.\d+\.\n$/);
  assert.ok(readdirSync(join(project, 'storage')).length > 0, 'the run is stored in the project');
}

/** Asserts each of our packages is installed inside `project`, not linked to the repository. */
function assertInstalledInside(project: string): void {
  for (const name of ['@machinable/core', '@machinable/storage-fs', '@machinable/server', '@machinable/cli', 'create-machinable']) {
    const installed = realpathSync(join(project, 'node_modules', name));
    assert.ok(installed.startsWith(realpathSync(project)), `${name} is installed in the project, not linked: ${installed}`);
  }
}

describe('the start paths, from packed tarballs in a fresh folder', { timeout: 40 * 60_000 }, () => {
  let tarballs: string;
  before(async () => {
    tarballs = join(temporaryDirectory('start-pack'), 'tarballs');
    mkdirSync(tarballs);
    const packages = ['core', 'storage-fs', 'server', 'create-machinable', 'cli'].map((name) => `-w packages/${name}`).join(' ');
    ok(await sh(REPO, `npm pack --ignore-scripts --silent --pack-destination '${tarballs}' ${packages}`), 'npm pack');
    assert.deepEqual(readdirSync(tarballs).sort(), OURS);
  });

  it('npm create machinable: create-machinable makes a project that installs and launches', async () => {
    const work = temporaryDirectory('start-create');
    // `npm create machinable@latest study` is `npm exec --package=create-machinable@latest -- create-machinable study`.
    const created = ok(await sh(work, `npm exec --yes --package='${join(tarballs, 'create-machinable-0.1.0.tgz')}' -- create-machinable study`), 'npm exec create-machinable');
    assertNoEngineWarningOfOurs(created.stderr, 'npm exec create-machinable');
    const next = nextOf(created.stdout);
    assert.deepEqual(next.slice(0, 2), ['cd study', 'npm install']);
    const study = join(work, 'study');
    const manifest = JSON.parse(readFileSync(join(study, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(manifest.dependencies, { '@machinable/cli': '^0.1.0', '@machinable/core': '^0.1.0' });

    // The registry does not have the packages yet: the tarballs stand in for it.
    const install = ok(await sh(study, `npm install --no-audit --no-fund --prefer-offline ${OURS.map((file) => `'${join(tarballs, file)}'`).join(' ')}`), 'npm install');
    assertNoEngineWarningOfOurs(install.stderr, 'npm install');
    assertInstalledInside(study);
    await launchFirst(study, next[2]!);
  });

  it('from a clone: machinable init --from-checkout makes a project that a plain npm install installs from the checkout, and that launches', async () => {
    const work = temporaryDirectory('start-clone');
    const init = ok(await sh(work, `'${process.execPath}' '${CLI_BIN}' init study --from-checkout`), 'machinable init --from-checkout');
    const next = nextOf(init.stdout);
    assert.deepEqual(next.slice(0, 2), ['cd study', 'npm install']);
    const study = join(work, 'study');
    assert.deepEqual(readdirSync(join(study, 'machinable-packages')).sort(), OURS);
    const manifest = JSON.parse(readFileSync(join(study, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(manifest.dependencies, {
      '@machinable/cli': 'file:machinable-packages/machinable-cli-0.1.0.tgz',
      '@machinable/core': 'file:machinable-packages/machinable-core-0.1.0.tgz',
      '@machinable/server': 'file:machinable-packages/machinable-server-0.1.0.tgz',
      '@machinable/storage-fs': 'file:machinable-packages/machinable-storage-fs-0.1.0.tgz',
      'create-machinable': 'file:machinable-packages/create-machinable-0.1.0.tgz',
    });

    const install = ok(await sh(study, 'npm install --no-audit --no-fund --prefer-offline'), 'npm install');
    assertNoEngineWarningOfOurs(install.stderr, 'npm install');
    assertInstalledInside(study);
    assert.equal(existsSync(join(study, 'package-lock.json')), true);
    await launchFirst(study, next[2]!);
  });
});
