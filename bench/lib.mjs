// Shared helpers of the benchmarks: throwaway projects, child processes that report one JSON
// line, medians. The floors (the same work by hand) are in floor.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const CORE_URL = import.meta.resolve('@machinable/core');

/** The module every benchmark launches: a config with one int field and a run() saving one small JSON. */
export const TRIVIAL_MODULE = `import { Interface, Config, Field } from '@machinable/core';

@Config()
export class TrivialConfig {
  @Field({ type: 'int' }) seed = 0;
}

export default class Trivial extends Interface<TrivialConfig> {
  static Config = TrivialConfig;
  async run() {
    this.saveFile('result.json', { seed: this.config.seed, double: this.config.seed * 2 });
  }
}
`;

/**
 * The name of every benchmark project folder. A project's root record (which every top-level
 * record is scoped under, and whose keys are the first two levels of the storage) is derived from
 * its folder's name, so the generated stores fit any project folder of this name.
 */
export const PROJECT_NAME = 'bench';

/** A fresh project folder `<os.tmpdir()>/machinable-bench-<label>-XXXXXX/bench` holding `trivial.ts`. */
export function makeProject(label = 'project') {
  const directory = join(mkdtempSync(join(tmpdir(), `machinable-bench-${label}-`)), PROJECT_NAME);
  mkdirSync(directory);
  writeFileSync(join(directory, 'trivial.ts'), TRIVIAL_MODULE);
  return directory;
}

/**
 * The Node 24 binary that .ci/node24 installs (`npm run node24`), or `$MACHINABLE_NODE24`;
 * undefined when there is none.
 */
export function node24Binary() {
  if (process.env.MACHINABLE_NODE24) return process.env.MACHINABLE_NODE24;
  const cache = process.env.MACHINABLE_CI_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'machinable-ci');
  const binary = join(cache, 'node24', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  return existsSync(binary) ? binary : undefined;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `node bench/<script> ...args` and returns the JSON object it printed on its last stdout
 * line. Each repetition is its own process, so no figure inherits another's caches or heap.
 */
export function runChild(script, args = [], options = {}) {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), join(BENCH, script), ...args.map(String)], {
    encoding: 'utf8',
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`bench/${script} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Prints the figures of a child benchmark as its last stdout line. */
export function report(figures) {
  process.stdout.write(`${JSON.stringify({ ...figures, maxRSS: process.resourceUsage().maxRSS })}\n`);
}

/** `--name value` from argv, else the fallback. */
export function option(argv, name, fallback) {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
}
