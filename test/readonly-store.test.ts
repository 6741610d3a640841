/**
 * A project folder and index owned by another user (read-only to us) can be listed, verified and
 * its stored runs loaded, as README promises; a new run is refused naming the index and the fix,
 * and nothing of the owner's is changed. The reading side runs as the unprivileged user `nobody`
 * over a project made by root, so the test needs root (CI runs as root); otherwise it says why it
 * is skipped.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INDEX_FILE, get, project } from '@machinable/core';
import { CLI_BIN } from './cli-helpers.js';
import { TRAIN_MODULE, linkPackages, makeProject, outputOf, temporaryDirectory, type ProcessResult } from './helpers.js';

const LOOK = `
import { project, get } from '@machinable/core';
const here = project(process.cwd());
const run = await here.within(() => get('train', { seed: 1 }));
console.log(JSON.stringify({ stored: run.isMaterialized, uuid: run.uuid, loss: run.loss() }));
try {
  await here.within(async () => (await get('train', { seed: 3 })).launch());
  console.log(JSON.stringify({ launched: true }));
} catch (error) {
  console.log(JSON.stringify({ error: error.constructor.name, message: error.message }));
}
`;

/** The uid and gid of `nobody`, or why there is none. */
function nobody(): { uid: number; gid: number } | string {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) };
  } catch (error) {
    return `there is no user nobody to read as (${(error as Error).message})`;
  }
}

const user = nobody();
const skip = process.getuid?.() !== 0 ? 'needs root, to make a project owned by root and read it as the user nobody (CI runs the tests as root)' : typeof user === 'string' ? user : false;
if (skip) console.log(`# readonly-store: skipped: ${skip}`);

function asNobody(cwd: string, home: string, args: readonly string[]): Promise<ProcessResult> {
  const { uid, gid } = user as { uid: number; gid: number };
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  for (const name of ['NODE_TEST_CONTEXT', 'MACHINABLE_STORAGE', 'MACHINABLE_INDEX']) delete env[name];
  return outputOf(spawn(process.execPath, args, { cwd, uid, gid, env }));
}

const copies = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('machinable-readonly-index-'));

describe("a read-only store owned by another user", { skip }, () => {
  it('lists, verifies and loads its stored runs; a new run is refused naming the index and MACHINABLE_INDEX; nothing of it changes', async () => {
    const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'look.mjs': LOOK }));
    chmodSync(dir, 0o755); // a temporary folder is made 0700; the store is others-readable, not writable
    const here = project(dir);
    const uuids = await here.within(async () => [(await (await get('train', { seed: 1 })).launch()).uuid, (await (await get('train', { seed: 2 })).launch()).uuid]);
    await here.close();
    const index = join(dir, INDEX_FILE);
    const before = readFileSync(index);
    const home = temporaryDirectory('nobody-home');
    chmodSync(home, 0o777);
    const copiesBefore = copies();

    const listed = await asNobody(dir, home, [CLI_BIN, 'ls', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { uuid: string; status: string }[]).map((r) => [r.uuid, r.status]), uuids.map((uuid) => [uuid, 'finished']));

    const verified = await asNobody(dir, home, [CLI_BIN, 'verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /no problems/);

    const looked = await asNobody(dir, home, ['look.mjs']);
    assert.equal(looked.code, 0, looked.stderr);
    const [loaded, refused] = looked.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(loaded, { stored: true, uuid: uuids[0], loss: 1 / 1.1 });
    assert.equal(refused?.['error'], 'IndexAccessError', JSON.stringify(refused));
    assert.ok(String(refused?.['message']).startsWith(`cannot write the index ${index}: `), JSON.stringify(refused));
    assert.match(String(refused?.['message']), /read-only: .*MACHINABLE_INDEX/);

    assert.ok(readFileSync(index).equals(before), 'the index file is unchanged');
    assert.deepEqual(readdirSync(dir).sort(), ['.machinable.sqlite', 'look.mjs', 'node_modules', 'runs.log', 'storage', 'train.ts']);
    assert.deepEqual(copies(), copiesBefore, 'the private copy of the index is removed when the reader exits');
  });
});
