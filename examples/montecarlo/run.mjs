// Usage: node examples/montecarlo/run.mjs [samples]
// Estimates π once per distinct config; asking again reloads the stored result.
import { fileURLToPath } from 'node:url';
import { get, project } from '@machinable/core';

const samples = process.argv[2] ?? '150';
const here = fileURLToPath(new URL('.', import.meta.url));

await project(here).within(async () => {
  const run = await get('montecarlo', { samples });
  const computed = !run.cached();
  await run.launch();
  console.log(run.summary());
  console.log(
    computed
      ? `computed by execution ${run.execution.nickname} and stored in ${run.localDirectory()}`
      : `reloaded ${run.uuid} (not recomputed; computed ${run.finishedAt().toISOString()} by ${run.execution.nickname})`,
  );
});
