// Figure 2: cached get(...).launch() on runs that are stored, against the floor of finding them by
// hand (bench/floor.mjs: one SELECT on the dedup key, read id.json and model.json, check `cached`).
// Usage: node bench/cached.mjs machinable|floor loop|single <project> <count> <runs> [storage] [index]
//   loop:   <count> cached launches of seeds 0..count-1, timed together
//   single: <count> single lookups of seeds spread over 0..runs-1, each timed; reports the median
//   The project folder's name decides the project root the runs are scoped under (see lib.mjs).
import { basename, join, resolve } from 'node:path';
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
      const run = await get('trivial', { seed });
      // Found stored by get() (launch() would otherwise store and compute it).
      if (!run.isMaterialized) throw new Error(`seed ${seed} was not found stored`);
      await run.launch();
    });
} else if (mode === 'floor') {
  const { floorLookup } = await import('./floor.mjs');
  const find = floorLookup(indexPath, basename(directory));
  lookup = async (seed) => find(seed);
  close = () => find.close();
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
