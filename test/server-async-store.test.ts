/**
 * The dashboard over a store whose storage and index both answer with promises, settled on a
 * later turn, as adapters over remote services do: `MemoryStorage({ async: true })` from
 * `@machinable/storage-kit`, and the SQLite index behind a wrapper that defers every answer. Runs
 * are launched through core, then served; every route reads them through the contracts (nothing
 * is on disk to read around them), the live feed included.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { project, type Index, type Interface, type ProjectConfig } from '@machinable/core';
import { SqliteIndex } from '@machinable/core/sqlite';
import { MemoryStorage } from '@machinable/storage-kit';
import { serve, type ExecutionInfo, type RecordPage, type RunningServer, type SearchResponse } from '@machinable/server';
import { linkPackages, makeProject } from './helpers.js';
import { events, request } from './server-helpers.js';

/** A module that writes through the awaitable forms, as code over an asynchronous storage must. */
const TRAIN = `
import { Interface, Config, Field } from '@machinable/core';

@Config()
export class TrainConfig { @Field() lr = 0.1; }

export default class Train extends Interface<TrainConfig> {
  static Config = TrainConfig;
  async run() {
    await this.async.saveFile('result.json', { loss: 1 / (1 + this.config.lr) });
    await this.async.saveFile('notes.txt', 'lr ' + this.config.lr + '\\n');
  }
}
`;

/**
 * An index whose every answer is a promise settled on a later turn (the SQLite index underneath):
 * what an index over a database server gives. Methods are looked up on the wrapped index, so the
 * contract's every method is deferred, `claim()`'s asynchronous `create()` included.
 */
function deferredIndex(index: Index): Index {
  return new Proxy(index, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          setImmediate(() => {
            try {
              resolve(method.apply(target, args));
            } catch (error) {
              reject(error);
            }
          });
        });
    },
  });
}

describe('server over a storage and an index that answer asynchronously', { timeout: 5 * 60_000 }, () => {
  const storage = new MemoryStorage({ async: true });
  const config: ProjectConfig = { storage: () => storage, index: (info) => deferredIndex(new SqliteIndex(info.indexPath)) };
  let dir: string;
  let server: RunningServer;
  let runs: Interface[];

  before(async () => {
    dir = linkPackages(makeProject({ 'train.ts': TRAIN }));
    const research = project(dir, { config });
    try {
      runs = [];
      for (const lr of [0.1, 0.5]) {
        const run = await research.get('train', { lr });
        await run.launch();
        runs.push(run);
      }
    } finally {
      await research.close();
    }
    server = await serve({ directory: dir, port: 0, pollInterval: 50, config });
  });
  after(async () => {
    await server?.close();
  });

  it('keeps nothing on disk: every record is in the memory storage', async () => {
    assert.equal(existsSync(join(dir, 'storage')), false);
    assert.equal(await storage.exists(runs[0]!.localDirectory()), true);
  });

  it('lists the modules and searches, with statuses and values read from files', async () => {
    const project = (await request(server.url, '/v1/project')).json<{ storage: string; modules: { module: string; kind: string; count: number }[] }>();
    assert.deepEqual(project.modules.map((m) => [m.module, m.kind, m.count]), [['train', 'Interface', 2]]);
    assert.equal(project.storage, 'memory://');
    const found = (await request(server.url, '/v1/interfaces/search', { body: { module: 'train', include_status: true, columns: ['result.json:loss', 'status', 'cached'], sort: [{ by: 'lr', config_layer: 'resolved', direction: 'asc' }] } })).json<SearchResponse>();
    assert.deepEqual(found.items.map((item) => [item.id, item.run_status, item.run_count, item.values?.['result.json:loss'], item.values?.['status'], item.values?.['cached']]), [
      [runs[0]!.uuid, 'finished', 1, 1 / 1.1, 'finished', true],
      [runs[1]!.uuid, 'finished', 1, 1 / 1.5, 'finished', true],
    ]);
  });

  it('answers a record\'s page: config, status, its run', async () => {
    const page = (await request(server.url, `/v1/interfaces/${runs[1]!.uuid}`)).json<RecordPage>();
    assert.equal(page.module, 'train');
    assert.deepEqual(page.config, { lr: 0.5 });
    assert.equal(page.cached, true);
    assert.equal(page.status, 'finished');
    assert.equal(page.execution_count, 1);
    assert.equal(page.executions[0]!.status, 'finished');
    assert.equal(page.executions[0]!.is_finished, true);
    const run = (await request(server.url, `/v1/executions/${page.executions[0]!.uuid}`)).json<ExecutionInfo>();
    assert.equal(run.parent_uuid, runs[1]!.uuid);
    assert.equal(run.has_output, false);
    assert.deepEqual((await request(server.url, `/v1/executions/${run.uuid}/output`)).json(), { output: null, offset: 0, size: 0 });
    assert.equal((await request(server.url, `/v1/interfaces/${runs[1]!.uuid}/provenance`)).status, 200);
    assert.deepEqual((await request(server.url, `/v1/interfaces/${runs[1]!.uuid}/related`)).json(), { uuid: runs[1]!.uuid, related: [] });
  });

  it('lists a record\'s files and sends their bytes as the storage holds them', async () => {
    const uuid = runs[1]!.uuid;
    const list = (await request(server.url, `/v1/interfaces/${uuid}/files`)).json<{ files: string[]; entries: { path: string; size: number }[] }>();
    assert.ok(list.files.includes('result.json') && list.files.includes('notes.txt'), list.files.join(', '));
    assert.ok(!list.files.some((file) => file.startsWith('.')), 'no dot files');
    const stored = (await storage.readFile(runs[1]!.localDirectory(), 'result.json'))!;
    assert.equal(list.entries.find((entry) => entry.path === 'result.json')!.size, stored.length);
    assert.deepEqual((await request(server.url, `/v1/interfaces/${uuid}/files/result.json`)).json(), { loss: 1 / 1.5 });
    assert.equal((await request(server.url, `/v1/interfaces/${uuid}/files/notes.txt`)).json(), 'lr 0.5\n');
    const raw = await request(server.url, `/v1/interfaces/${uuid}/files/result.json?raw=1`);
    assert.equal(raw.headers['content-type'], 'application/json');
    assert.deepEqual(raw.body, stored);
    for (const path of ['nothing.json', '../id.json', '%2e%2e/id.json', '.machinable', 'a/../result.json']) {
      assert.equal((await request(server.url, `/v1/interfaces/${uuid}/files/${path}`)).status, 404, path);
    }
  });

  it('streams a run launched while the page listens', async () => {
    const stream = await events(server.url);
    const research = project(dir, { config });
    try {
      await stream.waitFor<{ type: string }>((e) => e.type === 'ready', 'the ready event');
      await new Promise((resolve) => setTimeout(resolve, 200)); // the feed takes the index as it is
      const run = await research.get('train', { lr: 0.9 });
      await run.launch();
      await stream.waitFor<{ type: string; uuid: string }>((e) => e.type === 'record' && e.uuid === run.uuid, 'the new record announced');
      await stream.waitFor<{ type: string; parent_uuid: string; status: string }>((e) => e.type === 'status' && e.parent_uuid === run.uuid && e.status === 'finished', 'its run finished');
    } finally {
      stream.close();
      await research.close();
    }
  });
});
