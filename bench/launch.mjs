// Figure 1: launching N distinct trivial runs, against the floor of writing the same record
// directories (plain fs) and index rows (one transaction per record) by hand.
// Usage: node bench/launch.mjs machinable|floor <n> <project> <storage>   (prints one JSON line)
//   The records go to <storage> (a fresh directory per repetition), the index into it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_URL, FLOOR_SCHEMA, recordFiles, report, uuid7, writeRecord } from './lib.mjs';

const [mode, n, directory, storage] = [process.argv[2], Number(process.argv[3]), process.argv[4], process.argv[5]];

if (mode === 'machinable') {
  const { get, project } = await import(CORE_URL);
  await project(directory, { storage }).within(async () => {
    // Warm-up outside the timing: imports trivial.ts, opens storage and index, makes the execution record.
    await (await get('trivial', { seed: -1 })).launch();
    const started = performance.now();
    for (let seed = 0; seed < n; seed++) await (await get('trivial', { seed })).launch();
    const ms = performance.now() - started;
    report({ ms, perOp: ms / n });
  });
} else if (mode === 'floor') {
  const { default: Database } = await import('better-sqlite3');
  const { createHash } = await import('node:crypto');
  const root = storage;
  mkdirSync(root, { recursive: true });
  const db = new Database(join(root, '.machinable.sqlite'));
  db.exec(FLOOR_SCHEMA);
  const insert = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const relate = db.prepare('INSERT INTO relations VALUES (?, ?, ?, ?)');
  const store = db.transaction((row, edge) => {
    insert.run(row);
    relate.run(edge);
  });
  const execution = uuid7();
  const predicateKey = createHash('sha256').update('{}').digest('hex').slice(0, 24);
  const started = performance.now();
  for (let seed = 0; seed < n; seed++) {
    const uuid = uuid7();
    const now = new Date().toISOString();
    const identityKey = createHash('sha256').update(`{"config":{"seed":${seed}},"module":"trivial"}`).digest('hex').slice(0, 24);
    writeRecord(root, recordFiles({ uuid, seed, identityKey, predicateKey, execution, now }), uuid);
    store.immediate(
      [uuid, 'Interface', 'trivial', '', identityKey, predicateKey, JSON.stringify([{ seed }]), now],
      [uuid, 'execution', execution, now],
    );
  }
  const ms = performance.now() - started;
  db.close();
  report({ ms, perOp: ms / n });
} else {
  throw new Error(`mode must be machinable or floor, got ${mode}`);
}
