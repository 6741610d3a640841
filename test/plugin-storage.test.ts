/**
 * A storage adapter plugs in through the project's declaration: the project's records, run
 * records included, go to it, and nothing to the filesystem storage. The adapter here is the
 * conformance kit's `MemoryStorage`, the worked example (answering at once, and with promises).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { project } from '@machinable/core';
import { MemoryStorage } from '@machinable/storage-kit';
import { TRAIN_MODULE, makeProject } from './helpers.js';

describe('plugins: a storage adapter', () => {
  it('replaces the filesystem storage when the project declares it', async () => {
    const memory = new MemoryStorage();
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const opened = project(dir, { config: { storage: () => memory } });
    await opened.within(async () => {
      const run = await (await opened.get('train', { seed: 1 })).launch();
      const runRecord = run.execution!;
      assert.match(run.localDirectory(), /^memory:\/\/[0-9a-f]{24}\/[0-9a-f]{32}\/[0-9a-f]{24}\/[0-9a-f]{32}$/);
      assert.ok(memory.readFile(runRecord.localDirectory(), 'finished_at'), 'the run record is in the adapter');
      assert.equal(memory.readFile(run.localDirectory(), 'cached')?.toString(), 'finished');
      assert.deepEqual(JSON.parse(memory.readFile(run.localDirectory(), 'result.json')!.toString()), { loss: 1 / 1.1 });
      assert.equal((await opened.get('train', { seed: 1 })).uuid, run.uuid, 'the index finds records in the adapter');
    });
    assert.equal(existsSync(join(dir, 'storage')), false, 'nothing written to the filesystem storage');
  });

  it('a plugin may bring the storage: useStorage() in its setup', async () => {
    const memory = new MemoryStorage();
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const plugin = { name: 'memory-storage', setup: (context: { useStorage(factory: () => MemoryStorage): void }) => context.useStorage(() => memory) };
    const opened = project(dir, { config: { plugins: [plugin] } });
    const run = await opened.within(async () => (await opened.get('train', { seed: 2 })).launch());
    assert.match(run.localDirectory(), /^memory:\/\//);
    assert.equal(memory.exists(run.localDirectory()), true);
  });
});
