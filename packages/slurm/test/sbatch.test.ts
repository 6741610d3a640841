/**
 * How a run's resources become sbatch options and a batch script: named resources and any other
 * sbatch option, layer over layer, canonical names, checked values, quoting.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigurationError } from '@machinable/core';
import { batchScript, optionName, sbatchOptions, shellQuote } from '@machinable/slurm';

describe('sbatch options: from resources', () => {
  it('maps the named resources to their sbatch options', () => {
    const options = sbatchOptions([{ resources: { partition: 'gpu', cpus: 4, memory: '16G', time: '2:00:00', gres: 'gpu:1' }, source: 'train' }]);
    assert.deepEqual(options, { '--partition': 'gpu', '--cpus-per-task': '4', '--mem': '16G', '--time': '2:00:00', '--gres': 'gpu:1' });
  });

  it('lets a later layer override an earlier one, option by option, and null unset one', () => {
    const options = sbatchOptions([
      { resources: { cpus: 4, time: '2:00:00', sbatch: { qos: 'low', hold: true } }, source: 'train.onComputeResources()' },
      { resources: { time: '0:30:00', cpus: null, sbatch: { '--qos': null, J: 'named' } }, source: 'config' },
      { resources: { sbatch: { '-t': '0:05:00', hold: false } }, source: 'resources option' },
    ]);
    assert.deepEqual(options, { '--cpus-per-task': '4', '--time': '0:05:00', '--job-name': 'named' });
  });

  it('writes other options by their long names, whichever way they were spelt', () => {
    assert.equal(optionName('qos'), '--qos');
    assert.equal(optionName('--qos'), '--qos');
    assert.equal(optionName('-q'), '--qos');
    assert.equal(optionName('p'), '--partition');
    assert.deepEqual(sbatchOptions([{ resources: { sbatch: { exclusive: true, ntasks: 2 } }, source: 'x' }]), { '--exclusive': true, '--ntasks': '2' });
  });

  it('rejects what sbatch would not take, naming where it came from and the key', () => {
    assert.throws(() => sbatchOptions([{ resources: { cpus: 0 }, source: 'train.onComputeResources()' }]), (error: ConfigurationError) => {
      assert.equal(error.path, 'cpus');
      assert.match(error.message, /train\.onComputeResources\(\).*cpus must be a positive integer, not 0/);
      return true;
    });
    assert.throws(() => sbatchOptions([{ resources: { sbatch: { '-Z': 1 } }, source: 'config' }]), /sbatch\.-Z.*not an sbatch short option/);
    assert.throws(() => sbatchOptions([{ resources: { sbatch: { 'bad name': 1 } }, source: 'config' }]), /not an sbatch option name/);
    assert.throws(() => sbatchOptions([{ resources: { sbatch: { comment: 'a\nb' } }, source: 'config' }]), /must be one line/);
    assert.throws(() => sbatchOptions([{ resources: { memory: '' }, source: 'config' }]), /memory must be a non-empty string/);
    assert.throws(() => sbatchOptions([{ resources: { sbatch: { qos: [1] as never } }, source: 'config' }]), /sbatch\.qos must be a string, a number, true/);
  });
});

describe('sbatch options: the batch script', () => {
  it('has the #SBATCH lines, the preamble, the exports and the command, quoted for the shell', () => {
    const script = batchScript({
      options: { '--partition': 'debug', '--exclusive': true, '--job-name': 'a b' },
      preamble: 'module load nodejs\n',
      environment: { MACHINABLE_STORAGE: '/data/my runs' },
      command: ['/usr/bin/node', '/opt/entry.js', "it's"],
      comments: ['train q3ZxM0bT9aKe'],
    });
    assert.equal(
      script.text,
      [
        '#!/usr/bin/env bash',
        '#SBATCH --partition=debug',
        '#SBATCH --exclusive',
        '#SBATCH --job-name="a b"',
        '',
        'module load nodejs',
        '',
        "export MACHINABLE_STORAGE='/data/my runs'",
        "exec /usr/bin/node /opt/entry.js 'it'\\''s'",
        '',
        '# train q3ZxM0bT9aKe',
        '',
      ].join('\n'),
    );
    assert.deepEqual(script.header, ['#SBATCH --partition=debug', '#SBATCH --exclusive', '#SBATCH --job-name="a b"']);
    assert.deepEqual(script.arguments, ['--partition=debug', '--exclusive', '--job-name=a b']);
  });

  it('quotes only words that need it', () => {
    assert.equal(shellQuote('/a/b-c_d.js'), '/a/b-c_d.js');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote('$HOME'), "'$HOME'");
  });
});
