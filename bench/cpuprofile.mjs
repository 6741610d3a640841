// Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, or with
// `--inclusive` the most time including what they call (each sample counted once per function on
// its stack). `--last MS` keeps only the last MS ms of the profile: the timed loop of a benchmark
// that reports its `ms` (launch.mjs, cached.mjs loop), without the imports and the warm-up.
// Usage: node bench/cpuprofile.mjs <file.cpuprofile> [--top N] [--last MS] [--inclusive] [--match REGEX]
//   e.g. node --cpu-prof --cpu-prof-dir=/tmp/p bench/launch.mjs machinable 1000 <project> <storage>
//        node bench/cpuprofile.mjs /tmp/p/CPU.*.001.cpuprofile --last <ms it printed> --inclusive --match packages/
import { readFileSync } from 'node:fs';
import { option } from './lib.mjs';

const argv = process.argv.slice(2);
const file = argv[0];
const top = Number(option(argv, 'top', 40));
const last = Number(option(argv, 'last', Infinity));
const inclusive = argv.includes('--inclusive');
const match = new RegExp(option(argv, 'match', '.'));

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const label = ({ callFrame: f }) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|packages|bench)\//, '$1/').replace('file://', '')}${f.url ? `:${f.lineNumber + 1}` : ''}`;

const times = new Map();
let total = 0;
let at = profile.startTime;
const from = profile.endTime - last * 1000;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i];
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (at < from) continue;
  total += dt;
  const seen = new Set();
  for (let id = profile.samples[i]; id !== undefined; id = inclusive ? parents.get(id) : undefined) {
    const name = label(nodes.get(id));
    if (seen.has(name)) continue;
    seen.add(name);
    times.set(name, (times.get(name) ?? 0) + dt);
  }
}
console.log(`${(total / 1000).toFixed(0)} ms sampled, ${inclusive ? 'inclusive' : 'self'} time`);
const rows = [...times].filter(([name]) => match.test(name)).sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
