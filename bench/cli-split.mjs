// Where a cached `machinable get montecarlo samples=150 --launch --summary` spends its time, part
// by part, in one process: each repetition is a fresh process running this file with --child,
// which does what bin/run.js does (compile cache on where Node has one, oclif's engine check off,
// import @oclif/core, execute) with timestamps in between, and imports @machinable/core itself
// just before oclif runs the command (the command's own import of it is then free), so core's
// import is timed apart from the rest of the command. oclif's own performance markers split its
// part (oclif.initMs: config, manifest, plugin; commandLoadMs; commandRunMs); collecting them costs
// a few ms after the command, so the total is a little above bench/cli-start.mjs's. Build first.
// Usage: node bench/cli-split.mjs [repetitions] [--json]   (default 9)
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const bin = new URL('../packages/cli/bin/run.js', import.meta.url);
const args = ['get', 'montecarlo', 'samples=150', '--launch', '--summary'];

if (process.argv[2] === '--child') {
  const start = performance.now(); // since the process started: Node's own start and this module's load
  module.enableCompileCache?.();
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  const oclif = await import('@oclif/core');
  delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
  const oclifImported = performance.now();
  await import('@machinable/core');
  const coreImported = performance.now();
  oclif.settings.enableAutoTranspile = false;
  oclif.settings.performanceEnabled = true;
  await oclif.execute({ dir: bin.href, args });
  const done = performance.now();
  const perf = oclif.Performance.oclifPerf;
  const parts = {
    start,
    oclifImport: oclifImported - start,
    coreImport: coreImported - oclifImported,
    oclifInit: perf['oclif.initMs'],
    commandLoad: perf['oclif.commandLoadMs'],
    commandRun: perf['oclif.commandRunMs'],
    done,
  };
  process.stderr.write(`\nmachinable-bench split ${JSON.stringify(parts)}\n`);
} else {
  const { median } = await import('./lib.mjs');
  const argv = process.argv.slice(2);
  const repetitions = Math.max(3, Number(argv.find((a) => /^\d+$/.test(a)) ?? 9));
  const self = fileURLToPath(import.meta.url);
  const cwd = fileURLToPath(new URL('../examples/montecarlo/', import.meta.url));
  const once = (nodeArgs) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, nodeArgs, { cwd, encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${nodeArgs.join(' ')} failed: ${result.stderr}`);
    return { wall, result };
  };
  once([self, '--child']); // warm-up: the run is stored, the caches are warm
  const floors = [];
  const runs = [];
  for (let i = 0; i < repetitions; i++) {
    floors.push(once(['-e', '0']).wall);
    const { wall, result } = once([self, '--child']);
    const parts = JSON.parse(/machinable-bench split (.*)/.exec(result.stderr)?.[1] ?? 'null');
    if (!parts || !/PI is approximately/.test(result.stdout)) throw new Error(`unexpected output: ${result.stdout}${result.stderr}`);
    runs.push({ ...parts, wall });
  }
  const m = (key) => median(runs.map((run) => run[key]));
  const floor = median(floors);
  const wall = m('wall');
  const rows = [
    ['node -e 0 (floor, its own processes)', floor],
    ["process start to the CLI's first line", m('start')],
    ['import @oclif/core', m('oclifImport')],
    ['import @machinable/core', m('coreImport')],
    ['oclif: config, manifest, plugin (initMs)', m('oclifInit')],
    ['oclif: import the get command (commandLoadMs)', m('commandLoad')],
    ['get: storage, index, .ts module, lookup, summary', m('commandRun')],
    ['after the command: oclif finally hooks, flush, exit', wall - m('done') + (m('done') - m('start') - m('oclifImport') - m('coreImport') - m('oclifInit') - m('commandLoad') - m('commandRun'))],
    ['total (wall)', wall],
  ];
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, repetitions, rows: rows.map(([part, ms]) => ({ part, ms })) }));
  } else {
    console.log(`Node ${process.version}: a cached CLI get, part by part (median of ${repetitions})`);
    console.log(`${'part'.padEnd(50)} ${'ms'.padStart(7)} ${'x floor'.padStart(8)}`);
    for (const [part, ms] of rows) console.log(`${part.padEnd(50)} ${ms.toFixed(1).padStart(7)} ${(ms / floor).toFixed(2).padStart(8)}`);
  }
}
