import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyOfExample, runScript } from './helpers.js';

describe('examples/sweep', () => {
  it('computes the grid once, prints a results table, and computes only new cells later', async () => {
    const dir = copyOfExample('sweep', ['train.ts', 'sweep.mjs']);
    const first = await runScript(dir, `process.argv.push('0.05', '0.1'); await import('./sweep.mjs');`);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^8 runs, 8 computed now, 0 reloaded$/m);
    assert.match(first.stdout, /│ seed │ lr\s+│ optimizer\s+│ loss\s+│ id\s+│/);
    assert.equal(first.stdout.match(/'momentum'/g)?.length, 4);
    const second = await runScript(dir, `process.argv.push('0.1', '0.2'); await import('./sweep.mjs');`);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^8 runs, 4 computed now, 4 reloaded$/m);
  });
});
