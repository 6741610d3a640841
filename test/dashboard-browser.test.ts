/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * runs table of a small sweep, filtering and sorting, a run page with its files, the plot, a run's
 * status changing live while another process launches it, and a launch from the page. Each spec
 * saves a screenshot in its temporary folder. Skipped, saying why, only where /usr/bin/chromium
 * is absent, and never in CI (CI=true): there it fails (`.ci/chromium` installs it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serve, type RunningServer } from '@machinable/server';
import { SqliteIndex } from '@machinable/core/sqlite';
import { recordsOnDisk, runScript, temporaryDirectory } from './helpers.js';
import { poll, request, snapshot, sweepProject } from './server-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ci = process.env['CI'] === 'true';
const missing = !existsSync(CHROMIUM);
const skip = missing && !ci ? `${CHROMIUM} is not installed (bash .ci/chromium installs it)` : false;
if (skip) console.log(`# dashboard browser specs skipped: ${skip}`);

/** Saves a screenshot of the page as `<name>.png` in the spec's temporary folder and checks it was written. */
async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(temporaryDirectory('shot'), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  assert.ok(statSync(path).size > 1000, `a screenshot at ${path}`);
  return path;
}

/** The ids in the runs table, top to bottom. */
function tableIds(page: Page): Promise<string[]> {
  return page.locator('table.runs tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));
}

describe('dashboard in Chromium', { skip, timeout: 10 * 60_000 }, () => {
  let browser: Browser;
  let server: RunningServer;
  let dir: string;
  let page: Page;

  before(async () => {
    if (missing) throw new Error(`${CHROMIUM} is missing and CI=true: the browser specs must run in CI (bash .ci/chromium installs Debian's chromium)`);
    dir = await sweepProject();
    // A run of `slow` stored but not launched, for the live specs.
    const made = await runScript(dir, `import { get } from '@machinable/core'; for (const name of ['watched', 'clicked', 'stopped']) await (await get('slow', { name })).materialize();`);
    assert.equal(made.code, 0, made.stderr);
    server = await serve({ directory: dir, port: 0, pollInterval: 100 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(60_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) for (const name of ['watched', 'clicked', 'stopped']) writeFileSync(join(dir, `release-${name}`), '');
  });

  it('opens on the runs table of the sweep: config columns, status badges, labels', async () => {
    await page.goto(`${server.url}/#/module/train`);
    await page.waitForSelector('table.runs tbody tr');
    assert.equal((await tableIds(page)).length, 8);
    const headers = await page.locator('table.runs thead th').allTextContents();
    for (const column of ['status', 'label', 'lr', 'seed', 'optimizer.name']) assert.ok(headers.some((h) => h.startsWith(column)), `a ${column} column in ${headers.join(', ')}`);
    assert.equal(await page.locator('table.runs [data-status=finished]').count(), 8);
    assert.equal(await page.locator('table.runs td', { hasText: 'baseline' }).count(), 1);
    await screenshot(page, 'runs-table');
  });

  it('filters the table through find, and sorts it by a config column', async () => {
    await page.fill('input[name=where]', 'lr>0.05');
    await page.click('form.filters button[type=submit]');
    await poll(async () => (await tableIds(page)).length === 4, 'the table to show the 4 runs with lr > 0.05');
    assert.match(await page.locator('h2').innerText(), /4 runs/);
    await page.fill('input[name=where]', 'label=baseline');
    await page.click('form.filters button[type=submit]');
    await poll(async () => (await tableIds(page)).length === 1, 'the table to show the baseline run');
    await page.fill('input[name=where]', 'optimizer.name=adam, seed=1');
    await page.click('form.filters button[type=submit]');
    await poll(async () => (await tableIds(page)).length === 1, 'the table to show the adam run with seed 1');
    await page.fill('input[name=where]', '');
    await page.click('form.filters button[type=submit]');
    await poll(async () => (await tableIds(page)).length === 8, 'all runs again');
    await page.click('table.runs th:text-is("lr")');
    await poll(async () => (await page.locator('table.runs tbody tr').first().innerText()).includes('0.01'), 'the smallest lr first');
    await screenshot(page, 'runs-filtered-sorted');
  });

  it('opens a run: config layers, its run\'s timeline, files shown by type, output and provenance when recorded', async () => {
    const { items } = (await request(server.url, '/v1/interfaces/search', { body: { module: 'train', label: 'baseline' } })).json<{ items: { id: string }[] }>();
    const id = items[0]!.id;
    // What the run output and provenance work record: the run's output.log, and a Manifest it used.
    const run = recordsOnDisk(dir).find((record) => record.parent === id)!;
    writeFileSync(join(run.directory, 'output.log'), 'hello from the run\n');
    const index = new SqliteIndex(join(dir, '.machinable.sqlite'));
    try {
      // As a Manifest record is indexed: its entries are the kind's field (`extra`).
      const entries = [{ provider: 'git', component: 'source', token: { commit: 'abc123', dirty: false }, meta: { branch: 'main', remote: null, toplevel: '/x' } }];
      index.ingest([{ row: { ...index.get(id)!, record_id: 'ManifestBrw1', kind: 'Manifest', module: 'machinable.manifest', identity_key: 'manifestkey', parent_id: null, label: null, config: { default: {}, version: [], update: {}, resolved: {} }, extra: { entries } }, relations: [] }]);
      index.relate([{ relation: 'Interface.Interface.using', record_id: run.uuid, related_id: 'ManifestBrw1' }]);
    } finally {
      index.close();
    }
    await page.goto(`${server.url}/#/module/train`);
    await page.click(`a[href="#/run/${id}"]`);
    await page.waitForSelector('.run-page');
    assert.match(await page.locator('.run-page h2').innerText(), /finished/);
    assert.match(await page.locator('pre.json').first().innerText(), /"lr": 0\.05/);
    await page.click('.tabs button:text-is("default")');
    assert.match(await page.locator('pre.json').first().innerText(), /"lr": 0\.1/);
    await page.click('.tabs button:text-is("overrides")');
    assert.match(await page.locator('pre.json').first().innerText(), /"seed": 0/);
    assert.ok((await page.locator('.timeline').innerText()).includes('finished'));
    const files = await page.locator('.files li a').allTextContents();
    for (const file of ['result.json', 'metrics.csv', 'log.jsonl', 'notes.txt', 'plot.png', 'weights.npy']) assert.ok(files.includes(file), file);
    await page.click('.files a:text-is("result.json")');
    await page.waitForSelector('.file-view[data-file="result.json"] pre.json');
    assert.match(await page.locator('.file-view pre.json').innerText(), /"loss": 0/);
    await page.click('.files a:text-is("metrics.csv")');
    await page.waitForSelector('.file-view[data-file="metrics.csv"] table');
    assert.equal(await page.locator('.file-view table tbody tr').count(), 2);
    await page.click('.files a:text-is("log.jsonl")');
    await page.waitForSelector('.file-view[data-file="log.jsonl"] table');
    assert.deepEqual(await page.locator('.file-view table thead th').allTextContents(), ['step', 'loss']);
    await page.click('.files a:text-is("weights.npy")');
    await page.waitForSelector('.file-view[data-file="weights.npy"] .npy');
    assert.match(await page.locator('.file-view .npy').innerText(), /float64 shape \(2, 3\)/);
    await page.click('.files a:text-is("plot.png")');
    await page.waitForSelector('.file-view[data-file="plot.png"] img');
    await poll(() => page.locator('.file-view img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth === 2), 'the image to load');
    assert.equal(await page.locator('pre.output').innerText(), 'hello from the run\n');
    assert.match(await page.locator('.run-page details').innerText(), /code state[\s\S]*abc123/);
    await screenshot(page, 'run-page');
  });

  it('draws a plot: x a config path, y a value from result.json, coloured by seed, scatter and line', async () => {
    await page.goto(`${server.url}/#/plot/train`);
    await poll(() => page.locator('select[name=x] option').count().then((n) => n > 1), 'the config paths to load');
    await page.selectOption('select[name=x]', 'lr');
    await page.fill('input[name=y]', 'result.json:loss');
    await page.selectOption('select[name=color]', 'seed');
    await page.click('form.plot-form button[type=submit]');
    await poll(() => page.evaluate<boolean>("document.body.dataset.plotted === '8'"), 'eight points plotted');
    assert.match(await page.locator('section').innerText(), /8 of 8 runs/);
    await screenshot(page, 'plot-scatter');
    await page.selectOption('select[name=mode]', 'line');
    await page.fill('input[name=where]', 'seed=1');
    await page.click('form.plot-form button[type=submit]');
    await poll(() => page.evaluate<boolean>("document.body.dataset.plotted === '4'"), 'four points of seed 1');
    await screenshot(page, 'plot-line');
  });

  it('writes nothing to the store while browsing it', async () => {
    const before = snapshot(join(dir, 'storage'));
    await page.goto(`${server.url}/#/module/train`);
    await page.waitForSelector('table.runs tbody tr');
    await page.click('table.runs th:text-is("seed")');
    const first = (await tableIds(page))[0]!;
    await page.click(`a[href="#/run/${first}"]`);
    await page.waitForSelector('.files li');
    for (const file of await page.locator('.files li a').allTextContents()) {
      await page.click(`.files a:text-is("${file}")`);
      await page.waitForSelector(`.file-view[data-file="${file}"] :is(pre, table, img, .npy)`);
    }
    for (const tab of ['default', 'version', 'overrides', 'resolved']) await page.click(`.tabs button:text-is("${tab}")`);
    await page.goto(`${server.url}/#/plot/train`);
    await poll(() => page.locator('select[name=x] option').count().then((n) => n > 1), 'the config paths to load');
    await page.selectOption('select[name=x]', 'seed');
    await page.fill('input[name=y]', 'log.jsonl:loss');
    await page.click('form.plot-form button[type=submit]');
    await poll(() => page.evaluate<boolean>("document.body.dataset.plotted === '8'"), 'eight points plotted');
    assert.deepEqual(snapshot(join(dir, 'storage')), before);
  });

  it('shows a run\'s status change live while another process launches it', async () => {
    const { items } = (await request(server.url, '/v1/interfaces/search', { body: { module: 'slow', config: { filters: [{ path: 'name', op: 'eq', value: 'watched' }] } } })).json<{ items: { id: string }[] }>();
    const id = items[0]!.id;
    await page.goto(`${server.url}/#/module/slow`);
    const badge = page.locator(`table.runs tr[data-id="${id}"] .badge`);
    await poll(async () => (await badge.getAttribute('data-status')) === 'pending', 'the stored, unlaunched run as pending');
    await poll(() => page.evaluate<boolean>("document.body.dataset.live === 'ready'"), 'the live feed to connect');
    await page.evaluate("window.marker = 'same page'");
    const launch = runScript(dir, `import { get } from '@machinable/core'; await (await get('slow', { name: 'watched' })).launch();`);
    await poll(async () => (await badge.getAttribute('data-status')) === 'live', 'the badge to turn live');
    await screenshot(page, 'live-running');
    writeFileSync(join(dir, 'release-watched'), '');
    await poll(async () => (await badge.getAttribute('data-status')) === 'finished', 'the badge to turn finished');
    assert.equal((await launch).code, 0);
    assert.equal(await page.evaluate<string>('window.marker'), 'same page', 'updated in place, not reloaded');
    await screenshot(page, 'live-finished');
  });

  it('with a token: the printed address sets the cookie, and the page works with it', async () => {
    const guarded = await serve({ directory: dir, port: 0, token: 'browser-token' });
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      const refused = await tab.goto(`${guarded.url}/`);
      assert.equal(refused?.status(), 401);
      await tab.goto(guarded.openUrl);
      assert.equal(new URL(tab.url()).search, '', 'redirected to the page without the token in the address');
      await tab.waitForSelector('table.runs tbody tr');
      const cookie = (await context.cookies()).find((c) => c.name === 'machinable_token');
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Strict');
      await poll(() => tab.evaluate<boolean>("document.body.dataset.live === 'ready'"), 'the live feed to connect with the cookie');
      await screenshot(tab, 'with-token');
    } finally {
      await context.close();
      await guarded.close();
    }
  });

  it('launches a run from the page when the server allows it', async () => {
    const launching = await serve({ directory: dir, port: 0, allowLaunch: true, pollInterval: 100 });
    try {
      const { items } = (await request(launching.url, '/v1/interfaces/search', { headers: { authorization: `Bearer ${launching.token}` }, body: { module: 'slow', config: { filters: [{ path: 'name', op: 'eq', value: 'clicked' }] } } })).json<{ items: { id: string }[] }>();
      const id = items[0]!.id;
      // A server that launches asks for its token: the printed address sets the cookie (then the run
      // page is opened as a new document, not as a change of the hash of the one the address opened).
      await page.goto(launching.openUrl);
      await page.goto('about:blank');
      await page.goto(`${launching.url}/#/run/${id}`);
      await page.waitForSelector('.run-page');
      assert.match(await page.locator('.run-page h2').innerText(), /pending/);
      await page.click('button:text-is("Launch")');
      await poll(async () => /live/.test(await page.locator('.run-page h2').innerText()), 'the run page to show the run live');
      writeFileSync(join(dir, 'release-clicked'), '');
      await poll(async () => /finished/.test(await page.locator('.run-page h2').innerText()), 'the run page to show the run finished');
      await screenshot(page, 'launched-from-page');
    } finally {
      await launching.close();
    }
  });

  it('cancels a live run from the page when the server allows it (and offers no Cancel when read-only)', async () => {
    const launching = await serve({ directory: dir, port: 0, allowLaunch: true, pollInterval: 100 });
    const readOnly = await serve({ directory: dir, port: 0, pollInterval: 100 });
    try {
      const { items } = (await request(launching.url, '/v1/interfaces/search', { headers: { authorization: `Bearer ${launching.token}` }, body: { module: 'slow', config: { filters: [{ path: 'name', op: 'eq', value: 'stopped' }] } } })).json<{ items: { id: string }[] }>();
      const id = items[0]!.id;
      // A server that launches asks for its token: the printed address sets the cookie (then the run
      // page is opened as a new document, not as a change of the hash of the one the address opened).
      await page.goto(launching.openUrl);
      await page.goto('about:blank');
      await page.goto(`${launching.url}/#/run/${id}`);
      await page.waitForSelector('.run-page');
      assert.equal(await page.locator('button.cancel').count(), 0, 'no Cancel before there is a run');
      await page.click('button:text-is("Launch")');
      await poll(async () => /live/.test(await page.locator('.run-page h2').innerText()), 'the run page to show the run live');

      const viewer = await browser.newPage();
      try {
        await viewer.goto(`${readOnly.url}/#/run/${id}`);
        await viewer.waitForSelector('.run-page .runs-list .badge[data-status="live"]');
        assert.equal(await viewer.locator('button.cancel').count(), 0, 'a read-only server offers no Cancel');
      } finally {
        await viewer.close();
      }

      await page.click('.runs-list button.cancel');
      await poll(async () => /cancelled/.test(await page.locator('.run-page h2').innerText()), 'the run page to show the run cancelled');
      assert.equal(await page.locator('.runs-list .badge').first().getAttribute('data-status'), 'cancelled');
      assert.equal(await page.locator('button.cancel').count(), 0, 'no Cancel for a cancelled run');
      await screenshot(page, 'cancelled-from-page');
    } finally {
      await readOnly.close();
      await launching.close();
    }
  });
});
