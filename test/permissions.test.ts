/**
 * A store that cannot be written (a read-only index, project, storage or record folder) fails
 * with an error naming the file or folder and the fix; results already stored still load; nothing
 * half-made is left behind; and once the permission is fixed the same call computes.
 *
 * The children run with the filesystem's permissions in force (as root: without
 * CAP_DAC_OVERRIDE), so `chmod a-w` binds them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, get, project } from '@machinable/core';
import { CLI_BIN } from './cli-helpers.js';
import { TRAIN_MODULE, linkPackages, makeProject, recordsOnDisk, runNodeUnprivileged } from './helpers.js';

/** A child's answer: the run's uuid, or the error's class and message. */
type Outcome = { readonly uuid: string } | { readonly error: string; readonly message: string };

const GO = `
import { project, get } from '@machinable/core';
const seed = Number(process.argv[2]);
try {
  const run = await project(process.cwd()).within(async () => (await get('train', { seed })).launch());
  console.log(JSON.stringify({ uuid: run.uuid }));
} catch (error) {
  console.log(JSON.stringify({ error: error.constructor.name, message: error.message }));
}
`;

/** Looks a run up without launching it. */
const LOOK = `
import { project, get } from '@machinable/core';
const run = await project(process.cwd()).within(() => get('train', { seed: 1 }));
console.log(run.isMaterialized ? 'stored' : 'not stored');
`;

/** A project with the script above and one run (seed 1) computed; returns its folder and the run's uuid. */
async function withRun(): Promise<{ dir: string; uuid: string }> {
  const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'go.mjs': GO }));
  const run = await project(dir).within(async () => (await get('train', { seed: 1 })).launch());
  return { dir, uuid: run.uuid };
}

/** `get('train', { seed }).launch()` in a child process the permissions bind. */
async function launch(dir: string, seed: number, env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const result = await runNodeUnprivileged(dir, ['go.mjs', String(seed)], { MACHINABLE_STORAGE: undefined, MACHINABLE_INDEX: undefined, ...env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Outcome;
}

const seeds = (dir: string): number => recordsOnDisk(dir).filter((r) => r.kind === 'Interface').length;
const temporaries = (dir: string): string[] => {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.includes('.tmp-')) found.push(join(folder, entry.name));
      else if (entry.isDirectory()) walk(join(folder, entry.name));
    }
  };
  walk(join(dir, 'storage'));
  return found;
};

/** `chmod -R a-w` (or `u+w` back) on a folder tree. */
function writable(path: string, yes: boolean): void {
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) chmodSync(full, yes ? 0o644 : 0o444);
    }
    chmodSync(folder, yes ? 0o755 : 0o555);
  };
  walk(path);
}

describe('permissions: a read-only index file', () => {
  it('still answers what is stored; a new computation stops naming the index and the fix; a -shm SQLite left read-only is named next', async () => {
    const { dir, uuid } = await withRun();
    const index = join(dir, INDEX_FILE);
    chmodSync(index, 0o444);

    assert.deepEqual(await launch(dir, 1), { uuid });
    const refused = await launch(dir, 2);
    assert.ok('error' in refused, JSON.stringify(refused));
    assert.equal(refused.error, 'IndexAccessError');
    assert.ok(refused.message.includes(`cannot write the index ${index}`), refused.message);
    assert.match(refused.message, /chmod u\+w.*MACHINABLE_INDEX/);
    // The record may be on disk (it is written before its index row): whole, and taken up below.
    const before = recordsOnDisk(dir).filter((r) => r.kind === 'Interface' && r.uuid !== uuid).map((r) => r.uuid);
    assert.ok(before.length <= 1, JSON.stringify(before));

    // SQLite made its -wal and -shm files with the index's mode: fixing the index alone is not
    // enough, and the error now names what is still read-only.
    chmodSync(index, 0o644);
    if (existsSync(`${index}-shm`) && (statSync(`${index}-shm`).mode & 0o200) === 0) {
      const still = await launch(dir, 2);
      assert.ok('error' in still && still.message.includes(`read-only: ${index}-shm`), JSON.stringify(still));
      chmodSync(`${index}-shm`, 0o644);
      if (existsSync(`${index}-wal`)) chmodSync(`${index}-wal`, 0o644);
    }
    const fixed = await launch(dir, 2);
    assert.ok('uuid' in fixed, JSON.stringify(fixed));
    if (before.length === 1) assert.equal(fixed.uuid, before[0], 'the record written before the refusal is the one computed');
    assert.equal(seeds(dir), 2);
  });
});

