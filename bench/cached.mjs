// Figure 2: cached get(...).launch() on records that exist, against the floor of finding them by
// hand (one SELECT on the dedup key, read id.json and model.json, check finished_at).
// Usage: node bench/cached.mjs machinable|floor loop|single <project> <count> <total> [storage] [index]
//   loop:   <count> cached launches of seeds 0..count-1, timed together
//   single: <count> single lookups of seeds spread over 0..total-1, each timed; reports the median
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORE_URL, median, report } from './lib.mjs';

const [mode, pattern, directory] = process.argv.slice(2, 5);
const count = Number(process.argv[5]);
const total = Number(process.argv[6]);
const storageRoot = process.argv[7] ? resolve(process.argv[7]) : join(directory, 'storage');
const indexPath = process.argv[8] ? resolve(process.argv[8]) : join(directory, '.machinable.sqlite');
const seeds = pattern === 'loop' ? Array.from({ length: count }, (_, i) => i) : Array.from({ length: count }, (_, i) => (i * 7919 + 13) % total);

let lookup;
let close = () => {};
if (mode === 'machinable') {
  const { get, project } = await import(CORE_URL);
  const here = project(directory, { storage: storageRoot, index: indexPath });
  lookup = (seed) =>
    here.within(async () => {
      const run = await (await get('trivial', { seed })).launch();
      if (!run.isMaterialized) throw new Error(`seed ${seed} was not found stored`);
    });
} else if (mode === 'floor') {
  const { default: Database } = await import('better-sqlite3');
  const { createHash } = await import('node:crypto');
  const db = new Database(indexPath, { readonly: true });
  const find = db.prepare('SELECT uuid FROM records WHERE parent = ? AND identity_key = ? AND predicate_key = ?');
  const predicateKey = createHash('sha256').update('{}').digest('hex').slice(0, 24);
  lookup = async (seed) => {
    const config = seed === 0 ? '{}' : `{"seed":${seed}}`;
    const identityKey = createHash('sha256').update(`{"config":${config},"module":"trivial"}`).digest('hex').slice(0, 24);
    const row = find.get('', identityKey, predicateKey);
    if (!row) throw new Error(`seed ${seed} is not indexed`);
    const record = join(storageRoot, row.uuid);
    JSON.parse(readFileSync(join(record, 'id.json'), 'utf8'));
    JSON.parse(readFileSync(join(record, 'model.json'), 'utf8'));
    if (!existsSync(join(record, 'finished_at'))) throw new Error(`seed ${seed} is not finished`);
  };
  close = () => db.close();
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}

// Warm-up outside the timing: module import, providers, statement caches.
await lookup(seeds[seeds.length - 1]);
if (pattern === 'loop') {
  const started = performance.now();
  for (const seed of seeds) await lookup(seed);
  const ms = performance.now() - started;
  report({ ms, perOp: ms / count });
} else {
  const times = [];
  for (const seed of seeds) {
    const started = performance.now();
    await lookup(seed);
    times.push(performance.now() - started);
  }
  report({ perOp: median(times) });
}
close();
