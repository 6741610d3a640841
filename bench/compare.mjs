// Times one figure's script in two checkouts, in turn (A B, B A, A B, ...), so that a drift of the
// machine's speed shifts both alike: how a change is measured against the commit before it.
// Usage: node bench/compare.mjs <base checkout> <reps> <script> <args...>
//   <script> is a figure of bench/ (launch.mjs, cached.mjs, reindex.mjs), run from each checkout
//   with the same arguments; each run prints one JSON line, of which `perOp` (or `ms`) is taken.
//   Arguments holding {scratch} get a fresh folder under $TMPDIR per run (launch.mjs's project and
//   storage: `{scratch}/bench` is made and holds trivial.ts).
// Prints the values, their medians and the ratio of the medians (this checkout ÷ base).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH, TRIVIAL_MODULE, median } from './lib.mjs';

const [base, reps, script, ...args] = process.argv.slice(2);
if (!base || !script) throw new Error('usage: node bench/compare.mjs <base checkout> <reps> <script> <args...>');
const trees = { base: resolve(base), head: resolve(BENCH, '..') };
const values = { base: [], head: [] };
for (let r = 0; r < Number(reps); r++) {
  for (const name of r % 2 ? ['head', 'base'] : ['base', 'head']) {
    const scratch = mkdtempSync(join(tmpdir(), 'machinable-compare-'));
    mkdirSync(join(scratch, 'bench'));
    writeFileSync(join(scratch, 'bench', 'trivial.ts'), TRIVIAL_MODULE);
    const result = spawnSync(process.execPath, [join(trees[name], 'bench', script), ...args.map((arg) => arg.replaceAll('{scratch}', scratch))], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    let figure;
    try {
      figure = JSON.parse(line);
    } catch {
      throw new Error(`${name}: ${script} printed no figure:\n${result.stdout.slice(-500)}\n${result.stderr.slice(-1500)}`);
    }
    values[name].push(figure.perOp ?? figure.ms);
  }
}
const round = (v) => Number(v.toPrecision(4));
console.log(JSON.stringify({ base: values.base.map(round), head: values.head.map(round), medianBase: round(median(values.base)), medianHead: round(median(values.head)), ratio: round(median(values.head) / median(values.base)) }));
