// Like with like: holds what the floors and the generator write against what machinable writes.
// Launches a few trivial runs with machinable, the same runs with the launch floor, and generates
// them with bench/generate.mjs; then compares the three trees (paths, and every file's bytes once
// ids, times, paths and the run's random seed and nickname are masked), the index rows of a
// machinable launch and of the floor (all 24 columns, values and SQLite types), the index files'
// schemas, the rows that machinable's reindex and the reindex floor make of the generated store,
// and where the lookup floor finds each run. Exits non-zero on any difference.
// Usage: node bench/verify.mjs   (run by bench/run.mjs before the figures)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { BENCH, CORE_URL, PROJECT_NAME, makeProject } from './lib.mjs';
import { INDEX_COLUMNS, floorLauncher, floorLookup, floorReindex } from './floor.mjs';

const SEEDS = [0, 1, 7];
const project = makeProject('verify');
const problems = [];
const check = (ok, what) => {
  if (!ok) problems.push(what);
};

try {
  const core = await import(CORE_URL);
  const { SqliteIndex } = await import('@machinable/core/sqlite');
  const { createStorage } = await import(import.meta.resolve('@machinable/storage-fs'));

  // 1. The same runs three ways.
  const launched = join(project, 'machinable');
  const here = core.project(project, { storage: launched });
  const directories = new Map();
  await here.within(async () => {
    for (const seed of SEEDS) {
      const run = await (await core.get('trivial', { seed })).launch();
      directories.set(seed, run.localDirectory());
    }
  });
  await here.close();
  const floored = join(project, 'floor');
  const launch = floorLauncher(floored, project);
  for (const seed of SEEDS) launch(seed);
  launch.close();
  const generated = join(project, 'generated');
  const made = spawnSync(process.execPath, [join(BENCH, 'generate.mjs'), generated, String(Math.max(...SEEDS) + 1), PROJECT_NAME], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`generate.mjs failed: ${made.stderr}`);
  // The generator writes seeds 0..n-1; keep those launched.
  const wanted = new Set(SEEDS.map((seed) => core.identityKey('trivial', seed === 0 ? {} : { seed })));

  // 2. Trees and files.
  const ids = new Set();
  const trees = {};
  for (const [name, root] of [['machinable', launched], ['floor', floored], ['generated', generated]]) {
    const files = walk(root).filter((path) => !path.startsWith('.machinable.sqlite'));
    const kept = files.filter((path) => wanted.has(path.split('/')[2]));
    for (const path of kept) if (path.endsWith('.machinable')) ids.add(readFileSync(join(root, path), 'utf8'));
    trees[name] = { root, files: kept };
  }
  ids.add(core.projectRootRow(project).record_id);
  const mask = (text, root) => {
    let out = text.replaceAll(`file://${root}`, 'file://<storage>').replaceAll(root, '<storage>').replaceAll(project, '<project>');
    for (const id of ids) out = out.replaceAll(id, '<id>');
    return out
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?[+-]\d{2}:\d{2}/g, '<time>')
      .replace(/\d{4}-\d{2}-\d{2}_\d{6}/g, '<stamp>')
      .replace(/\b\d{19}\b/g, '<ns>')
      .replace(/"seed": \d+, "nickname": "\w+"/g, '"seed": <seed>, "nickname": <nickname>')
      .replace(/\{"nickname":"\w+","resources":null,"seed":\d+\}/g, '{"nickname":<nickname>,"resources":null,"seed":<seed>}');
  };
  const content = (name, path) => {
    const { root } = trees[name];
    const text = readFileSync(join(root, path), 'utf8');
    // host.json: where and how it ran (argv, pid differ by design); its fields must be the same.
    if (path.endsWith('host.json')) return Object.keys(JSON.parse(text)).join(',');
    return mask(text, root);
  };
  const shape = (name) => trees[name].files.map((path) => mask(path, trees[name].root)).sort();
  const reference = shape('machinable');
  check(reference.length === SEEDS.length * 14, `machinable wrote ${reference.length} files for ${SEEDS.length} launches, expected ${SEEDS.length * 14}`);
  for (const name of ['floor', 'generated']) {
    const other = shape(name);
    check(JSON.stringify(other) === JSON.stringify(reference), `${name}: the files differ from machinable's:\n  only machinable: ${reference.filter((p) => !other.includes(p)).join(', ')}\n  only ${name}: ${other.filter((p) => !reference.includes(p)).join(', ')}`);
    const byPath = new Map(trees[name].files.map((path) => [mask(path, trees[name].root), path]));
    for (const path of trees.machinable.files) {
      const masked = mask(path, launched);
      const theirs = byPath.get(masked);
      if (theirs === undefined) continue;
      const a = content('machinable', path);
      const b = content(name, theirs);
      check(a === b, `${name}: ${masked} differs:\n  machinable: ${a}\n  ${name}: ${b}`);
    }
  }

  // 3. Index rows of a launch, and the index files' schemas.
  const rowsOf = (file, root) => {
    const db = new Database(file, { readonly: true });
    db.defaultSafeIntegers(true);
    const types = INDEX_COLUMNS.map((c) => `typeof(${c}) AS "type of ${c}"`).join(', ');
    const rows = db.prepare(`SELECT *, ${types} FROM 'index' ORDER BY kind, storage_uri`).all();
    const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const meta = { user_version: String(db.pragma('user_version', { simple: true })), journal_mode: db.pragma('journal_mode', { simple: true }) };
    db.close();
    const ofWanted = (row) => row.kind === 'Project' || row.storage_uri.split('/').some((segment) => wanted.has(segment));
    return {
      rows: rows.filter(ofWanted).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, mask(String(v), root)]))),
      schema: JSON.stringify(schema),
      meta: JSON.stringify(meta),
    };
  };
  /** The columns in which two rows differ, or '' when they are the same. */
  const rowDiff = (a = {}, b = {}, skip = []) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((k) => !skip.includes(k) && a[k] !== b[k])
      .map((k) => `${k}: ${a[k]} vs ${b[k]}`)
      .join('; ');
  const m = rowsOf(join(launched, '.machinable.sqlite'), launched);
  const f = rowsOf(join(floored, '.machinable.sqlite'), floored);
  check(m.rows.length === 1 + 2 * SEEDS.length, `machinable's index holds ${m.rows.length} rows, expected ${1 + 2 * SEEDS.length}`);
  check(f.schema === m.schema, `floor: the index schema differs:\n  machinable: ${m.schema}\n  floor: ${f.schema}`);
  check(f.meta === m.meta, `floor: index settings differ: ${m.meta} vs ${f.meta}`);
  for (let i = 0; i < Math.max(m.rows.length, f.rows.length); i++) {
    const diff = rowDiff(m.rows[i], f.rows[i]);
    check(diff === '', `floor: index row ${i} (${m.rows[i]?.kind}) differs from machinable's: ${diff}`);
  }

  // 4. Reindex of the generated store: machinable's rows, the floor's, and those of the launch.
  const mIndex = join(project, 'reindex-machinable.sqlite');
  const fIndex = join(project, 'reindex-floor.sqlite');
  const index = new SqliteIndex(mIndex);
  const report = core.rebuildIndex(createStorage({ root: generated }), index);
  index.close();
  check(report.indexed === 2 * (Math.max(...SEEDS) + 1) && report.corrupt.length === 0, `machinable reindexed ${report.indexed} records of the generated store (${report.corrupt.length} corrupt)`);
  const records = floorReindex(generated, fIndex);
  check(records === report.indexed, `the reindex floor read ${records} records, machinable ${report.indexed}`);
  const rm = rowsOf(mIndex, generated);
  const rf = rowsOf(fIndex, generated);
  check(rf.schema === m.schema, 'reindex floor: the index schema differs from machinable\'s');
  for (let i = 0; i < Math.max(rm.rows.length, rf.rows.length); i++) {
    const diff = rowDiff(rm.rows[i], rf.rows[i]);
    check(diff === '', `reindex floor: row ${i} (${rm.rows[i]?.kind}) differs from machinable's reindex: ${diff}`);
  }
  // A reindexed run is indexed as a launched one (the launch's index also holds the project root).
  const launchedRows = m.rows.filter((row) => row.kind !== 'Project');
  check(rm.rows.length === launchedRows.length, `reindex of the generated store: ${rm.rows.length} rows, a launch ${launchedRows.length}`);
  for (let i = 0; i < launchedRows.length; i++) {
    const diff = rowDiff(launchedRows[i], rm.rows[i]);
    check(diff === '', `reindex of the generated store: row ${i} (${launchedRows[i].kind}) differs from a launch's: ${diff}`);
  }

  // 5. The lookup floor finds what get() finds.
  const lookup = floorLookup(join(launched, '.machinable.sqlite'), PROJECT_NAME);
  for (const seed of SEEDS) check(lookup(seed) === directories.get(seed), `lookup floor: seed ${seed} found at another directory`);
  lookup.close();
} finally {
  rmSync(dirname(project), { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`bench/verify.mjs: the floors or the generator do not write what machinable writes:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`bench/verify.mjs: ${SEEDS.length} launches: machinable, the launch floor and generate.mjs write the same files and rows; the reindex and lookup floors read them alike`);

/** Every file under a directory, relative to it. */
function walk(root) {
  const out = [];
  const visit = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else out.push(relative(root, path));
    }
  };
  visit(root);
  return out;
}
