// A sweep is a loop: three learning rates × two optimizers × two seeds (scopes), run in a pool
// of two processes. Run it again and only new cells compute. Prints a results table.
// Usage: node examples/sweep/sweep.mjs [lr ...]
import { fileURLToPath } from 'node:url';
import { InterfaceCollection, Multiprocess, get, project, scope } from '@machinable/core';

const here = fileURLToPath(new URL('.', import.meta.url));
const rates = process.argv.length > 2 ? process.argv.slice(2) : ['0.01', '0.05', '0.1'];

await project(here).within(async () => {
  const runs = [];
  const pool = new Multiprocess({ processes: 2 });
  await pool.within(async () => {
    for (const seed of [1, 2]) {
      await scope({ seed }).within(async () => {
        for (const lr of rates) {
          for (const version of [[], ['~momentum(beta=0.9)']]) {
            runs.push(await (await get('train', [...version, { lr }])).launch());
          }
        }
      });
    }
  });
  const computed = runs.filter((run) => run.execution?.seed === pool.seed).length;
  console.log(`${runs.length} runs, ${computed} computed now, ${runs.length - computed} reloaded\n`);

  const table = new InterfaceCollection(runs)
    .sortBy((run) => run.loss())
    .map((run) => ({
      seed: run.predicate.seed,
      lr: run.config.lr,
      optimizer: run.config.optimizer.name,
      loss: Number(run.loss().toPrecision(4)),
      id: run.id,
    }));
  console.table(table);
});
