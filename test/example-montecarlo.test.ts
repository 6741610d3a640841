import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyOfExample, recordsOnDisk, runScript } from './helpers.js';

describe('examples/montecarlo', () => {
  it('estimates pi once and reloads it on the second run', async () => {
    const dir = copyOfExample('montecarlo', ['montecarlo.ts', 'run.mjs']);
    const script = `process.argv[2] = '150'; await import('./run.mjs');`;
    const first = await runScript(dir, script);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^After 150 samples, PI is approximately 3\.\d+\.$/m);
    assert.match(first.stdout, /computed by execution [a-z]+_[a-z]+ and stored/);
    const second = await runScript(dir, script);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^After 150 samples, PI is approximately 3\.\d+\.$/m);
    assert.match(second.stdout, /reloaded .* \(not recomputed; computed .* by [a-z]+_[a-z]+\)/);
    const kinds = recordsOnDisk(dir).map((record) => record.kind);
    assert.deepEqual(kinds, ['Interface', 'Execution'], 'one record, and the run record of its one computation');
  });
});
