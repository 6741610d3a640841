// Writes <n> launched-looking trivial records (seeds 0..n-1, identity keys as machinable computes
// them) into <root>, by hand: the store that reindex and the 100k lookup read.
// Usage: node bench/generate.mjs <root> <n>
import { mkdirSync } from 'node:fs';
import { CORE_URL, recordFiles, report, uuid7, writeRecord } from './lib.mjs';

const [root, n] = [process.argv[2], Number(process.argv[3])];
const { identityKey, predicateKey } = await import(CORE_URL);
mkdirSync(root, { recursive: true });
const predicate = predicateKey({});
const execution = uuid7();
const started = performance.now();
const base = Date.now() - n; // one millisecond apart, so creation order is seed order
for (let seed = 0; seed < n; seed++) {
  const uuid = uuid7({ msecs: base + seed });
  const key = identityKey('trivial', seed === 0 ? {} : { seed });
  writeRecord(root, recordFiles({ uuid, seed, identityKey: key, predicateKey: predicate, execution, now: new Date(base + seed).toISOString() }), uuid);
}
report({ ms: performance.now() - started });
