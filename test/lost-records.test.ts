/**
 * Nothing is lost from view: a record that cannot be read as it is (its sentinel lost in a copy,
 * its id.json edited) is reported by reindex, ls and verify, and get() never makes a second
 * record beside it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, RecordConflictError, get, project, reindex, verify } from '@machinable/core';
import { TRAIN_MODULE, makeProject, recordsOnDisk } from './helpers.js';
import { machinable } from './cli-helpers.js';

/** A project with one computed run; returns its folder and the run's directory. */
async function withRun(): Promise<{ dir: string; record: string; id: string }> {
  const dir = makeProject({ 'train.ts': TRAIN_MODULE });
  const run = await project(dir).within(async () => (await get('train', { seed: 1 })).launch());
  return { dir, record: run.localDirectory(), id: run.uuid };
}

const dropIndex = (dir: string): void => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `${INDEX_FILE}${suffix}`), { force: true });
};
const interfaces = (dir: string): string[] => recordsOnDisk(dir).filter((r) => r.kind === 'Interface').map((r) => r.uuid);

describe('lost records: a directory that lost its .machinable sentinel', () => {
  it('is reported by reindex, ls and verify, and get() stops with the fix instead of making a second record', async () => {
    const { dir, record, id } = await withRun();
    rmSync(join(record, '.machinable'));
    dropIndex(dir);

    const report = await project(dir).within(() => reindex());
    assert.deepEqual(report.orphans, [record]);

    const listed = await machinable(dir, 'ls');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stderr, new RegExp(`warning: orphan: ${record} has an id\\.json but no \\.machinable sentinel.*write its record id into`));

    const verified = await machinable(dir, 'verify');
    assert.equal(verified.code, 1);
    assert.match(verified.stdout, /orphan: .* has an id\.json but no \.machinable sentinel/);

    await project(dir).within(async () => {
      const again = await get('train', { seed: 1 });
      await assert.rejects(again.launch(), (error: unknown) => error instanceof RecordConflictError && error.message.includes(record) && /restore the sentinel/.test(error.message));
    });
    assert.deepEqual(interfaces(dir), [], 'no second record was made');

    writeFileSync(join(record, '.machinable'), id);
    const restored = await project(dir).within(async () => {
      await reindex();
      return get('train', { seed: 1 });
    });
    assert.equal(restored.uuid, id, 'restoring the sentinel brings the record back');
  });
});

describe('lost records: an id.json whose identity key was edited', () => {
  it('is reported by reindex (its keys are not its directory\'s) and by verify (the config gives another key)', async () => {
    const { dir, record } = await withRun();
    const header = JSON.parse(readFileSync(join(record, 'id.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(record, 'id.json'), JSON.stringify({ ...header, identity_key: 'f'.repeat(24) }));
    await project(dir).within(async () => {
      const report = await reindex();
      assert.equal(report.mismatched.length, 1);
      assert.match(report.mismatched[0]!.message, /its keys \(f{24}\/[0-9a-f]{32}\) are not the directory's/);
      const { problems } = await verify();
      assert.ok(problems.some((p) => p.problem === 'identity' && p.message.includes(`identity_key ${'f'.repeat(24)}, but the config in model.json gives ${String(header['identity_key'])}`)), JSON.stringify(problems));
    });
    const reindexed = await machinable(dir, 'reindex');
    assert.match(reindexed.stdout, /1 record whose id\.json contradicts its model or directory/);
  });
});

describe('lost records: a record that cannot be read', () => {
  it('get() stops with the file and the reason instead of shadowing it with a second record', async () => {
    const { dir, record } = await withRun();
    writeFileSync(join(record, 'model.json'), '{ broken');
    dropIndex(dir);
    await project(dir).within(async () => {
      const again = await get('train', { seed: 1 });
      await assert.rejects(again.launch(), /model\.json: not valid JSON .*no second record is made/);
    });
    assert.equal(interfaces(dir).length, 1);
  });
});

describe('lost records: a damaged index file', () => {
  it('is moved aside (not deleted) with a warning, and a new index is rebuilt from the records: the run is found, not recomputed', async () => {
    const { dir, id } = await withRun();
    const index = join(dir, INDEX_FILE);
    dropIndex(dir);
    writeFileSync(index, 'this is not a SQLite database, and it may be somebody\'s file');
    const warnings: Error[] = [];
    const listen = (warning: Error): void => void warnings.push(warning);
    process.on('warning', listen);
    try {
      const again = await project(dir).within(async () => (await get('train', { seed: 1 })).launch());
      assert.equal(again.uuid, id);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', listen);
    }
    const aside = readdirSync(dir).filter((name) => name.startsWith(`${INDEX_FILE}.damaged-`));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(dir, aside[0]!), 'utf8'), 'this is not a SQLite database, and it may be somebody\'s file');
    assert.ok(warnings.some((w) => w.message.includes(`it was moved to ${join(dir, aside[0]!)}`)), warnings.map((w) => w.message).join('\n'));
    assert.equal(readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n').length, 1, 'computed once');
  });
});
