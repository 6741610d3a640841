import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecordExistsError, SENTINEL_FILE, get, project, type Storage, type WalkEntry } from '@machinable/core';
import { TRAIN_MODULE, makeProject } from './helpers.js';

/** A storage adapter as a plugin author would write one: record directories kept in memory. */
class MemoryStorage implements Storage {
  readonly root = 'memory://';
  readonly id = 'memory';
  readonly created: string[] = [];
  private readonly directories = new Map<string, Map<string, Buffer>>();

  locate(segments: readonly string[], parent?: string): string {
    return [parent ?? 'memory:/', ...segments].join('/');
  }
  create(location: string, files: ReadonlyMap<string, Uint8Array | string>): void {
    if (this.directories.has(location)) throw new RecordExistsError(location);
    this.directories.set(location, new Map([...files].map(([path, data]) => [path, Buffer.from(data)])));
    this.created.push(location);
  }
  readFile(location: string, path: string): Buffer | undefined {
    return this.directories.get(location)?.get(path);
  }
  writeFile(location: string, path: string, data: Uint8Array | string): void {
    this.directories.get(location)!.set(path, Buffer.from(data));
  }
  appendFile(location: string, path: string, text: string): void {
    this.writeFile(location, path, Buffer.concat([this.readFile(location, path) ?? Buffer.alloc(0), Buffer.from(text)]));
  }
  createFile(location: string, path: string, data: Uint8Array | string): boolean {
    if (this.readFile(location, path) !== undefined) return false;
    this.writeFile(location, path, data);
    return true;
  }
  removeFile(location: string, path: string): boolean {
    return this.directories.get(location)?.delete(path) ?? false;
  }
  files(location: string): string[] {
    return [...(this.directories.get(location)?.keys() ?? [])].sort();
  }
  exists(location: string): boolean {
    return this.directories.get(location)?.has(SENTINEL_FILE) ?? false;
  }
  *walk(under?: string): Iterable<WalkEntry> {
    for (const location of this.directories.keys()) {
      if (under === undefined || location === under || location.startsWith(`${under}/`)) yield { location, sentinel: this.exists(location) };
    }
  }
  directory(location: string): string {
    return location;
  }
  remove(location: string): void {
    this.directories.delete(location);
  }
}

describe('plugins: a storage adapter', () => {
  it('replaces the filesystem storage in a few lines', async () => {
    const memory = new MemoryStorage();
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    await project(dir, { config: { storage: () => memory } }).within(async () => {
      const run = await (await get('train', { seed: 1 })).launch();
      const runRecord = run.execution!;
      assert.deepEqual(memory.created, [run.localDirectory(), runRecord.localDirectory()]);
      assert.match(run.localDirectory(), /^memory:\/\/[0-9a-f]{24}\/[0-9a-f]{32}\/[0-9a-f]{24}\/[0-9a-f]{32}$/);
      assert.ok(memory.readFile(runRecord.localDirectory(), 'finished_at'));
      assert.equal(memory.readFile(run.localDirectory(), 'cached')?.toString(), 'finished');
      assert.deepEqual(JSON.parse(memory.readFile(run.localDirectory(), 'result.json')!.toString()), { loss: 1 / 1.1 });
      assert.equal((await get('train', { seed: 1 })).uuid, run.uuid, 'the index finds records in the adapter');
    });
    assert.equal(existsSync(join(dir, 'storage')), false, 'nothing written to the filesystem storage');
  });
});
