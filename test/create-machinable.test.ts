/**
 * `npm create machinable@latest my-study` runs create-machinable's bin: it writes the project
 * `machinable init` writes (one template, two commands), never over an existing file, and says
 * what to run next. And `machinable init --from-checkout` refuses when the CLI is not a checkout's.
 * The packed, installed start paths are in start-paths.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BIN, lines, machinable } from './cli-helpers.js';
import { REPO, runNode, temporaryDirectory } from './helpers.js';

/** The `create-machinable` binary of the workspace. */
const CREATE_BIN = fileURLToPath(new URL('../bin/create.js', import.meta.resolve('create-machinable')));

/** The files of a folder, name → contents. */
function filesOf(directory: string): Map<string, string> {
  return new Map(readdirSync(directory).sort().map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
}

describe('create-machinable (npm create machinable)', () => {
  it('writes the same project as machinable init, and prints what to run next', async () => {
    const created = temporaryDirectory('create');
    const initialised = temporaryDirectory('init');
    const result = await runNode(created, [CREATE_BIN, 'My Study']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.deepEqual(lines(result.stdout), [
      `created package.json, tsconfig.json, estimate_pi.ts, .gitignore, README.md in ${join(created, 'My Study')}`,
      'next:',
      '  cd "My Study"',
      '  npm install',
      '  npx machinable get estimate_pi samples=10000 --launch --summary',
    ]);
    const init = await machinable(initialised, 'init', 'My Study');
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(filesOf(join(created, 'My Study')), filesOf(join(initialised, 'My Study')));
    const manifest = JSON.parse(readFileSync(join(created, 'My Study', 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    assert.equal(manifest.name, 'my-study');
    assert.deepEqual(manifest.dependencies, { '@machinable/cli': '^0.1.0', '@machinable/core': '^0.1.0' });
  });

  it('writes into the current directory when given none', async () => {
    const directory = temporaryDirectory('create');
    const result = await runNode(directory, [CREATE_BIN]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout).slice(1), ['next:', '  npm install', '  npx machinable get estimate_pi samples=10000 --launch --summary']);
    assert.ok(existsSync(join(directory, 'estimate_pi.ts')));
  });

  it('writes nothing into a folder that has one of its files, and says which', async () => {
    const directory = temporaryDirectory('create');
    writeFileSync(join(directory, 'tsconfig.json'), '{}');
    const result = await runNode(directory, [CREATE_BIN, '.']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `Error: ${directory} already has tsconfig.json: nothing was written; give an empty or new directory (npm create machinable@latest my-study)\n`);
    assert.deepEqual(readdirSync(directory), ['tsconfig.json']);
  });

  it('refuses an unknown option or a second directory, writing nothing', async () => {
    const directory = temporaryDirectory('create');
    const option = await runNode(directory, [CREATE_BIN, 'study', '--typescript']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^Error: unknown option --typescript; run npm create machinable@latest my-study \(see --help\)\n$/);
    const two = await runNode(directory, [CREATE_BIN, 'a', 'b']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /^Error: one directory at most, got 2: a b;/);
    assert.deepEqual(readdirSync(directory), []);
  });

  it('--help says how it is run and writes nothing; --version prints the version of machinable it scaffolds', async () => {
    const directory = temporaryDirectory('create');
    const help = await runNode(directory, [CREATE_BIN, '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: npm create machinable@latest \[directory\]\n/);
    assert.match(help.stdout, /npx @machinable\/cli init \[directory\]/);
    const version = await runNode(directory, [CREATE_BIN, '--version']);
    assert.equal(version.stdout, '0.1.0\n');
    assert.deepEqual(readdirSync(directory), []);
  });
});

describe('machinable init --from-checkout', () => {
  it('refuses when the CLI is installed as a package rather than run from a checkout, writing nothing', async () => {
    // A copy of the CLI as npm installs it, its dependencies linked from the workspace.
    const installed = temporaryDirectory('installed');
    const modules = join(installed, 'node_modules');
    for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(REPO, 'packages', 'cli', part), join(modules, '@machinable', 'cli', part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', '@oclif'), join(modules, '@oclif'));
    symlinkSync(join(REPO, 'packages', 'create-machinable'), join(modules, 'create-machinable'));
    writeFileSync(join(installed, 'package.json'), '{"dependencies": {"@machinable/cli": "^0.1.0"}}');
    const bin = join(modules, '@machinable', 'cli', 'bin', 'run.js');
    const result = await runNode(installed, [bin, 'init', 'study', '--from-checkout']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^Error: --from-checkout needs this CLI to run from a clone of machinable, but it runs from .*node_modules[\\/]@machinable[\\/]cli: nothing was written;/);
    assert.equal(existsSync(join(installed, 'study')), false);
    const plain = await runNode(installed, [bin, 'init', 'study']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '', 'no note about a checkout');
  });

  it('from the checkout, without the flag, writes registry ranges and says on stderr how to install from the checkout', async () => {
    const directory = temporaryDirectory('init');
    const result = await machinable(directory, 'init', 'study');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /init --from-checkout makes a project that installs from it/);
    assert.equal(existsSync(join(directory, 'study', 'machinable-packages')), false);
  });

  it('refuses a folder that already has machinable-packages/, packing nothing', async () => {
    const directory = temporaryDirectory('init');
    mkdirSync(join(directory, 'machinable-packages'));
    const result = await runNode(directory, [CLI_BIN, 'init', '--from-checkout']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /already has machinable-packages: nothing was written/);
    assert.deepEqual(readdirSync(directory), ['machinable-packages']);
    assert.deepEqual(readdirSync(join(directory, 'machinable-packages')), []);
  });
});
