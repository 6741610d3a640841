// Figure 3: reindex of a format-v1 storage (machinable's rebuildIndex(storage, index) into a new
// index file), against the floor of walking the same tree, reading and parsing id.json and
// model.json of every record and inserting the rows (bench/floor.mjs: the reference's table and
// indexes, 10,000 rows per transaction).
// Usage: node bench/reindex.mjs machinable|floor <storage> <index file>   (the index file is replaced)
import { rmSync } from 'node:fs';
import { CORE_URL, report } from './lib.mjs';

const [mode, root, indexPath] = process.argv.slice(2, 5);
for (const suffix of ['', '-wal', '-shm']) rmSync(indexPath + suffix, { force: true });

if (mode === 'machinable') {
  const core = await import(CORE_URL);
  const { SqliteIndex } = await import('@machinable/core/sqlite');
  const { createStorage } = await import(import.meta.resolve('@machinable/storage-fs'));
  const storage = createStorage({ root });
  const index = new SqliteIndex(indexPath);
  const started = performance.now();
  const { indexed, corrupt, duplicates, orphans, collisions } = core.rebuildIndex(storage, index);
  const ms = performance.now() - started;
  index.close();
  if (corrupt.length || duplicates.length || orphans.length || collisions.length) {
    throw new Error(`reindex reported ${corrupt.length} corrupt, ${duplicates.length} duplicates, ${orphans.length} orphans, ${collisions.length} collisions`);
  }
  report({ ms, records: indexed, perSecond: (indexed / ms) * 1000 });
} else if (mode === 'floor') {
  const { floorReindex } = await import('./floor.mjs');
  const started = performance.now();
  const records = floorReindex(root, indexPath);
  const ms = performance.now() - started;
  report({ ms, records, perSecond: (records / ms) * 1000 });
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}
