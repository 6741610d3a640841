/**
 * The `#SBATCH` lines of a job script: every option value (the project folder of `--chdir`
 * included) reaches sbatch as one option with its exact value, as sbatch's own tokenizer reads the
 * lines; values no line can hold are refused naming the option. Checked by a unit test of the
 * quoting, and against the real sbatch where a Slurm controller answers (always under CI=true).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '@machinable/core';
import { batchScript, optionName, sbatchOptions, sbatchWord } from '@machinable/slurm';
import { temporaryDirectory } from './helpers.js';

/** Values with every character the tokenizer treats specially: quotes, backslashes, '#', '$', spaces, tabs. */
const HARD = ['a b', 'say "hi"', "it's", 'back\\slash\\', 'x#y', '$HOME and `pwd`', ' lead and trail ', 'tab\there', '"', '\\', "'\"\\#$ %", 'é 東京'];

describe('slurm quoting: the #SBATCH lines', () => {
  it('leaves plain values as they are and double-quotes the rest, escaping " and \\', () => {
    assert.equal(sbatchWord('debug'), 'debug');
    assert.equal(sbatchWord('gpu:1'), 'gpu:1');
    assert.equal(sbatchWord('/data/run-1/out_%j.log'), '/data/run-1/out_%j.log');
    assert.equal(sbatchWord('a b'), '"a b"');
    assert.equal(sbatchWord('say "hi"'), '"say \\"hi\\""');
    assert.equal(sbatchWord('back\\slash\\'), '"back\\\\slash\\\\"');
    assert.equal(sbatchWord('x#y'), '"x#y"');
    assert.equal(sbatchWord(''), '""');
  });

  it('writes one #SBATCH line per option, with the folder of --chdir quoted too', () => {
    const script = batchScript({ options: { '--comment': 'a "b" c', '--chdir': '/p/my "project"', '--hold': true }, preamble: '', environment: {}, command: ['true'], comments: [] });
    assert.deepEqual(script.header, ['#SBATCH --comment="a \\"b\\" c"', '#SBATCH --chdir="/p/my \\"project\\""', '#SBATCH --hold']);
    assert.deepEqual(script.arguments, ['--comment=a "b" c', '--chdir=/p/my "project"', '--hold'], 'the command line takes the values as they are');
  });

  it('refuses a value no #SBATCH line can hold, and an option name that is not one, naming the option', () => {
    for (const value of ['two\nlines', 'cr\rhere', 'nul\0here']) {
      assert.throws(() => batchScript({ options: { '--chdir': value }, preamble: '', environment: {}, command: ['true'], comments: [] }), (error: unknown) => error instanceof ConfigurationError && /--chdir: .* holds a line break or a NUL, which no #SBATCH line can hold/.test(error.message));
      assert.throws(() => sbatchOptions([{ resources: { sbatch: { comment: value } }, source: 'train' }]), (error: unknown) => error instanceof ConfigurationError && /sbatch\.comment must be one line without NUL characters/.test(error.message));
    }
    assert.throws(() => optionName('--qos debug'), (error: unknown) => error instanceof ConfigurationError && /sbatch\.--qos debug: '--qos debug' is not an sbatch option name/.test(error.message));
    assert.equal(optionName('--qos'), '--qos');
  });
});

/** Why the real-sbatch spec is skipped, or false to run it: it runs where a Slurm controller answers, and always under CI=true. */
const CONTROLLER = spawnSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 20_000 });
const SKIP: string | false =
  process.env['CI'] === 'true' || (CONTROLLER.status === 0 && /is UP/.test(CONTROLLER.stdout))
    ? false
    : `no Slurm controller answers here (scontrol ping: ${(CONTROLLER.error?.message ?? CONTROLLER.stdout.trim()) || 'no answer'}); as root, bash .ci/slurm starts one`;
if (SKIP) console.log(`# skipping the real-sbatch quoting spec: ${SKIP}`);

describe('slurm quoting: what the real sbatch reads from the lines', { skip: SKIP, timeout: 120_000 }, () => {
  const jobs: string[] = [];
  after(() => {
    if (jobs.length > 0) spawnSync('scancel', jobs);
  });

  it('reads each value back exactly, one option each, from the #SBATCH lines alone', () => {
    const root = temporaryDirectory('sbatch "quoting"');
    for (const [i, value] of HARD.entries()) {
      const folder = join(root, `dir ${i} ${value.replace(/\//g, '_')}`.trim());
      mkdirSync(folder, { recursive: true });
      const script = batchScript({
        options: { '--hold': true, '--job-name': value, '--comment': `c ${value}`, '--chdir': folder, '--output': join(folder, 'out.log') },
        preamble: '',
        environment: {},
        command: ['true'],
        comments: [],
      });
      const file = join(root, `job-${i}.sh`);
      writeFileSync(file, script.text);
      // No options on the command line: sbatch reads them from the #SBATCH lines only.
      const submitted = spawnSync('sbatch', ['--parsable', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(submitted.status, 0, `${JSON.stringify(value)}: ${submitted.stderr}\n${script.header.join('\n')}`);
      const job = submitted.stdout.trim().split(';')[0]!;
      jobs.push(job);
      const field = (format: string): string => {
        const out = spawnSync('squeue', ['--noheader', `--jobs=${job}`, `--format=${format}`], { encoding: 'utf8' });
        assert.equal(out.status, 0, out.stderr);
        return out.stdout.replace(/\n$/, '');
      };
      assert.equal(field('%j'), value, `the job name of ${JSON.stringify(value)}`);
      assert.equal(field('%k'), `c ${value}`, `the comment of ${JSON.stringify(value)}`);
      assert.equal(field('%Z'), folder, `the working folder of ${JSON.stringify(value)}`);
    }
  });
});
