// Figure 3: reindex() of a store of record directories, against the floor of reading the same
// id.json files and inserting rows (same table and indexes, same 10,000 rows per transaction).
// Usage: node bench/reindex.mjs machinable|floor <root> <index file>   (the index file is replaced)
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_URL, FLOOR_SCHEMA, report } from './lib.mjs';

const [mode, root, indexPath] = process.argv.slice(2, 5);
for (const suffix of ['', '-wal', '-shm']) rmSync(indexPath + suffix, { force: true });

if (mode === 'machinable') {
  const core = await import(CORE_URL);
  // Its own entry point since core stopped loading better-sqlite3 (from core itself before).
  const { SqliteIndex } = core.SqliteIndex ? core : await import('@machinable/core/sqlite');
  const { createStorage } = await import(import.meta.resolve('@machinable/storage-fs'));
  const storage = createStorage({ root });
  const index = new SqliteIndex(indexPath);
  const started = performance.now();
  const { indexed, corrupt, duplicates } = core.rebuildIndex(storage, index);
  const ms = performance.now() - started;
  index.close();
  if (corrupt.length || duplicates.length) throw new Error(`reindex reported ${corrupt.length} corrupt, ${duplicates.length} duplicates`);
  report({ ms, records: indexed, perSecond: (indexed / ms) * 1000 });
} else if (mode === 'floor') {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(indexPath);
  db.exec(FLOOR_SCHEMA);
  const insert = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertAll = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  // Columns the floor does not read (module, version, created_at) get values of typical length.
  const VERSION = '[{"seed":12345}]';
  const CREATED_AT = new Date().toISOString();
  const started = performance.now();
  let rows = [];
  let records = 0;
  for (const name of readdirSync(root)) {
    const id = JSON.parse(readFileSync(join(root, name, 'id.json'), 'utf8'));
    rows.push([id.uuid, id.kind, 'trivial', id.parent ?? '', id.identity_key, id.predicate_key, VERSION, CREATED_AT]);
    records += 1;
    if (rows.length === 10_000) {
      insertAll.immediate(rows);
      rows = [];
    }
  }
  insertAll.immediate(rows);
  const ms = performance.now() - started;
  db.close();
  report({ ms, records, perSecond: (records / ms) * 1000 });
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}
