// Figure 6: find 20 runs among 100,000 indexed records, filtered on a config value, sorted by it
// and counted (`find({ module }).where('seed', '>', k).sort('-seed').limit(20)`: the page and
// the total, as the reference's find answers), against the floor of the same two SQL statements
// (COUNT and the page of summary columns) run by hand on the same index file, with the same
// expression index on the path. The first find of a new path makes that index; it is timed apart.
// Usage: node bench/find.mjs machinable|floor <project> <storage> <index> <count> <runs>
import Database from 'better-sqlite3';
import { CORE_URL, median, report } from './lib.mjs';

const [mode, directory, storage, indexPath] = process.argv.slice(2, 6);
const count = Number(process.argv[6]);
const runs = Number(process.argv[7]);
// Thresholds spread over the seeds, so each find has another page and total.
const thresholds = Array.from({ length: count }, (_, i) => Math.floor(((i * 7919) % 97) / 97 * runs));

const SUMMARY = 'record_id, kind, module, identity_key, predicate_key, parent_id, storage_uri, local_uri, storage_id, hidden, bytes_missing, created_at_ns, created_by, label';
const PATH = "json_extract(config_resolved_json, '$.seed')";
const WHERE = `module = ? AND ${PATH} > ? AND hidden = 0 AND bytes_missing = 0`;

let find;
let close = () => {};
let firstMs;
if (mode === 'machinable') {
  const { find: query, project } = await import(CORE_URL);
  const here = project(directory, { storage, index: indexPath });
  find = (k) => here.within(() => query({ module: 'trivial' }).where('seed', '>', k).sort('-seed').limit(20));
  const started = performance.now();
  await find(runs - 1); // imports, opens the index, and makes the expression index when it is new
  firstMs = performance.now() - started;
  close = () => here.close();
} else if (mode === 'floor') {
  const db = new Database(indexPath);
  db.exec(`CREATE INDEX IF NOT EXISTS idx_floor_seed ON 'index'(module, ${PATH}, hidden, bytes_missing)`);
  const total = db.prepare(`SELECT COUNT(*) FROM 'index' WHERE ${WHERE}`).pluck();
  const page = db.prepare(`SELECT ${SUMMARY} FROM 'index' WHERE ${WHERE} ORDER BY ${PATH} DESC, record_id LIMIT 20 OFFSET 0`).safeIntegers(true);
  const both = db.transaction((k) => ({ total: total.get('trivial', k), items: page.all('trivial', k) }));
  find = async (k) => both(k);
  await find(runs - 1);
  close = () => {
    db.exec('DROP INDEX IF EXISTS idx_floor_seed');
    db.close();
  };
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}

const times = [];
for (const k of thresholds) {
  const started = performance.now();
  const result = await find(k);
  times.push(performance.now() - started);
  if (result.items.length !== Math.min(20, runs - 1 - k)) throw new Error(`seed > ${k}: ${result.items.length} items, expected ${Math.min(20, runs - 1 - k)}`);
}
await close();
report({ perOp: median(times), ...(firstMs === undefined ? {} : { firstMs }) });
