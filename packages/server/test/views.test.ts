/** The server's views of stored values: content types, .npy summaries, statuses in the reference's words, the command line of a record. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray, encodeFile, PyFloat } from '@machinable/core';
import { cliString, contentTypeOf, lifecycleOf, npySummary, NPY_PREVIEW } from '@machinable/server';

describe('views: content types', () => {
  it('by extension, status markers as text, anything else as bytes', () => {
    assert.equal(contentTypeOf('result.json'), 'application/json');
    assert.equal(contentTypeOf('logs/train.jsonl'), 'application/x-ndjson');
    assert.equal(contentTypeOf('table.CSV'), 'text/csv; charset=utf-8');
    assert.equal(contentTypeOf('plot.png'), 'image/png');
    assert.equal(contentTypeOf('finished_at'), 'text/plain; charset=utf-8');
    assert.equal(contentTypeOf('page.html'), 'application/octet-stream', 'never rendered as a page of this origin');
    assert.equal(contentTypeOf('model.bin'), 'application/octet-stream');
  });
});

describe('views: .npy summaries', () => {
  it('shape, dtype and the first values', () => {
    const bytes = encodeFile('a.npy', ndarray(new Float32Array([1.5, 2, 3, 4]), [2, 2]));
    assert.deepEqual(npySummary(bytes, 'a.npy'), { kind: 'ndarray', shape: [2, 2], dtype: 'float32', size: 4, preview: [1.5, 2, 3, 4] });
  });

  it('at most NPY_PREVIEW values; 64-bit integers as numbers', () => {
    const summary = npySummary(encodeFile('a.npy', new BigInt64Array(500).fill(7n)), 'a.npy');
    assert.equal(summary.size, 500);
    assert.equal(summary.preview!.length, NPY_PREVIEW);
    assert.equal(summary.preview![0], 7);
  });

  it('a dtype the codec does not decode still has shape and dtype (numpy float16)', () => {
    const header = "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 4), }";
    const padded = header.padEnd(118, ' ') + '\n';
    const bytes = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([padded.length, 0]), Buffer.from(padded, 'latin1'), Buffer.alloc(24)]);
    assert.deepEqual(npySummary(bytes, 'h.npy'), { kind: 'ndarray', shape: [3, 4], dtype: '<f2', size: 12, preview: null });
  });

  it('a file that is not .npy says so', () => {
    assert.match(npySummary(Buffer.from('hello'), 'x.npy').dtype, /not an \.npy file/);
  });
});

describe('views: statuses and commands', () => {
  it('run statuses in the reference API\'s lifecycle words', () => {
    assert.deepEqual((['pending', 'live', 'died', 'finished', 'failed'] as const).map(lifecycleOf), ['draft', 'running', 'failed', 'cached', 'failed']);
  });

  it('cliString writes versions as the command line reads them', () => {
    assert.equal(cliString('train', ['~adam', { lr: new PyFloat(0.1), optimizer: { name: 'sgd' } }]), 'machinable get train ~adam lr=0.1 optimizer.name=sgd');
    assert.equal(cliString('train', [{ note: 'two words', layers: [1, 2] }]), "machinable get train 'note=two words' 'layers=[1,2]'");
    assert.equal(cliString(null, []), '');
  });
});