describe('permissions: a project folder that cannot be written', () => {
  it('cannot hold a new index: the error names the folder and MACHINABLE_INDEX, which then works', async () => {
    const { dir } = await withRun();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `${INDEX_FILE}${suffix}`), { force: true });
    chmodSync(dir, 0o555);
    try {
      const refused = await launch(dir, 1);
      assert.ok('error' in refused, JSON.stringify(refused));
      assert.equal(refused.error, 'IndexAccessError');
      assert.ok(refused.message.includes(`cannot open the index ${join(dir, INDEX_FILE)}`), refused.message);
      assert.ok(refused.message.includes(`the folder ${dir} must exist and be writable`), refused.message);
      assert.match(refused.message, /MACHINABLE_INDEX/);
      const cli = await runNodeUnprivileged(dir, [CLI_BIN, 'get', 'train', 'seed=1', '--launch'], { MACHINABLE_STORAGE: undefined, MACHINABLE_INDEX: undefined });
      assert.equal(cli.code, 1);
      assert.equal(cli.stderr, `Error: ${refused.message}\n`, 'one line on the CLI');

      const elsewhere = join(dir, 'storage', 'elsewhere.sqlite');
      const moved = await launch(dir, 1, { MACHINABLE_INDEX: elsewhere });
      assert.ok('uuid' in moved, JSON.stringify(moved));
      assert.ok(existsSync(elsewhere));
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe('permissions: a storage root to be made under a read-only folder', () => {
  it('lookups and ls answer (nothing stored) without making it; a launch names the read-only folder', async () => {
    const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'go.mjs': GO, 'look.mjs': LOOK }));
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const env = { MACHINABLE_STORAGE: join(locked, 'storage'), MACHINABLE_INDEX: join(dir, 'index.sqlite') };
    try {
      const looked = await runNodeUnprivileged(dir, ['look.mjs'], env);
      assert.equal(looked.code, 0, looked.stderr);
      assert.equal(looked.stdout.trim(), 'not stored');
      const listed = await runNodeUnprivileged(dir, [CLI_BIN, 'ls'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /no stored runs/);

      const refused = await launch(dir, 1, env);
      assert.ok('error' in refused, JSON.stringify(refused));
      assert.equal(refused.error, 'StorageAccessError');
      assert.ok(refused.message.includes(`the folder ${locked}: make it writable`), refused.message);
    } finally {
      chmodSync(locked, 0o755);
    }
    assert.deepEqual(readdirSync(locked), []);
  });
});

describe('permissions: a storage folder that cannot be written', () => {
  it('still loads stored runs; a new one stops with StorageAccessError naming the folder; nothing half-made; fixed, it computes', async () => {
    const { dir, uuid } = await withRun();
    const storage = join(dir, 'storage');
    writable(storage, false);
    try {
      assert.deepEqual(await launch(dir, 1), { uuid });
      const refused = await launch(dir, 2);
      assert.ok('error' in refused, JSON.stringify(refused));
      assert.equal(refused.error, 'StorageAccessError');
      assert.ok(refused.message.includes(`cannot create the record ${storage}/`), refused.message);
      assert.match(refused.message, /EACCES.*the folder .*: make it writable for this user .*MACHINABLE_STORAGE/);
    } finally {
      writable(storage, true);
    }
    assert.deepEqual(temporaries(dir), []);
    assert.equal(seeds(dir), 1);
    const fixed = await launch(dir, 2);
    assert.ok('uuid' in fixed, JSON.stringify(fixed));
    assert.equal(seeds(dir), 2);
  });

  it('a record folder made read-only before its run: the claim is refused naming the folder, no run record is left, fixed, it runs', async () => {
    const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'go.mjs': GO }));
    const pending = await project(dir).within(async () => (await get('train', { seed: 3 })).materialize());
    const folder = pending.localDirectory();
    chmodSync(folder, 0o555);
    try {
      const refused = await launch(dir, 3);
      assert.ok('error' in refused, JSON.stringify(refused));
      assert.equal(refused.error, 'StorageAccessError');
      assert.ok(refused.message.includes(`the folder ${folder}: make it writable`), refused.message);
    } finally {
      chmodSync(folder, 0o755);
    }
    assert.deepEqual(recordsOnDisk(dir).filter((r) => r.kind !== 'Interface' && r.kind !== 'Project'), [], 'no run record');
    assert.deepEqual(temporaries(dir), []);
    const fixed = await launch(dir, 3);
    assert.deepEqual(fixed, { uuid: pending.uuid });
    assert.ok(existsSync(join(folder, 'result.json')));
  });
});
