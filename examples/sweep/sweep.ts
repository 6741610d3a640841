// A sweep is a loop: three learning rates × two optimizers × two seeds (scopes), run in a pool
// of two processes. Run it again and only new cells compute. Prints a results table.
// Usage (from the repository root; no build step, the .ts files compile as they load):
//   node --import @machinable/core/register examples/sweep/sweep.ts [lr ...]
import { fileURLToPath } from 'node:url';
import { InterfaceCollection, Multiprocess, get, project, scope, type VersionItem } from '@machinable/core';
import type Train from './train.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rates: string[] = process.argv.length > 2 ? process.argv.slice(2) : ['0.01', '0.05', '0.1'];
const optimizers: VersionItem[][] = [[], ['~momentum(beta=0.9)']];

/** Launches (or reloads) one cell: a Train run with this version. */
async function launch(version: VersionItem[]): Promise<Train> {
  return (await get<Train>('train', version)).launch();
}

await project(here).within(async () => {
  const runs: Train[] = [];
  const pool = new Multiprocess({ processes: 2 });
  await pool.within(async () => {
    for (const seed of [1, 2]) {
      await scope({ seed }).within(async () => {
        for (const lr of rates) {
          for (const version of optimizers) {
            runs.push(await launch([...version, { lr }]));
          }
        }
      });
    }
  });
  // Runs computed now have a run record of this pool (its seed); reloaded ones have an older one.
  const computed = runs.filter((run) => run.execution?.seed === pool.seed).length;
  console.log(`${runs.length} runs, ${computed} computed now, ${runs.length - computed} reloaded\n`);

  const table = new InterfaceCollection(runs)
    .sortBy((run) => run.loss())
    .map((run) => ({
      seed: run.seed,
      lr: run.config.lr,
      optimizer: run.config.optimizer.name,
      loss: Number(run.loss().toPrecision(4)),
      id: run.id,
    }));
  console.table(table);
});
