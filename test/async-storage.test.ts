/**
 * A storage that answers with promises (an adapter over a remote service) works end to end: runs
 * are asked for, launched, found again and listed; the synchronous conveniences name their
 * awaitable forms; and a claim over an asynchronous `create()` keeps its guarantee: one record per
 * identity across processes launching one config at once, and nothing half-made when a process
 * dies between writing the record and indexing it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SynchronousAccessError, project, type Interface } from '@machinable/core';
import { MemoryStorage } from '@machinable/storage-kit';
import { CORE_URL, linkPackages, makeProject, recordsOnDisk, runNode } from './helpers.js';

const COUNTER = `
import { appendFileSync } from 'node:fs';
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; }
export default class Counter extends Interface<C> {
  static Config = C;
  async run() {
    appendFileSync(process.env.COUNT_FILE ?? 'computed.txt', process.pid + '\\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    this.saveFile('result.json', { seed: this.config.seed });
  }
}`;

/**
 * A filesystem storage whose every answer is a promise settled on a later turn: the slowness of a
 * remote service, over the real atomicity of a filesystem (so several processes can share it).
 * With MACHINABLE_DIE_AFTER_CREATE set, the process dies the moment a record's directory is
 * written, before its index row is (what a crash there leaves).
 */
const ASYNC_FS = `
import { createStorage } from '@machinable/storage-fs';
const later = (value) => new Promise((resolve, reject) => setImmediate(() => (value instanceof Error ? reject(value) : resolve(value))));
const wrap = (fn) => (...args) => { let out; try { out = fn(...args); } catch (error) { return later(error instanceof Error ? error : new Error(String(error))); } return later(out); };
export function asyncFs(root) {
  const fs = createStorage({ root });
  return {
    root: fs.root, id: fs.id,
    locate: (segments, parent) => fs.locate(segments, parent),
    directory: (location) => fs.directory(location),
    create: (location, files) => wrap((l, f) => fs.create(l, f))(location, files).then((value) => {
      if (process.env.MACHINABLE_DIE_AFTER_CREATE && [...files.keys()].includes('model.json')) process.kill(process.pid, 'SIGKILL');
      return value;
    }),
    readFile: wrap((l, p) => fs.readFile(l, p)),
    writeFile: wrap((l, p, d) => fs.writeFile(l, p, d)),
    appendFile: wrap((l, p, t) => fs.appendFile(l, p, t)),
    createFile: wrap((l, p, d) => fs.createFile(l, p, d)),
    removeFile: wrap((l, p) => fs.removeFile(l, p)),
    files: wrap((l) => fs.files(l)),
    exists: wrap((l) => fs.exists(l)),
    remove: wrap((l) => fs.remove(l)),
    async *walk(location) { for (const entry of fs.walk(location)) yield await later(entry); },
  };
}
export default { storage: (project) => asyncFs(project.storageRoot) };`;

