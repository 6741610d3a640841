// The dashboard's two index questions that the find algebra answers only by scanning, over an
// index of many records (bench/generate.mjs + reindex, or any index file), against the raw SQL
// the server asked before it read the index through the Index contract alone:
//   feed:    IndexChanges (the live feed's "records added since the last look"): start, a look
//            that finds nothing (what every idle look costs), a look after 10 records were added,
//            and one after 300 were added and then one late (an older creation time, below the
//            newest page); floor: `max(rowid)` and `rowid > ?`, as the server asked SQLite before;
//   modules: ModuleCounts.modules() (GET /v1/project) the first time (the pairs are found) and
//            after (the known pairs counted); floor: the GROUP BY the server ran before.
// The index file is copied first (records are added to the copy). Medians of --reps calls.
// Usage: node bench/server-index.mjs <index file> [--reps 5]
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, option } from './lib.mjs';

const argv = process.argv.slice(2);
const source = argv[0];
if (!source) throw new Error('usage: node bench/server-index.mjs <index file> [--reps 5]');
const reps = Number(option(argv, 'reps', '5'));

const { IndexChanges, ModuleCounts } = await import(import.meta.resolve('@machinable/server'));
const { SqliteIndex } = await import('@machinable/core/sqlite');
const Database = (await import(import.meta.resolve('better-sqlite3', import.meta.resolve('@machinable/core')))).default;

const scratch = mkdtempSync(join(tmpdir(), 'machinable-bench-index-'));
try {
  const path = join(scratch, 'index.sqlite');
  copyFileSync(source, path);
  const index = new SqliteIndex(path);
  const db = new Database(path, { readonly: true });
  const time = async (fn) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const repeat = async (fn) => {
    const times = [];
    for (let i = 0; i < reps; i++) times.push(await time(fn));
    return median(times);
  };
  const rows = db.prepare("SELECT count(*) FROM 'index'").pluck().get();
  const log = (name, ms, floor) => process.stdout.write(`| ${name} | ${ms.toFixed(1)} ms | ${floor === undefined ? '' : `${floor.toFixed(2)} ms`} |\n`);
  process.stdout.write(`${rows.toLocaleString('en')} rows in ${source}, medians of ${reps}\n\n| question | Index contract | raw SQL before |\n| --- | ---: | ---: |\n`);

  // The floors: what the server asked of its read-only connection before.
  const maxRowid = db.prepare("SELECT coalesce(max(rowid), 0) AS n FROM 'index'");
  const since = db.prepare("SELECT rowid AS n, record_id AS id FROM 'index' WHERE rowid > ? ORDER BY rowid LIMIT ?");
  const groupBy = db.prepare("SELECT module, kind, count(*) AS count FROM 'index' WHERE hidden = 0 AND module IS NOT NULL GROUP BY module, kind ORDER BY module, kind");
  const cursor = maxRowid.get().n;
  const lookFloor = await repeat(() => since.all(cursor, 500));

  const changes = new IndexChanges(index);
  log('feed: start (take the index as it is)', await time(() => changes.start()), await repeat(() => maxRowid.get()));
  const idle = await repeat(async () => {
    if ((await changes.added()).length !== 0) throw new Error('an idle look found records');
  });
  log('feed: a look that finds nothing', idle, lookFloor);

  // New records: copies of a stored row with new ids and keys, created now.
  const template = index.get(index.find({ limit: 1 }).items[0].record_id);
  let made = 0;
  const fresh = (createdNs) => ({ ...template, record_id: `benchNew${String(made).padStart(4, '0')}`, identity_key: `bench-${made++}`, created_at_ns: createdNs, updated_at_ns: createdNs });
  const now = () => BigInt(Date.now()) * 1_000_000n;
  const add = (items) => index.ingest(items.map((row) => ({ row, relations: [] })));

  add(Array.from({ length: 10 }, () => fresh(now())));
  let found = 0;
  log('feed: a look after 10 records were added', await time(async () => (found = (await changes.added()).length)), lookFloor);
  if (found !== 10) throw new Error(`the look found ${found} of 10`);
  const burst = Array.from({ length: 300 }, (_, i) => fresh(now() + BigInt(i + 1) * 1_000_000n));
  add(burst);
  add([fresh(burst[50].created_at_ns - 1n)]);
  log('feed: a look after 300 added, then one late (read on below the newest page)', await time(async () => (found = (await changes.added()).length)), lookFloor);
  if (found !== 301) throw new Error(`the look found ${found} of 301`);

  const counts = new ModuleCounts(index);
  const groupFloor = await repeat(() => groupBy.all());
  let modules;
  log('modules: the first call (pairs found, then counted)', await time(async () => (modules = await counts.modules())), groupFloor);
  log('modules: a later call (known pairs counted, and the total)', await repeat(() => counts.modules()), groupFloor);
  const expected = groupBy.all().map((row) => `${row.module}/${row.kind}/${row.count}`).join(', ');
  if (modules.map((row) => `${row.module}/${row.kind}/${row.count}`).join(', ') !== expected) throw new Error(`module counts differ from the GROUP BY: ${expected}`);
  process.stdout.write(`\nmodules: ${expected}\n`);
  db.close();
  index.close();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
