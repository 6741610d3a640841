// Cold start of the `machinable` binary: `machinable version` (reads package.json files only) and
// a cached `machinable get` (imports core, loads the .ts module, finds the stored run, prints its
// summary), against the floor of `node -e 0`, next to the parts they are made of: importing
// @oclif/core and @machinable/core the way bin/run.js does (compile cache on where Node has one,
// oclif's engine check off) and the same get as a plain script. Cases run round-robin, so a change
// in machine load shifts them all alike; then each runs a few more times under bench/maxrss.cjs
// for its peak RSS. Runs on the Node that runs it (npm run bench runs it on Node 20 and Node 24).
// `npm run build` first. Usage: node bench/cli-start.mjs [repetitions] [--json]   (default 9, at least 5)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const argv = process.argv.slice(2);
const repetitions = Math.max(5, Number(argv.find((a) => /^\d+$/.test(a)) ?? 9));
const memoryRepetitions = 3;
const bin = fileURLToPath(new URL('../packages/cli/bin/run.js', import.meta.url));
const maxrss = fileURLToPath(new URL('./maxrss.cjs', import.meta.url));
const montecarlo = fileURLToPath(new URL('../examples/montecarlo/', import.meta.url));
const core = JSON.stringify(import.meta.resolve('@machinable/core'));
const oclif = JSON.stringify(import.meta.resolve('@oclif/core'));
const get = [bin, 'get', 'montecarlo', 'samples=150', '--launch', '--summary'];
const compileCache = `(await import('node:module')).default.enableCompileCache?.();`;

// [label, node arguments, extra environment, target on Node 24]
const cases = [
  ['node -e 0 (floor)', ['-e', '0']],
  ['import @oclif/core (as bin/run.js does)', ['--input-type=module', '-e', `${compileCache} await import(${oclif});`], { OCLIF_DISABLE_ENGINE_WARNING: '1' }],
  ['import @machinable/core', ['--input-type=module', '-e', `${compileCache} await import(${core});`]],
  ['machinable version', [bin, 'version'], {}, { ratio: 2 }],
  ['machinable --help', [bin, '--help']],
  ['machinable get … --launch --summary (cached)', get, {}, { ratio: 3, memoryMiB: 50 }],
  // The same work without the CLI: what the command line itself adds is the difference.
  [
    'the same get as a script',
    [
      '--input-type=module',
      '-e',
      `${compileCache} const { get } = await import(${core});
       const run = await get('montecarlo', { samples: '150' }); await run.launch(); console.log(run.summary());`,
    ],
  ],
];

function spawn(args, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: montecarlo, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return { ms, result };
}

function peakRssMiB(args, env) {
  const { result } = spawn(['--require', maxrss, ...args], env);
  const kib = Number(/machinable-bench maxRSS (\d+)/.exec(result.stderr)?.[1]);
  return kib / 1024;
}

// Once beforehand, so the timed runs find the run stored (and the OS and compile caches warm).
const first = spawn(get);
const log = (text) => process.stderr.write(`${text}\n`);
log(`warm-up (Node ${process.version}): ${first.result.stdout.trim()}`);

const times = cases.map(() => []);
for (let i = 0; i < repetitions; i++) cases.forEach(([, args, env], c) => times[c].push(spawn(args, env).ms));
const memory = cases.map(([, args, env]) => median(Array.from({ length: memoryRepetitions }, () => peakRssMiB(args, env))));

const floor = median(times[0]);
const rows = cases.map(([label, , , target], c) => {
  const ms = median(times[c]);
  const ratio = ms / floor;
  const met = target && (!target.ratio || ratio < target.ratio) && (!target.memoryMiB || memory[c] <= target.memoryMiB);
  const goal = target ? [target.ratio && `< ${target.ratio}×`, target.memoryMiB && `≤ ${target.memoryMiB} MiB`].filter(Boolean).join(', ') : '';
  return { label, ms, ratio, rssMiB: memory[c], target: goal, met: target ? met : undefined };
});

if (argv.includes('--json')) {
  console.log(JSON.stringify({ node: process.version, repetitions, rows }));
} else {
  console.log(`Node ${process.version}: median of ${repetitions} cold starts each (peak RSS: median of ${memoryRepetitions})`);
  console.log(`${'case'.padEnd(46)} ${'ms'.padStart(7)} ${'x floor'.padStart(8)} ${'peak RSS'.padStart(10)}  target on Node 24`);
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : `${row.target}: ${row.met ? 'met' : 'NOT met'}`;
    console.log(`${row.label.padEnd(46)} ${row.ms.toFixed(1).padStart(7)} ${row.ratio.toFixed(2).padStart(8)} ${`${row.rssMiB.toFixed(1)} MiB`.padStart(10)}  ${verdict}`);
  }
}
