/**
 * A project copied (`cp -a`) is its own, and a project moved keeps every record in view. The index
 * keeps the reference's absolute `file://` locations, so a copied or moved index points at the old
 * place: it carries the mark of the store it was made for, and one beside another store is
 * rebuilt from the records there when it is opened (docs/format.md, "Where the index points").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get, project } from '@machinable/core';
import { machinable } from './cli-helpers.js';
import { TRAIN_MODULE, linkPackages, recordsOnDisk, temporaryDirectory } from './helpers.js';

interface LsRow {
  readonly uuid: string;
  readonly status: string;
  readonly label: string | null;
}

/** A project folder at `<parent>/<where>/<name>` holding train.ts, with the packages linked. */
function projectAt(parent: string, where: string, name = 'proj'): string {
  const dir = join(parent, where, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.ts'), TRAIN_MODULE);
  return linkPackages(dir);
}

/** Launches `train` with each seed in `dir` (in this process), then closes the project's index. */
async function launched(dir: string, seeds: readonly number[]): Promise<string[]> {
  const here = project(dir);
  const uuids = await here.within(async () => {
    const out: string[] = [];
    for (const seed of seeds) out.push((await (await get('train', { seed })).launch()).uuid);
    return out;
  });
  await here.close();
  return uuids;
}

async function ls(dir: string): Promise<LsRow[]> {
  const listed = await machinable(dir, 'ls', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout) as LsRow[];
}

async function findUris(dir: string): Promise<string[]> {
  const found = await machinable(dir, 'find', 'train', '--json');
  assert.equal(found.code, 0, found.stderr);
  const { items, total } = JSON.parse(found.stdout) as { items: { storage_uri: string }[]; total: number };
  assert.equal(items.length, total);
  return items.map((item) => item.storage_uri);
}

const computed = (dir: string): number => readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').length;
const interfaces = (dir: string): string[] => recordsOnDisk(dir).filter((r) => r.kind === 'Interface').map((r) => r.uuid).sort();

describe('a copied project is its own', () => {
  it('get --path, label, a new launch, ls and find in the copy read and write the copy only; the original is unchanged', async () => {
    const parent = temporaryDirectory('copied');
    const original = projectAt(parent, 'a');
    const [first] = await launched(original, [1, 2]);
    const copy = join(parent, 'b', 'proj');
    cpSync(original, copy, { recursive: true, verbatimSymlinks: true });

    const path = await machinable(copy, 'get', 'train', 'seed=1', '--path');
    assert.equal(path.code, 0, path.stderr);
    assert.ok(path.stdout.trim().startsWith(join(copy, 'storage') + '/'), path.stdout);

    const here = project(copy);
    await here.within(async () => {
      const run = await get('train', { seed: 1 });
      assert.equal(run.uuid, first, 'the copy finds the copied record (no second computation)');
      assert.ok(run.localDirectory().startsWith(join(copy, 'storage') + '/'), run.localDirectory());
      run.setLabel('copied');
      await (await get('train', { seed: 3 })).launch();
    });
    await here.close();

    assert.deepEqual(computed(copy), 3, 'seeds 1 and 2 computed in the original, 3 in the copy');
    assert.equal(interfaces(original).length, 2, 'the new run is in the copy, not in the original');
    assert.equal(interfaces(copy).length, 3);
    const inOriginal = JSON.parse(readFileSync(join(recordsOnDisk(original).find((r) => r.uuid === first)!.directory, 'model.json'), 'utf8')) as { label: string | null };
    assert.equal(inOriginal.label, null, "the label went to the copy's record only");

    const rows = await ls(copy);
    assert.deepEqual(rows.map((r) => r.status), ['finished', 'finished', 'finished']);
    assert.equal(rows.find((r) => r.uuid === first)?.label, 'copied');
    const uris = await findUris(copy);
    assert.equal(uris.length, 3);
    for (const uri of uris) assert.ok(uri.startsWith(`file://${copy}/storage/`), uri);

    // The original's own index still points at the original.
    const originalRows = await ls(original);
    assert.deepEqual(originalRows.map((r) => [r.status, r.label]), [['finished', null], ['finished', null]]);
    for (const uri of await findUris(original)) assert.ok(uri.startsWith(`file://${original}/storage/`), uri);
  });
});

describe('a moved project keeps every record in view', () => {
  it('moved under another name: ls lists every run with its status, a new launch adds to them, find and verify agree', async () => {
    const parent = temporaryDirectory('moved');
    const before = projectAt(parent, 'a');
    const uuids = await launched(before, [1, 2, 3]);
    const after = join(parent, 'c', 'renamed');
    mkdirSync(join(parent, 'c'));
    renameSync(before, after);

    const listed = await ls(after);
    assert.deepEqual(listed.map((r) => [r.uuid, r.status]), uuids.map((uuid) => [uuid, 'finished']));

    const fourth = await machinable(after, 'get', 'train', 'seed=4', '--launch');
    assert.equal(fourth.code, 0, fourth.stderr);
    const again = await ls(after);
    assert.equal(again.length, 4, JSON.stringify(again));
    assert.deepEqual(again.map((r) => r.status), ['finished', 'finished', 'finished', 'finished']);
    assert.deepEqual(again.slice(0, 3).map((r) => r.uuid), uuids);
    const uris = await findUris(after);
    assert.equal(uris.length, 4);
    for (const uri of uris) assert.ok(uri.startsWith(`file://${after}/storage/`), uri);

    const verified = await machinable(after, 'verify');
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /no problems/);
  });

  it('moved under the same name: the stored runs are found where they are now, not computed again', async () => {
    const parent = temporaryDirectory('moved');
    const before = projectAt(parent, 'a');
    const [first] = await launched(before, [1]);
    const after = join(parent, 'd', 'proj');
    mkdirSync(join(parent, 'd'));
    renameSync(before, after);
    assert.deepEqual((await ls(after)).map((r) => [r.uuid, r.status]), [[first, 'finished']]);

    const path = await machinable(after, 'get', 'train', 'seed=1', '--launch', '--path');
    assert.equal(path.code, 0, path.stderr);
    assert.ok(path.stdout.trim().startsWith(join(after, 'storage') + '/'), path.stdout);
    assert.equal(computed(after), 1, 'found stored, not computed again');
    assert.deepEqual((await ls(after)).map((r) => [r.uuid, r.status]), [[first, 'finished']]);
  });
});