describe('storage: an adapter that answers asynchronously', () => {
  it('runs are launched, found again, listed and read through the awaitable forms', async () => {
    const memory = new MemoryStorage({ async: true });
    const dir = makeProject({ 'counter.ts': COUNTER });
    process.env['COUNT_FILE'] = join(dir, 'computed.txt');
    const opened = project(dir, { config: { storage: () => memory } });
    await opened.within(async () => {
      const run = await opened.get('counter', { seed: 1 });
      await run.launch();
      assert.equal(run.isMaterialized, true);
      assert.match(run.localDirectory(), /^memory:\/\//);
      assert.deepEqual(await run.async.loadFile('result.json'), { seed: 1 });
      assert.equal(await run.async.status(), 'finished');
      assert.equal(await run.async.cached(), true);
      assert.throws(() => run.loadFile('result.json'), (error: unknown) => error instanceof SynchronousAccessError && /run\.async\.loadFile\('result\.json'\)/.test(error.message));
      assert.throws(() => run.status(), SynchronousAccessError);
      const again = await opened.get('counter', { seed: 1 });
      assert.equal(again.uuid, run.uuid, 'found again by its identity');
      await again.launch();
      assert.equal(readFileSync(join(dir, 'computed.txt'), 'utf8').trim().split('\n').length, 1, 'computed once');
      assert.deepEqual([...(await opened.get('counter').all())].map((item) => (item as Interface).uuid), [run.uuid]);
      assert.equal((await opened.find({ module: 'counter' })).total, 1);
    });
    delete process.env['COUNT_FILE'];
  });

  it('find() makes a results table of files, status and cached, sorted by a file value, through the storage', async () => {
    const memory = new MemoryStorage({ async: true });
    const dir = makeProject({ 'counter.ts': COUNTER });
    process.env['COUNT_FILE'] = join(dir, 'computed.txt');
    const opened = project(dir, { config: { storage: () => memory } });
    await opened.within(async () => {
      const uuids: string[] = [];
      for (const seed of [2, 1]) uuids.push((await (await opened.get('counter', { seed })).launch()).uuid);
      const columns = ['config.seed', 'result.json:seed', 'status', 'cached'];
      // Newest first without a sort; the file value's order is the other one.
      assert.deepEqual((await opened.find({ module: 'counter' }).rows(columns)).map((row) => row['result.json:seed']), [1, 2]);
      assert.deepEqual(await opened.find({ module: 'counter' }).sort('-result.json:seed').rows(columns), [
        { 'config.seed': 2, 'result.json:seed': 2, status: 'finished', cached: true },
        { 'config.seed': 1, 'result.json:seed': 1, status: 'finished', cached: true },
      ]);
      assert.deepEqual((await opened.find({ module: 'counter' }).sort('status', 'result.json:seed')).items.map((item) => item.record_id), [...uuids].reverse());
    });
    delete process.env['COUNT_FILE'];
  });

  it('processes launching one config at once over an asynchronous create() make one record, computed once', async () => {
    const dir = linkPackages(makeProject({ 'counter.ts': COUNTER, 'machinable.config.mjs': ASYNC_FS }));
    const script = `const { project } = await import(${JSON.stringify(CORE_URL)});
      const opened = project(process.cwd());
      const run = await opened.get('counter', { seed: 2 });
      await run.launch();
      console.log(run.uuid);`;
    const launches = await Promise.all(Array.from({ length: 4 }, () => runNode(dir, ['--input-type=module', '-e', script], { COUNT_FILE: join(dir, 'computed.txt') })));
    for (const result of launches) assert.equal(result.code, 0, result.stderr);
    const ids = new Set(launches.map((result) => result.stdout.trim()));
    assert.equal(ids.size, 1, `one record for all four: ${[...ids].join(', ')}`);
    const interfaces = recordsOnDisk(dir).filter((record) => record.kind === 'Interface');
    assert.equal(interfaces.length, 1, 'one record directory');
    assert.equal(readFileSync(join(dir, 'computed.txt'), 'utf8').trim().split('\n').length, 1, 'computed once');
  });

  it('a process that dies between writing a record and indexing it leaves a whole record, which the next get() finds', async () => {
    const dir = linkPackages(makeProject({ 'counter.ts': COUNTER, 'machinable.config.mjs': ASYNC_FS }));
    const script = `const { project } = await import(${JSON.stringify(CORE_URL)});
      const run = await project(process.cwd()).get('counter', { seed: 3 });
      await run.materialize();`;
    const killed = await runNode(dir, ['--input-type=module', '-e', script], { MACHINABLE_DIE_AFTER_CREATE: '1' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const written = recordsOnDisk(dir).filter((record) => record.kind === 'Interface');
    assert.equal(written.length, 1, 'the record directory is there, whole');
    const found = `const { project } = await import(${JSON.stringify(CORE_URL)});
      const run = await project(process.cwd()).get('counter', { seed: 3 });
      await run.launch();
      console.log(run.uuid);`;
    const next = await runNode(dir, ['--input-type=module', '-e', found]);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.stdout.trim(), written[0]!.uuid, 'the record the dead process wrote, not a second one');
    assert.equal(recordsOnDisk(dir).filter((record) => record.kind === 'Interface').length, 1);
    assert.ok(readdirSync(dir).includes('computed.txt'));
  });
});
