import { ConfigurationError } from '@machinable/core';
import { expressible, optionArgument, sbatchWord, type SbatchOptions } from './sbatch-options.js';

/** What goes into a job's batch script. */
export interface BatchScriptSpec {
  /** The sbatch options, written as `#SBATCH` lines (and passed on sbatch's command line). */
  readonly options: SbatchOptions;
  /** Shell lines run before the command (`module load …`, `source venv/bin/activate`). */
  readonly preamble: string;
  /** Variables exported before the command. */
  readonly environment: Readonly<Record<string, string>>;
  /** The command the job runs (`exec`ed, so Slurm's signals reach it directly). */
  readonly command: readonly string[];
  /** Comment lines at the end, saying what the script is for. */
  readonly comments: readonly string[];
}

/** A batch script, and its options as `#SBATCH` lines and as sbatch command-line arguments. */
export interface BatchScript {
  readonly text: string;
  /** The `#SBATCH` lines (what the reference records as the job's `cmd`). */
  readonly header: readonly string[];
  /** The same options as sbatch arguments (`--partition=debug`). */
  readonly arguments: readonly string[];
}

/**
 * A bash batch script for sbatch: the `#SBATCH` lines, the preamble, the exports, then the
 * command with every word quoted for the shell.
 *
 * @example
 * batchScript({ options: { '--time': '1:00:00' }, preamble: '', environment: {}, command: ['node', 'job.js'], comments: [] }).text;
 * // '#!/usr/bin/env bash\n#SBATCH --time=1:00:00\n\nexec node job.js\n'
 */
export function batchScript(spec: BatchScriptSpec): BatchScript {
  for (const [name, value] of Object.entries(spec.options)) {
    if (value !== true && !expressible(value)) {
      throw ConfigurationError.of('type', name, `${name}: ${JSON.stringify(value)} holds a line break or a NUL, which no #SBATCH line can hold; give the option (or the folder it names) another value`, 'the sbatch options');
    }
  }
  const args = Object.entries(spec.options).map(([name, value]) => optionArgument(name, value));
  // Each value quoted as sbatch's tokenizer of #SBATCH lines reads it back: one option, the exact value.
  const header = Object.entries(spec.options).map(([name, value]) => `#SBATCH ${value === true ? name : `${name}=${sbatchWord(value)}`}`);
  const lines = ['#!/usr/bin/env bash', ...header, ''];
  if (spec.preamble.trim() !== '') lines.push(spec.preamble.replace(/\n+$/, ''), '');
  for (const [name, value] of Object.entries(spec.environment)) lines.push(`export ${name}=${shellQuote(value)}`);
  lines.push(`exec ${spec.command.map(shellQuote).join(' ')}`);
  if (spec.comments.length > 0) lines.push('', ...spec.comments.map((line) => `# ${line}`));
  return { text: `${lines.join('\n')}\n`, header, arguments: args };
}

/** A word for a POSIX shell: as it is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
