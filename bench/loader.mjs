// Import cost of the TypeScript module loader: how long a fresh process takes to import
// @machinable/core and load a decorated .ts module, against the floor of `node -e 0`.
// Usage: node bench/loader.mjs [repetitions]   (run `npm run build` first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repetitions = Number(process.argv[2] ?? 9);
const core = import.meta.resolve('@machinable/core');
const project = mkdtempSync(join(tmpdir(), 'machinable-bench-loader-'));
writeFileSync(
  join(project, 'train.ts'),
  `import { Interface, Config, Field } from '@machinable/core';
   @Config() export class C { @Field() lr = 0.1; @Field({ type: 'int' }) layers = 2; }
   export default class Train extends Interface<C> { static Config = C; }`,
);

const cases = [
  ['node -e 0 (floor)', '0'],
  ['import @machinable/core', `await import(${JSON.stringify(core)})`],
  [
    'core + load train.ts (swc)',
    `const { project } = await import(${JSON.stringify(core)}); await project(${JSON.stringify(project)}).load('train');`,
  ],
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows = [];
for (const [label, code] of cases) {
  const times = [];
  for (let i = 0; i < repetitions; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  rows.push([label, median(times)]);
}
const floor = rows[0][1];
console.log(`median of ${repetitions} cold starts each`);
console.log('case'.padEnd(32), 'ms'.padStart(8), 'x floor'.padStart(9));
for (const [label, ms] of rows) console.log(label.padEnd(32), ms.toFixed(1).padStart(8), (ms / floor).toFixed(2).padStart(9));
