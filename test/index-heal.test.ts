/**
 * An index deleted or damaged under a writer heals: a child process launches 1,001 runs and stops
 * halfway (telling us so, and waiting for our word); the index file is deleted or truncated; `ls`
 * meanwhile lists every record on disk; the child goes on; afterwards `ls`, `find` and `verify`
 * show every one of the 1,001 runs, each computed once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { INDEX_FILE } from '@machinable/core';
import { machinable } from './cli-helpers.js';
import { TRAIN_MODULE, linkPackages, makeProject, recordsOnDisk } from './helpers.js';

const RUNS = 1001;
const HALFWAY = 450;

/** Launches seeds 0..RUNS-1; before seed HALFWAY it sends 'paused' and waits for a message. */
const LAUNCHER = `
import { project, get } from '@machinable/core';
const [runs, halfway] = process.argv.slice(2).map(Number);
await project(process.cwd()).within(async () => {
  for (let seed = 0; seed < runs; seed++) {
    if (seed === halfway) {
      const resumed = new Promise((resolve) => process.once('message', resolve));
      process.send('paused');
      await resumed;
    }
    await (await get('train', { seed })).launch();
  }
});
process.disconnect();
`;

/** The next message of a child, or its exit (an error) if it ends first. */
function nextMessage(child: ChildProcess, stderr: () => string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null): void => reject(new Error(`the launcher exited (${code}) before saying it paused:\n${stderr()}`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolve(message);
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function lsCount(dir: string): Promise<number> {
  const listed = await machinable(dir, 'ls', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as unknown[]).length;
}

/**
 * Runs the launcher in a new project, calls `damage(indexPath)` while it is paused halfway (its
 * index open), checks `ls` then, resumes it, and checks everything once it is done.
 */
async function underAWriter(damage: (index: string) => void): Promise<void> {
  const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'launcher.mjs': LAUNCHER }));
  const index = join(dir, INDEX_FILE);
  let stderr = '';
  const env = { ...process.env };
  for (const name of ['NODE_TEST_CONTEXT', 'MACHINABLE_STORAGE', 'MACHINABLE_INDEX']) delete env[name];
  const child = spawn(process.execPath, ['launcher.mjs', String(RUNS), String(HALFWAY)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    assert.equal(await nextMessage(child, () => stderr), 'paused');
    damage(index);
    const onDisk = recordsOnDisk(dir).filter((r) => r.kind === 'Interface').length;
    assert.equal(onDisk, HALFWAY);
    assert.equal(await lsCount(dir), HALFWAY, 'ls under the writer lists every record on disk');
    child.send('go on');
    assert.equal(await exitOf(child), 0, stderr);
  } finally {
    if (child.exitCode === null) child.kill();
  }

  assert.equal(recordsOnDisk(dir).filter((r) => r.kind === 'Interface').length, RUNS);
  assert.equal(readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').length, RUNS, 'every run computed once');
  assert.equal(await lsCount(dir), RUNS);
  const found = await machinable(dir, 'find', 'train', '--json', '--limit', '1');
  assert.equal(found.code, 0, found.stderr);
  assert.equal((JSON.parse(found.stdout) as { total: number }).total, RUNS);
  const verified = await machinable(dir, 'verify');
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, new RegExp(`checked ${2 * RUNS} record directories`));
  assert.match(verified.stdout, /no problems/);
}

describe('index heal: deleted under a writer', () => {
  it('the file with its -wal and -shm: every one of 1,001 runs is listed, found and verified', async () => {
    await underAWriter((index) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${index}${suffix}`, { force: true });
    });
  });

  it('the file alone (its -wal and -shm left): every one of 1,001 runs is listed, found and verified', async () => {
    await underAWriter((index) => rmSync(index));
  });
});

describe('index heal: damaged under a writer', () => {
  it('truncated to half: set aside automatically, every one of 1,001 runs is listed, found and verified', async () => {
    let dir = '';
    await underAWriter((index) => {
      dir = join(index, '..');
      truncateSync(index, Math.floor(statSync(index).size / 2));
    });
    const aside = readdirSync(dir).filter((name) => name.startsWith(`${INDEX_FILE}.damaged-`) && !/-(wal|shm)$/.test(name));
    assert.ok(aside.length >= 1, `the damaged file is kept aside: ${readdirSync(dir).join(', ')}`);
  });
});

describe('index heal: missing rows', () => {
  it('verify reports every record the index does not show, and reindex brings them back', async () => {
    const dir = linkPackages(makeProject({ 'train.ts': TRAIN_MODULE, 'launcher.mjs': LAUNCHER }));
    const launched = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['launcher.mjs', '3', '99'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      child.on('exit', resolve);
    });
    assert.equal(launched, 0);
    const dropped = recordsOnDisk(dir).filter((r) => r.kind === 'Interface').slice(0, 2);
    const db = new Database(join(dir, INDEX_FILE));
    db.pragma('foreign_keys = OFF');
    for (const record of dropped) db.prepare("DELETE FROM 'index' WHERE record_id = ?").run(record.uuid);
    db.close();
    assert.equal(await lsCount(dir), 1);
    const verified = await machinable(dir, 'verify');
    assert.equal(verified.code, 1);
    for (const record of dropped) assert.ok(verified.stdout.includes(`unindexed: ${record.directory}: the index does not show record ${record.uuid}`), verified.stdout);
    assert.equal(verified.stdout.split('\n').filter((line) => line.includes('unindexed:')).length, 2, verified.stdout);
    const reindexed = await machinable(dir, 'reindex');
    assert.equal(reindexed.code, 0, reindexed.stderr);
    assert.equal(await lsCount(dir), 3);
    const again = await machinable(dir, 'verify');
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /no problems/);
  });
});
