// Shared helpers of the benchmarks: throwaway projects, child processes that report one JSON
// line, medians, and the hand-written "floor" record (the same files machinable writes).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
export { v7 as uuid7 } from 'uuid';

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

/** A fresh project folder under os.tmpdir() holding `trivial.ts`. */
export function makeProject(label = 'project') {
  const directory = mkdtempSync(join(tmpdir(), `machinable-bench-${label}-`));
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

/** Same schema as the SQLite index: the floor pays for the same b-tree indexes. */
export const FLOOR_SCHEMA = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = NORMAL;
  CREATE TABLE IF NOT EXISTS records (
    uuid TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, module TEXT NOT NULL, parent TEXT NOT NULL,
    identity_key TEXT NOT NULL, predicate_key TEXT NOT NULL, version TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS records_dedup ON records (parent, identity_key, predicate_key);
  CREATE INDEX IF NOT EXISTS records_module ON records (module, identity_key);
  CREATE INDEX IF NOT EXISTS records_parent ON records (parent);
  CREATE TABLE IF NOT EXISTS relations (
    from_uuid TEXT NOT NULL, relation TEXT NOT NULL, to_uuid TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (from_uuid, relation, to_uuid)
  );
  CREATE INDEX IF NOT EXISTS relations_to ON relations (to_uuid);
`;

const pretty = (value) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The files of a launched trivial record, as machinable writes them (format v1): what the floor
 * writes by hand and what the reindex store is made of.
 */
export function recordFiles({ uuid, seed, identityKey, predicateKey, execution, now = new Date().toISOString() }) {
  const layer = { seed };
  return [
    ['result.json', JSON.stringify({ seed, double: seed * 2 })],
    ['id.json', pretty({ format: 1, uuid, kind: 'Interface', identity_key: identityKey, predicate_key: predicateKey, parent: null })],
    [
      'model.json',
      pretty({
        module: 'trivial',
        config: { default: { seed: 0 }, version: [layer], update: {}, resolved: layer },
        version: [layer],
        predicate: {},
        context: {},
        inherits: ['Trivial', 'Interface', 'Element'],
      }),
    ],
    ['updated_at', now],
    ['related/metadata.jsonl', `${JSON.stringify({ relation: 'execution', uuid: execution, at: now })}\n`],
    ['.machinable', '1\n'],
    ['dispatched_at', now],
    ['process.json', pretty({ pid: process.pid, host: 'bench' })],
    ['started_at', now],
    ['heartbeat_at', now],
    ['finished_at', now],
  ];
}

/** Writes a record directory the plain way: mkdir, then each file once. */
export function writeRecord(root, files, uuid) {
  const directory = join(root, uuid);
  mkdirSync(directory);
  mkdirSync(join(directory, 'related'));
  for (const [name, data] of files) writeFileSync(join(directory, name), data);
  return directory;
}

/** `--name value` from argv, else the fallback. */
export function option(argv, name, fallback) {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
}
