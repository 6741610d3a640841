/**
 * A run whose end cannot be written (`finished_at`, `failure.json`; a full disk) does not read
 * `live` for the liveness window: once the process that computed it has ended, it reads `died`
 * (its `host.json` names a process of this host that is gone), in `status()` and in `machinable ls`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, project } from '@machinable/core';
import { CORE_URL, makeProject, runScript } from './helpers.js';

const STORAGE_FS_URL = import.meta.resolve('@machinable/storage-fs');
import { machinable } from './cli-helpers.js';
import { serve, type ExecutionInfo } from '@machinable/server';
import { request } from './server-helpers.js';

const WORK = `
import { Interface, Config, Field } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; @Field() fail = false; }
export default class Work extends Interface<C> {
  static Config = C;
  run() { if (this.config.fail) throw new Error('the run gives up'); this.saveFile('out.json', { seed: this.config.seed }); }
}`;

/** A launch in another process whose storage refuses to write the run's end, as a full disk would. */
const FULL_DISK_LAUNCH = (config: object): string => `
  import { join } from 'node:path';
  const { project } = await import(${JSON.stringify(CORE_URL)});
  const { FsStorage } = await import(${JSON.stringify(STORAGE_FS_URL)});
  class FullAtTheEnd extends FsStorage {
    writeFile(location, path, data) {
      if (path === 'finished_at' || path === 'failure.json') {
        throw Object.assign(new Error("ENOSPC: no space left on device, write '" + path + "'"), { code: 'ENOSPC' });
      }
      return super.writeFile(location, path, data);
    }
  }
  const opened = project(process.cwd(), { config: { storage: () => new FullAtTheEnd({ root: join(process.cwd(), 'storage') }) } });
  await opened.within(async () => (await opened.get('work', ${JSON.stringify(config)})).launch());`;

describe('run end: an end that could not be written', () => {
  for (const [name, config] of [['a run that computed', { seed: 1 }], ['a run that failed', { seed: 2, fail: true }]] as const) {
    it(`${name}: the launch fails naming the run and why, and the run reads died once its process ended, not live`, async () => {
      const dir = makeProject({ 'work.ts': WORK });
      const launched = await runScript(dir, FULL_DISK_LAUNCH(config));
      assert.notEqual(launched.code, 0, 'the launch fails');
      const run = await project(dir).within(() => get('work', config));
      const runRecord = await project(dir).within(async () => (await get('work', config)).execution);
      assert.ok(runRecord, `its run record was made: ${launched.stderr}`);
      assert.match(launched.stderr, new RegExp(`work ${run.uuid}: the end of its run record ${runRecord.uuid} could not be written .*ENOSPC.*The run reads died once this process has ended`));
      if ('fail' in config) assert.match(launched.stderr, /it failed \(Error: the run gives up\)/);
      else assert.match(launched.stderr, /it computed, but marking it finished failed/);
      await project(dir).within(async () => {
        const again = await get('work', config);
        assert.equal(again.execution!.finishedAt(), undefined, 'no end was written');
        assert.ok(Date.now() - again.execution!.heartbeatAt()!.getTime() < 60_000, 'its heartbeat is well within the window');
        assert.equal(again.status(), 'died');
        assert.equal(again.execution!.status(), 'died');
      });
      const listed = await machinable(dir, 'ls', 'work');
      assert.equal(listed.code, 0, listed.stderr);
      const line = listed.stdout.split('\n').find((l) => l.includes(run.uuid));
      assert.match(line ?? '', /\bdied\b/, listed.stdout);
      const server = await serve({ directory: dir, port: 0 });
      try {
        const shown = await request(server.url, `/v1/executions/${runRecord.uuid}`);
        assert.equal(shown.status, 200, shown.text());
        assert.equal(shown.json<ExecutionInfo>().status, 'died', 'the dashboard reads it as the CLI does');
      } finally {
        await server.close();
      }
    });
  }
});
