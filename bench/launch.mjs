// Figure 1: launching N distinct trivial runs, against the floor of writing the same record
// directories (an interface record and its run record per launch, plain fs) and the same index
// rows (two BEGIN IMMEDIATE transactions per launch, reference schema) by hand: bench/floor.mjs.
// Usage: node bench/launch.mjs machinable|floor <n> <project> <storage> [<warm>]   (prints one JSON line)
//   The records go to <storage> (a fresh directory per repetition), the index into it. With <warm>,
//   that many launches (other seeds) come first, untimed: the figure of a process that has
//   launched before, its code compiled by then (run.mjs's "warm" line).
import { CORE_URL, report } from './lib.mjs';

const [mode, n, directory, storage] = [process.argv[2], Number(process.argv[3]), process.argv[4], process.argv[5]];
const warm = Number(process.argv[6] ?? 0);

if (mode === 'machinable') {
  const { get, project } = await import(CORE_URL);
  await project(directory, { storage }).within(async () => {
    // Warm-up outside the timing: imports trivial.ts, opens storage and index, stores the project root.
    await (await get('trivial', { seed: -1 })).launch();
    for (let i = 0; i < warm; i++) await (await get('trivial', { seed: -2 - i })).launch();
    const started = performance.now();
    for (let seed = 0; seed < n; seed++) await (await get('trivial', { seed })).launch();
    const ms = performance.now() - started;
    report({ ms, perOp: ms / n });
  });
} else if (mode === 'floor') {
  const { floorLauncher } = await import('./floor.mjs');
  // Outside the timing, as machinable's warm-up: opens the index, stores the project root's row, one launch.
  const launch = floorLauncher(storage, directory);
  launch(-1);
  for (let i = 0; i < warm; i++) launch(-2 - i);
  const started = performance.now();
  for (let seed = 0; seed < n; seed++) launch(seed);
  const ms = performance.now() - started;
  launch.close();
  report({ ms, perOp: ms / n });
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}
