import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  RecordNotFoundError,
  get,
  project,
  registerStorage,
  resetProviders,
  type RecordId,
  type RecordModel,
  type Storage,
  type StoredRecord,
} from '@machinable/core';
import { TRAIN_MODULE, makeProject } from './helpers.js';

/** A storage adapter as a plugin author would write one: records kept in memory. */
class MemoryStorage implements Storage {
  readonly root = 'memory://';
  readonly created: string[] = [];
  private readonly records = new Map<string, { id: RecordId; model: RecordModel; files: Map<string, Buffer> }>();

  create(id: RecordId, model: RecordModel, files: ReadonlyMap<string, Uint8Array>): StoredRecord {
    if (this.records.has(id.uuid)) throw new Error(`record ${id.uuid} exists`);
    this.records.set(id.uuid, { id, model, files: new Map([...files].map(([k, v]) => [k, Buffer.from(v)])) });
    this.created.push(id.uuid);
    return this.find(id.uuid)!;
  }
  find(uuid: string): StoredRecord | undefined {
    const r = this.records.get(uuid);
    return r && { id: r.id, model: r.model, location: this.directory(uuid), createdAt: new Date(0).toISOString() };
  }
  read(location: string): StoredRecord {
    const found = this.find(location.slice(this.root.length));
    if (!found) throw new RecordNotFoundError(location);
    return found;
  }
  *list(): Iterable<string> {
    yield* this.records.keys();
  }
  directory(uuid: string): string {
    return `${this.root}${uuid}`;
  }
  writeFile(uuid: string, path: string, data: Uint8Array | string): void {
    this.records.get(uuid)!.files.set(path, Buffer.from(data));
  }
  readFile(uuid: string, path: string): Buffer | undefined {
    return this.records.get(uuid)?.files.get(path);
  }
  appendLine(uuid: string, path: string, line: string): void {
    const previous = this.readFile(uuid, path) ?? Buffer.alloc(0);
    this.writeFile(uuid, path, Buffer.concat([previous, Buffer.from(`${line}\n`)]));
  }
  adopt(location: string): StoredRecord {
    return this.read(location);
  }
  remove(uuid: string): void {
    this.records.delete(uuid);
  }
}

describe('plugins: a storage adapter', () => {
  after(() => resetProviders());

  it('replaces the filesystem storage in a few lines', async () => {
    const memory = new MemoryStorage();
    registerStorage(() => memory);
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir).within(async () => {
      const run = await (await get('train', { seed: 1 })).launch();
      assert.deepEqual(memory.created.filter((uuid) => uuid !== run.execution?.uuid), [run.uuid]);
      assert.equal(run.localDirectory(), `memory://${run.uuid}`);
      assert.ok(memory.readFile(run.uuid, 'finished_at'));
      assert.deepEqual(JSON.parse(memory.readFile(run.uuid, 'result.json')!.toString()), { loss: 1 / 1.1 });
      assert.equal((await get('train', { seed: 1 })).uuid, run.uuid, 'the index finds records in the adapter');
    });
    assert.equal(existsSync(join(dir, 'storage')), false, 'nothing written to the filesystem storage');
  });
});
