/**
 * Installable outside this repository, as a user would: `npm pack` of the packages,
 * `machinable init` for a new project, `npm install <tarballs>` there (dependencies from the
 * registry, better-sqlite3 built for this Node), and the command init printed launches the first
 * module, then reloads it. Nothing in the project links back to the repository.
 *
 * Slow by nature (npm installs and compiles the SQLite addon): about a minute and a half.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN, lines } from './cli-helpers.js';
import { REPO, temporaryDirectory } from './helpers.js';
import { ok, sh } from './packed-helpers.js';


/** Runs `machinable serve --port 0` in a project, calls `check` with its address, stops it; resolves to its exit code. */
async function serveOnce(cwd: string, check: (url: string) => Promise<void>): Promise<number | null> {
  const child = spawn(join(cwd, 'node_modules', '.bin', 'machinable'), ['serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('close', (code) => reject(new Error(`machinable serve exited (${code}) before it printed its address: ${stderr}`)));
    });
    await check(url);
  } finally {
    child.kill('SIGTERM');
  }
  return exited;
}

describe('installed from packed tarballs into a fresh folder', { timeout: 20 * 60_000 }, () => {
  it('machinable init makes a project that npm installs, launches, reloads and typechecks', async () => {
    const work = temporaryDirectory('pack');
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    ok(await sh(REPO, `npm pack --ignore-scripts --silent --pack-destination '${tarballs}' -w packages/core -w packages/storage-fs -w packages/server -w packages/create-machinable -w packages/cli`), 'npm pack');
    const packed = readdirSync(tarballs).sort();
    assert.deepEqual(packed, ['create-machinable-0.1.0.tgz', 'machinable-cli-0.1.0.tgz', 'machinable-core-0.1.0.tgz', 'machinable-server-0.1.0.tgz', 'machinable-storage-fs-0.1.0.tgz']);

    const init = ok(await sh(work, `'${process.execPath}' '${CLI_BIN}' init study`), 'machinable init');
    const printed = lines(init.stdout);
    const next = printed.slice(printed.indexOf('next:') + 1).map((line) => line.trim());
    assert.deepEqual(next.slice(0, 2), ['cd study', 'npm install']);
    const study = join(work, 'study');

    // `npm install` would fetch @machinable/* from the registry (storage-fs as core's dependency,
    // create-machinable as the CLI's); the tarballs stand in for it.
    const install = `npm install --no-audit --no-fund --prefer-offline ${packed.map((file) => `'${join(tarballs, file)}'`).join(' ')}`;
    ok(await sh(study, install), 'npm install of the tarballs');
    for (const name of ['core', 'storage-fs', 'server', 'cli']) {
      const installed = realpathSync(join(study, 'node_modules', '@machinable', name));
      assert.ok(installed.startsWith(realpathSync(study)), `@machinable/${name} is installed in the project, not linked: ${installed}`);
    }
    const core = JSON.parse(readFileSync(join(study, 'node_modules', '@machinable', 'core', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.equal(core.dependencies['@machinable/storage-fs'], '0.1.0', 'the installed core declares its default storage');

    const command = next[2]!;
    const first = ok(await sh(study, command), command);
    assert.match(first.stdout, /^After 10000 samples, pi is approximately 3\.\d+\.\n$/);
    const second = ok(await sh(study, command), `${command} (again)`);
    assert.equal(second.stdout, first.stdout);

    const listed = ok(await sh(study, 'npx machinable ls --all --json'), 'machinable ls');
    const rows = JSON.parse(listed.stdout) as { kind: string; module: string | null }[];
    assert.equal(rows.filter((row) => row.module === 'estimate_pi').length, 1, 'one run');
    assert.equal(rows.filter((row) => row.kind === 'Execution').length, 1, 'computed once');

    ok(await sh(study, 'npm run --silent typecheck'), 'tsc --noEmit on the project');

    // The dashboard ships built: `machinable serve` in the installed project serves the page and its run.
    const served = await serveOnce(study, async (url) => {
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<div id="app">/);
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, 'the page loads its script');
      assert.equal((await fetch(`${url}/${script}`)).status, 200);
      const found = (await (await fetch(`${url}/v1/interfaces/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"module": "estimate_pi"}' })).json()) as { total: number };
      assert.equal(found.total, 1);
    });
    assert.equal(served, 0, 'machinable serve stops cleanly on SIGTERM');
  });
});
