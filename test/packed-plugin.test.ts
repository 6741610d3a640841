/**
 * A plugin author's path, as docs/plugins.md tells it: a storage adapter written in a folder of its
 * own against the packed packages (`npm pack`, installed there as from the registry), checked by the
 * conformance kit, then used by a project that declares it in machinable.config. The adapter is
 * examples/storage-plugin/folder-storage.mjs, which answers with promises.
 *
 * Slow by nature (npm installs and compiles the SQLite addon): about a minute.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, temporaryDirectory } from './helpers.js';
import { ok, sh } from './packed-helpers.js';


describe('a storage plugin written against the packed packages', { timeout: 20 * 60_000 }, () => {
  it('passes the conformance kit in its own folder, and a project that declares it keeps its runs there', async () => {
    const work = temporaryDirectory('plugin');
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    ok(await sh(REPO, `npm pack --ignore-scripts --silent --pack-destination '${tarballs}' -w packages/core -w packages/storage-fs -w packages/storage-kit`), 'npm pack');
    const packed = readdirSync(tarballs).sort();
    assert.deepEqual(packed, ['machinable-core-0.1.0.tgz', 'machinable-storage-fs-0.1.0.tgz', 'machinable-storage-kit-0.1.0.tgz']);

    // 1. The adapter's own folder: its files, and the packages from the tarballs.
    const plugin = join(work, 'machinable-folder-storage');
    mkdirSync(plugin);
    for (const file of ['folder-storage.mjs', 'folder-storage.conformance.test.mjs', 'machinable.config.mjs', 'estimate.mjs']) {
      cpSync(join(REPO, 'examples', 'storage-plugin', file), join(plugin, file));
    }
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'machinable-folder-storage', version: '0.0.1', type: 'module', private: true }, null, 2));
    ok(await sh(plugin, `npm install --no-audit --no-fund --prefer-offline ${packed.map((file) => `'${join(tarballs, file)}'`).join(' ')}`), 'npm install of the tarballs');
    for (const name of ['core', 'storage-fs', 'storage-kit']) {
      assert.ok(realpathSync(join(plugin, 'node_modules', '@machinable', name)).startsWith(realpathSync(plugin)), `@machinable/${name} is installed, not linked`);
    }

    // 2. The conformance kit against it.
    const kit = ok(await sh(plugin, 'node --test --test-reporter=tap folder-storage.conformance.test.mjs'), 'the conformance kit');
    assert.match(kit.stdout, /^# pass 59$/m);
    assert.match(kit.stdout, /^# fail 0$/m);
    assert.match(kit.stdout, /^# skipped 0$/m);

    // 3. A project that declares it (machinable.config.mjs) keeps its runs in records/.
    const script = `import { project } from '@machinable/core';
      const opened = project(process.cwd());
      const run = await opened.get('estimate');
      await run.launch();
      const again = await opened.get('estimate');
      console.log(JSON.stringify({ same: again.uuid === run.uuid, cached: await again.async.cached(), result: await again.async.loadFile('result.json'), directory: run.localDirectory() }));`;
    const used = ok(await sh(plugin, `node --input-type=module -e "${script.replace(/"/g, '\\"')}"`), 'a project using the plugin');
    const answer = JSON.parse(used.stdout.trim().split('\n').at(-1)!) as { same: boolean; cached: boolean; result: unknown; directory: string };
    assert.deepEqual({ same: answer.same, cached: answer.cached, result: answer.result }, { same: true, cached: true, result: { value: 42 } });
    assert.ok(answer.directory.startsWith(join(realpathSync(plugin), 'records')) || answer.directory.startsWith(join(plugin, 'records')), answer.directory);
    assert.equal(existsSync(join(plugin, 'storage')), false, 'nothing in the default storage');
  });
});
