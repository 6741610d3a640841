/**
 * Ingest throughput of the SQLite index: synthetic rows (10,000 by default) into a fresh file,
 * median of several runs: new rows, the same rows again (refresh), new rows inside rebuild()
 * (secondary indexes built once at the end), and a floor measured in the same run: the same rows
 * as a plain prepared INSERT in one transaction, JSON columns pre-serialised, no relations.
 * Usage: node dist/test-index/bench-ingest.js [rows] [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PyFloat } from '../src/identity/py-float.js';
import type { IndexRow, IngestItem } from '../src/index/index.js';
import { INDEX_COLUMNS, sqliteModule } from '../src/index/sqlite-schema.js';
import { SqliteIndex } from '../src/index/sqlite-index.js';

const rows = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);

/** A run-record-like row: a parent, a small config with floats and a unicode string, one edge. */
function item(i: number): IngestItem {
  const id = `R${i.toString(36).padStart(11, '0')}`;
  const row: IndexRow = {
    record_id: id,
    kind: i % 10 === 0 ? 'Interface' : 'Execution',
    module: `experiments.train_${i % 20}`,
    identity_key: (i * 2654435761).toString(16).padStart(24, '0').slice(-24),
    predicate_key: '44136fa355b3678a1146ad16f7e8649e',
    predicate: { started_at: '2026-01-01_120000', resources: null },
    parent_id: i % 10 === 0 ? null : `R${(i - (i % 10)).toString(36).padStart(11, '0')}`,
    storage_uri: `file:///research/storage/${id}`,
    local_uri: `file:///research/storage/${id}`,
    storage_id: 'storage',
    hidden: false,
    bytes_missing: false,
    config: {
      default: { lr: 0.1, epochs: 10, name: 'run', momentum: new PyFloat(1) },
      version: [{ lr: 0.001 * (i % 100) }, '~fast'],
      update: { lr: 0.001 * (i % 100) },
      resolved: { lr: 0.001 * (i % 100), epochs: 10, name: `café-${i}`, momentum: new PyFloat(1), layers: [64, 64, 10] },
    },
    inherits: ['machinable.interface'],
    context: [],
    created_at_ns: 1767225600000000000n + BigInt(i) * 1000n,
    updated_at_ns: 1767225600000000000n + BigInt(i) * 1000n,
    created_by: 'bench',
    label: null,
    extra: { seed: i, nickname: 'bench_run', resources: null },
    private: {},
  };
  return { row, relations: [{ relation: 'Interface.Interface.using', record_id: id, related_id: 'R00000000000' }] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const items = Array.from({ length: rows }, (_, i) => item(i));
const dir = mkdtempSync(join(tmpdir(), 'machinable-bench-ingest-'));
const ingestRates: number[] = [];
const refreshRates: number[] = [];
const rebuildRates: number[] = [];
const floorRates: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    // Floor: what better-sqlite3 does with the same table and rows when nothing is serialised or checked.
    const floorIndex = new SqliteIndex(join(dir, `floor-${run}.sqlite`));
    floorIndex.close();
    const SQLite = sqliteModule();
    const db = new SQLite(join(dir, `floor-${run}.sqlite`));
    db.pragma('synchronous = NORMAL');
    const insert = db.prepare(`INSERT INTO 'index' (${INDEX_COLUMNS.join(', ')}) VALUES (${INDEX_COLUMNS.map(() => '?').join(', ')})`);
    const values = items.map(({ row }) => [
      row.record_id, row.kind, row.module, row.identity_key, '{"resources":null,"started_at":"2026-01-01_120000"}', row.predicate_key, row.parent_id,
      '{}', '[]', '{}', '{"epochs":10,"lr":0.001}', '[]', '[]', row.storage_uri, row.local_uri, row.storage_id, 0, 0,
      row.created_at_ns, row.updated_at_ns, row.created_by, row.label, '{}', '{}',
    ]);
    let start = process.hrtime.bigint();
    db.transaction(() => {
      for (const v of values) insert.run(...v);
    }).immediate();
    floorRates.push(rows / (Number(process.hrtime.bigint() - start) / 1e9));
    db.close();

    const index = new SqliteIndex(join(dir, `index-${run}.sqlite`));
    start = process.hrtime.bigint();
    index.ingest(items);
    ingestRates.push(rows / (Number(process.hrtime.bigint() - start) / 1e9));
    start = process.hrtime.bigint();
    index.ingest(items);
    refreshRates.push(rows / (Number(process.hrtime.bigint() - start) / 1e9));
    index.close();

    const rebuilt = new SqliteIndex(join(dir, `rebuild-${run}.sqlite`));
    start = process.hrtime.bigint();
    rebuilt.rebuild(() => rebuilt.ingest(items));
    rebuildRates.push(rows / (Number(process.hrtime.bigint() - start) / 1e9));
    rebuilt.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const fmt = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`;
console.log(`${rows} rows, ${runs} runs, median:`);
console.log(`  ingest (new rows):      ${fmt(median(ingestRates))}   [${ingestRates.map(fmt).join(', ')}]`);
console.log(`  ingest (refresh known): ${fmt(median(refreshRates))}   [${refreshRates.map(fmt).join(', ')}]`);
console.log(`  rebuild (new rows):     ${fmt(median(rebuildRates))}   [${rebuildRates.map(fmt).join(', ')}]`);
console.log(`  plain INSERT floor:     ${fmt(median(floorRates))}   [${floorRates.map(fmt).join(', ')}]`);
