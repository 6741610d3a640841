import { ConfigurationError, type ComputeResources } from '@machinable/core';

/** sbatch options by long name (`--partition`), each with its value, or `true` for a flag. */
export type SbatchOptions = Record<string, string | true>;

/** One layer of resources and where it comes from (named in errors). */
export interface ResourceLayer {
  readonly resources: ComputeResources;
  /** e.g. `the Slurm execution's config`, `train.onComputeResources()`. */
  readonly source: string;
}

/** sbatch's one-letter options and their long names (as the reference's `canonicalize_resources`). */
const SHORT_OPTIONS: Readonly<Record<string, string>> = {
  A: 'account', B: 'extra-node-info', C: 'constraint', c: 'cpus-per-task', d: 'dependency', D: 'chdir',
  e: 'error', F: 'nodefile', G: 'gpus', H: 'hold', i: 'input', J: 'job-name', k: 'no-kill', L: 'licenses',
  M: 'clusters', m: 'distribution', N: 'nodes', n: 'ntasks', O: 'overcommit', o: 'output', p: 'partition',
  q: 'qos', Q: 'quiet', s: 'oversubscribe', t: 'time', w: 'nodelist', x: 'exclude',
};

/** The named resources and the sbatch option each one is. */
const NAMED: readonly (readonly [keyof ComputeResources, string])[] = [
  ['partition', '--partition'],
  ['cpus', '--cpus-per-task'],
  ['memory', '--mem'],
  ['time', '--time'],
  ['gres', '--gres'],
  ['nodes', '--nodes'],
];

/**
 * The sbatch options of layers of resources, later layers overriding earlier ones option by
 * option (a `null` or `false` in `sbatch` unsets an option an earlier layer set). Option names
 * are made canonical (`qos`, `-q` → `--qos`), so two layers spelling one option differently meet.
 * A wrong value (a CPU count that is not a positive integer, a value with a line break, an
 * unknown short option) is a `ConfigurationError` naming the layer and the key.
 *
 * @example
 * sbatchOptions([{ resources: { cpus: 2 }, source: 'train' }, { resources: { sbatch: { '-p': 'gpu' } }, source: 'config' }]);
 * // { '--cpus-per-task': '2', '--partition': 'gpu' }
 */
export function sbatchOptions(layers: readonly ResourceLayer[]): SbatchOptions {
  const options: SbatchOptions = {};
  for (const { resources, source } of layers) {
    for (const [key, option] of NAMED) {
      const value = resources[key];
      if (value === undefined || value === null) continue;
      if (key === 'cpus' || key === 'nodes') {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw ConfigurationError.of('type', key, `${key} must be a positive integer, not ${JSON.stringify(value)}`, source);
        }
      } else if (typeof value !== 'string' || value.trim() === '') {
        throw ConfigurationError.of('type', key, `${key} must be a non-empty string (as sbatch writes it, e.g. ${example(key)}), not ${JSON.stringify(value)}`, source);
      }
      options[option] = checkedValue(String(value), key, source);
    }
    for (const [key, value] of Object.entries(resources.sbatch ?? {})) {
      const option = optionName(key, source);
      const set = optionValue(value as unknown, `sbatch.${key}`, source);
      if (set === undefined) delete options[option];
      else options[option] = set;
    }
  }
  return options;
}

/** `qos`, `--qos`, `-q` and `q` → `--qos`. */
export function optionName(key: string, source = 'sbatch options'): string {
  const trimmed = key.trim();
  if (trimmed.startsWith('--') && trimmed.length > 2) {
    if (/^--[A-Za-z][A-Za-z0-9-]*$/.test(trimmed)) return trimmed;
    throw ConfigurationError.of('unknown-key', `sbatch.${key}`, `sbatch.${key}: '${key}' is not an sbatch option name (letters, digits and '-' after '--'); write it as sbatch does, e.g. '--qos'`, source);
  }
  const short = trimmed.startsWith('-') ? trimmed.slice(1) : trimmed.length === 1 ? trimmed : undefined;
  if (short !== undefined) {
    const long = short.length === 1 ? SHORT_OPTIONS[short] : undefined;
    if (long === undefined) {
      throw ConfigurationError.of('unknown-key', `sbatch.${key}`, `sbatch.${key}: '${key}' is not an sbatch short option this knows; write the long name (e.g. 'qos' or '--qos')`, source);
    }
    return `--${long}`;
  }
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(trimmed)) {
    throw ConfigurationError.of('unknown-key', `sbatch.${key}`, `sbatch.${key}: '${key}' is not an sbatch option name; write it as sbatch does, e.g. 'qos' or '--qos'`, source);
  }
  return `--${trimmed}`;
}

function optionValue(value: unknown, path: string, source: string): string | true | undefined {
  if (value === null || value === false) return undefined;
  if (value === true) return true;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return checkedValue(value, path, source);
  throw ConfigurationError.of('type', path, `${path} must be a string, a number, true (a flag), or null/false (unset), not ${JSON.stringify(value) ?? typeof value}`, source);
}

function checkedValue(value: string, path: string, source: string): string {
  if (!expressible(value)) throw ConfigurationError.of('type', path, `${path} must be one line without NUL characters (it becomes an #SBATCH line), not ${JSON.stringify(value)}`, source);
  return value;
}

/** True for a value an `#SBATCH` line can hold: no line break (sbatch reads a directive up to the end of its line) and no NUL. */
export function expressible(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}

/**
 * An option value as sbatch's own tokenizer of `#SBATCH` lines reads it back exactly (Slurm's
 * `_get_argument` in src/sbatch/opt.c): as it is when it holds only characters the tokenizer
 * passes through, else in double quotes with `"` and `\` escaped by a backslash. Unquoted, the
 * tokenizer ends a word at whitespace, starts a comment at `#`, and drops quotes and backslashes;
 * in double quotes only `\` (escaping the next character) and the closing `"` are special, so
 * spaces, `'`, `#` and `$` are kept. A line break or NUL cannot be expressed: see {@link expressible}.
 *
 * @example
 * sbatchWord('debug');            // 'debug'
 * sbatchWord('/data/my "runs"');  // '"/data/my \"runs\""'
 */
export function sbatchWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

function example(key: string): string {
  return key === 'memory' ? "'16G'" : key === 'time' ? "'2:00:00'" : key === 'gres' ? "'gpu:1'" : "'debug'";
}

/** How an option is written in sbatch's command line and `#SBATCH` lines: `--name=value`, or `--name` for a flag. */
export function optionArgument(name: string, value: string | true): string {
  return value === true ? name : `${name}=${value}`;
}
