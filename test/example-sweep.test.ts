import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { copyOfExample, runNode } from './helpers.js';

describe('examples/sweep', () => {
  const dir = copyOfExample('sweep', ['train.ts', 'sweep.ts']);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as TypeScript with the README command, computes the grid once, and computes only new cells later', async () => {
    // README: node --import @machinable/core/register examples/sweep/sweep.ts [lr ...]
    const sweep = (...rates: string[]) => runNode(dir, ['--import', '@machinable/core/register', 'sweep.ts', ...rates]);
    const first = await sweep('0.05', '0.1');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^8 runs, 8 computed now, 0 reloaded$/m);
    assert.match(first.stdout, /│ seed │ lr\s+│ optimizer\s+│ loss\s+│ id\s+│/);
    assert.equal(first.stdout.match(/'momentum'/g)?.length, 4);
    const second = await sweep('0.1', '0.2');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^8 runs, 4 computed now, 4 reloaded$/m);
  });
});
