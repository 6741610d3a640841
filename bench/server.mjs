// Figure 6: the dashboard's JSON API over a store of 100,000 records (what 50,000 launched
// trivial runs leave, bench/generate.mjs), each request over HTTP on a keep-alive connection to
// `serve()` in the same process, against floors measured in the same process of the same run:
//   search: POST /v1/interfaces/search as the runs table sends it (module, a config range filter
//           that matches 100 runs, newest first, 50 per page, with statuses), against the raw
//           SQLite query of the same page and its count (better-sqlite3, read-only, no HTTP: the
//           SQL the index runs for it, with the expression index on the path that core's find
//           made for the server's first search, which is timed apart);
//   record: GET /v1/interfaces/{uuid} (the run page's JSON: config layers, status, runs,
//           relations) of records spread over the store, against a raw read of the record's
//           model.json (readFileSync + JSON.parse).
// Targets: a search under 50 ms, a record under 20 ms (medians).
// Usage: node bench/server.mjs [--records 100000] [--reps 5] [--stores DIR] [--keep]
//        node bench/server.mjs child <project> <storage> <index>   (one repetition, prints JSON)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { makeProject, median, option, PROJECT_NAME, report, runChild } from './lib.mjs';

const argv = process.argv.slice(2);
const TARGETS = { search: 50, record: 20 };
const PAGE = 50;
const SEARCHES = 60;
const RECORDS = 200;

if (argv[0] === 'child') await child(argv[1], argv[2], argv[3]);
else await main();

async function main() {
  const records = Number(option(argv, 'records', '100000'));
  const reps = Number(option(argv, 'reps', '5'));
  const storeCache = option(argv, 'stores', undefined);
  const project = makeProject('server');
  const scratch = dirname(project);
  const log = (line) => process.stdout.write(`${line}\n`);
  try {
    const root = join(storeCache ?? scratch, `store-v1-${records}`);
    if (storeCache && existsSync(`${root}.complete`)) log(`reusing ${records.toLocaleString('en')} records in ${root}`);
    else {
      rmSync(root, { recursive: true, force: true });
      const made = runChild('generate.mjs', [root, records / 2, PROJECT_NAME]);
      writeFileSync(`${root}.complete`, '');
      log(`generated ${made.records.toLocaleString('en')} records in ${(made.ms / 1000).toFixed(1)} s`);
    }
    const index = join(scratch, `index-${records}.sqlite`);
    runChild('reindex.mjs', ['machinable', root, index]);
    const results = [];
    for (let i = 0; i < reps; i++) {
      const r = runChild('server.mjs', ['child', project, root, index]);
      results.push(r);
      log(`rep ${i + 1}: search ${r.search.toFixed(2)} ms (floor ${r.searchFloor.toFixed(2)} ms; the first, which may make the expression index, ${r.first.toFixed(0)} ms), record ${r.record.toFixed(3)} ms (floor ${r.recordFloor.toFixed(3)} ms)`);
    }
    const med = (key) => median(results.map((r) => r[key]));
    const rows = [
      [`search: a filtered page of 50 among ${records.toLocaleString('en')}, with statuses`, med('search'), med('searchFloor'), TARGETS.search],
      ['record: the run page JSON of one record', med('record'), med('recordFloor'), TARGETS.record],
    ];
    log('');
    log(`| figure (${records.toLocaleString('en')} records, median of ${reps} processes) | API | floor | ratio | target | |`);
    log('| --- | ---: | ---: | ---: | --- | --- |');
    for (const [name, api, floor, target] of rows) {
      log(`| ${name} | ${api.toFixed(2)} ms | ${floor.toFixed(3)} ms | ${(api / floor).toFixed(1)}× | < ${target} ms | ${api < target ? 'met' : '**not met**'} |`);
    }
    if (argv.includes('--json')) writeFileSync(option(argv, 'json', 'server.json'), JSON.stringify({ records, reps, results }, null, 2));
  } finally {
    if (!argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
  }
}

/** One repetition: serve the store, time the two requests and their floors. */
async function child(project, storage, index) {
  const { serve } = await import(import.meta.resolve('@machinable/server'));
  const Database = (await import(import.meta.resolve('better-sqlite3', import.meta.resolve('@machinable/core')))).default;
  const server = await serve({ directory: project, storage, index, port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(server.url);
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request({ agent, host: url.hostname, port: url.port, method, path, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString())) : reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
      });
      req.on('error', reject);
      req.end(data);
    });
  const time = async (fn) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const db = new Database(index, { readonly: true });
  const runs = db.prepare("SELECT count(*) FROM 'index' WHERE module = 'trivial'").pluck().get();
  const window = (i) => (i * 7919) % (runs - 100);

  // search, as the runs table asks: 100 runs match, the newest 50 come back with their statuses
  const body = (i) => ({ module: 'trivial', config: { filters: [{ path: 'seed', op: 'gte', value: window(i) }, { path: 'seed', op: 'lt', value: window(i) + 100 }] }, limit: PAGE, include_status: true });
  let check;
  const first = await time(async () => (check = await call('POST', '/v1/interfaces/search', body(0))));
  if (check.total !== 100 || check.items.length !== PAGE || check.items[0].run_status !== 'finished') throw new Error(`the search found ${check.total} (${check.items.length} items)`);
  const search = [];
  for (let i = 1; i <= SEARCHES; i++) search.push(await time(() => call('POST', '/v1/interfaces/search', body(i))));

  // its floor: the same page and count, straight from SQLite
  const where = "module = ? AND json_extract(config_resolved_json, '$.seed') >= ? AND json_extract(config_resolved_json, '$.seed') < ? AND hidden = 0 AND bytes_missing = 0";
  const page = db.prepare(`SELECT * FROM 'index' WHERE ${where} ORDER BY created_at_ns DESC, record_id LIMIT ${PAGE}`);
  const count = db.prepare(`SELECT count(*) FROM 'index' WHERE ${where}`).pluck();
  const searchFloor = [];
  for (let i = 1; i <= SEARCHES; i++) {
    searchFloor.push(
      await time(() => {
        if (page.all('trivial', window(i), window(i) + 100).length !== PAGE || count.get('trivial', window(i), window(i) + 100) !== 100) throw new Error('the floor query found other rows');
      }),
    );
  }

  // record: the run page of records spread over the store, and a raw read of their model.json
  const ids = db.prepare("SELECT record_id, storage_uri FROM 'index' WHERE module = 'trivial' ORDER BY record_id").all();
  db.close();
  const picked = Array.from({ length: RECORDS }, (_, i) => ids[(i * 7919 + 13) % ids.length]);
  await call('GET', `/v1/interfaces/${picked[0].record_id}`);
  const record = [];
  for (const { record_id: id } of picked) record.push(await time(() => call('GET', `/v1/interfaces/${id}`)));
  const recordFloor = [];
  for (const { storage_uri: uri } of picked) recordFloor.push(await time(() => JSON.parse(readFileSync(join(uri.slice('file://'.length), 'model.json'), 'utf8'))));

  agent.destroy();
  await server.close();
  report({ search: median(search), searchFloor: median(searchFloor), record: median(record), recordFloor: median(recordFloor), first });
}
