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
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, get, project } from '@machinable/core';
import { REPO, TRAIN_MODULE, outputOf, type ProcessResult } from './helpers.js';

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

/**
 * A place `nobody` can enter wherever this checkout, its Node and the temporary folder are (CI's
 * temporary folder and Node 24 are in folders only root may enter): a folder in /tmp holding
 * this Node, the repository's packages and dependencies (hard links where the filesystem allows,
 * else copies), a home and a temporary folder for `nobody`, and the project. Removed by `remove()`.
 */
function placeForNobody(): { base: string; node: string; cli: string; project: string; home: string; tmp: string; remove: () => void } {
  const base = mkdtempSync('/tmp/machinable-nobody-');
  const remove = (): void => rmSync(base, { recursive: true, force: true });
  try {
    chmodSync(base, 0o755);
    const repo = join(base, 'repo');
    mkdirSync(repo);
    for (const part of ['package.json', 'node_modules', 'packages']) {
      try {
        execFileSync('cp', ['-al', join(REPO, part), join(repo, part)], { stdio: 'pipe' });
      } catch {
        rmSync(join(repo, part), { recursive: true, force: true });
        execFileSync('cp', ['-a', join(REPO, part), join(repo, part)], { stdio: 'pipe' });
      }
    }
    const node = join(base, 'node');
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    chmodSync(node, 0o755);
    const home = join(base, 'home');
    const tmp = join(base, 'tmp');
    mkdirSync(home);
    mkdirSync(tmp);
    chmodSync(home, 0o777);
    chmodSync(tmp, 0o1777);
    const projectDir = join(base, 'project');
    mkdirSync(join(projectDir, 'node_modules', '@machinable'), { recursive: true });
    for (const pkg of ['core', 'storage-fs']) symlinkSync(join(repo, 'packages', pkg), join(projectDir, 'node_modules', '@machinable', pkg));
    writeFileSync(join(projectDir, 'train.ts'), TRAIN_MODULE);
    writeFileSync(join(projectDir, 'look.mjs'), LOOK);
    return { base, node, cli: join(repo, 'packages', 'cli', 'bin', 'run.js'), project: projectDir, home, tmp, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

function asNobody(place: ReturnType<typeof placeForNobody>, args: readonly string[]): Promise<ProcessResult> {
  const { uid, gid } = user as { uid: number; gid: number };
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: place.home, TMPDIR: place.tmp };
  for (const name of ['NODE_TEST_CONTEXT', 'MACHINABLE_STORAGE', 'MACHINABLE_INDEX', 'NODE_OPTIONS']) delete env[name];
  return outputOf(spawn(place.node, args, { cwd: place.project, uid, gid, env }));
}

const copiesIn = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith('machinable-readonly-index-'));

describe("a read-only store owned by another user", { skip }, () => {
  it('lists, verifies and loads its stored runs; a new run is refused naming the index and MACHINABLE_INDEX; nothing of it changes', async (t) => {
    const place = placeForNobody();
    t.after(place.remove);
    const dir = place.project;
    const here = project(dir);
    const uuids = await here.within(async () => [(await (await get('train', { seed: 1 })).launch()).uuid, (await (await get('train', { seed: 2 })).launch()).uuid]);
    await here.close();
    const index = join(dir, INDEX_FILE);
    const before = readFileSync(index);

    const listed = await asNobody(place, [place.cli, 'ls', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { uuid: string; status: string }[]).map((r) => [r.uuid, r.status]), uuids.map((uuid) => [uuid, 'finished']));

    const verified = await asNobody(place, [place.cli, 'verify']);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /no problems/);

    const looked = await asNobody(place, ['look.mjs']);
    assert.equal(looked.code, 0, looked.stderr);
    const [loaded, refused] = looked.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(loaded, { stored: true, uuid: uuids[0], loss: 1 / 1.1 });
    assert.equal(refused?.['error'], 'IndexAccessError', JSON.stringify(refused));
    assert.ok(String(refused?.['message']).startsWith(`cannot write the index ${index}: `), JSON.stringify(refused));
    assert.match(String(refused?.['message']), /read-only: .*MACHINABLE_INDEX/);

    assert.ok(readFileSync(index).equals(before), 'the index file is unchanged');
    assert.deepEqual(readdirSync(dir).sort(), ['.machinable.sqlite', 'look.mjs', 'node_modules', 'runs.log', 'storage', 'train.ts']);
    assert.deepEqual(copiesIn(place.tmp), [], 'the private copy of the index is removed when the reader exits');
  });
});
