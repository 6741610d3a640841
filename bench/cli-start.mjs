// Cold start of the `machinable` binary: `machinable version` (reads package.json files only) and
// a cached `machinable get` (imports core, loads the .ts module, finds the stored run, prints its
// summary), against the floor of `node -e 0` and against the same get as a plain script. The
// cases run round-robin, so a change in machine load shifts them all alike. `npm run build` first.
// Usage: node bench/cli-start.mjs [repetitions]   (default 9, at least 5)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const repetitions = Math.max(5, Number(process.argv[2] ?? 9));
const bin = fileURLToPath(new URL('../packages/cli/bin/run.js', import.meta.url));
const montecarlo = fileURLToPath(new URL('../examples/montecarlo/', import.meta.url));
const core = import.meta.resolve('@machinable/core');
const get = [bin, 'get', 'montecarlo', 'samples=150', '--launch', '--summary'];

const cases = [
  ['node -e 0 (floor)', ['-e', '0']],
  ['import @machinable/core', ['--input-type=module', '-e', `await import(${JSON.stringify(core)})`]],
  ['machinable version', [bin, 'version']],
  ['machinable --help', [bin, '--help']],
  ['machinable get … --launch --summary (cached)', get],
  // The same work without the CLI: what the command line itself adds is the difference.
  [
    'the same get as a script',
    [
      '--input-type=module',
      '-e',
      `const { get } = await import(${JSON.stringify(core)});
       const run = await get('montecarlo', { samples: '150' }); await run.launch(); console.log(run.summary());`,
    ],
  ],
];

function run(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: montecarlo, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

// Once beforehand, so the timed runs find the run stored (and the OS caches warm).
const first = spawnSync(process.execPath, get, { cwd: montecarlo, encoding: 'utf8' });
if (first.status !== 0) throw new Error(`warm-up failed: ${first.stderr}`);
console.log(`warm-up: ${first.stdout.trim()}`);

const times = cases.map(() => []);
for (let i = 0; i < repetitions; i++) cases.forEach(([, args], c) => times[c].push(run(args)));
const rows = cases.map(([label], c) => [label, median(times[c])]);
const floor = rows[0][1];
console.log(`median of ${repetitions} cold starts each (Node ${process.version})`);
console.log('case'.padEnd(46), 'ms'.padStart(8), 'x floor'.padStart(9));
for (const [label, ms] of rows) console.log(label.padEnd(46), ms.toFixed(1).padStart(8), (ms / floor).toFixed(2).padStart(9));
