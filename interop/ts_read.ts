// Step 3, TypeScript side: the TS port reads a store written by Python machinable (py_write.py).
// Usage: node --import @machinable/core/register ts_read.ts <folder> <py-summary.json> <phase> [report.json]
//   phase `direct`: the Python-made .machinable.sqlite as Python left it (no reindex);
//   phase `reindexed`: after `machinable reindex`.
// Every check prints PASS/FAIL/INFO with the exact differences; the report has the same shape as
// the Python scripts' (interop_common.Checks).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Execution, Interface, get, predicateKey, project, scope } from '@machinable/core';

if (!process.env['MACHINABLE_PY_PATH']) {
  console.error(
    "MACHINABLE_PY_PATH is not set. These scripts check stores against Python machinable (the reference), which they find through it; see interop/README.md, 'Setting up the Python side'.",
  );
  process.exit(2);
}

const [folderArg, summaryPath, phase = 'direct', reportPath] = process.argv.slice(2);
if (!folderArg || !summaryPath) {
  console.error('usage: ts_read.ts <folder> <py-summary.json> <direct|reindexed> [report.json]');
  process.exit(2);
}
const folder = resolve(folderArg);
const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, string & string[]>;
const cli = fileURLToPath(new URL('../packages/cli/bin/run.js', import.meta.url));
const indexFile = join(folder, '.machinable.sqlite');

type Result = { check: string; pass: boolean; info?: boolean; differences: string[]; note?: string };
const results: Result[] = [];
const tag = `(${phase})`;
function check(name: string, differences: string[] = [], note?: string): boolean {
  results.push({ check: `${tag} ${name}`, pass: differences.length === 0, differences, ...(note ? { note } : {}) });
  console.log(`[${differences.length ? 'FAIL' : 'PASS'}] ${tag} ${name}${note ? `  (${note})` : ''}`);
  for (const d of differences) console.log(`       - ${d}`);
  return differences.length === 0;
}
function info(name: string, details: string[] = [], note?: string): void {
  results.push({ check: `${tag} ${name}`, pass: true, info: true, differences: details, ...(note ? { note } : {}) });
  console.log(`[INFO] ${tag} ${name}${note ? `  (${note})` : ''}`);
  for (const d of details) console.log(`       - ${d}`);
}
const show = (v: unknown): string => JSON.stringify(v);
function expect(name: string, actual: unknown, expected: unknown, what = 'value', note?: string): boolean {
  return check(name, show(actual) === show(expected) ? [] : [`${what}: expected ${show(expected)}, got ${show(actual)}`], note);
}
async function guard<T>(name: string, fn: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    const e = error as Error;
    check(name, [`threw ${e.name}: ${e.message}`, ...(e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim())]);
    return undefined;
  }
}

// The Python index as Python left it: read it with better-sqlite3 before the port opens it.
const require = createRequire(join(fileURLToPath(import.meta.url), '..', '..', 'packages', 'core', 'package.json'));
const Database = require('better-sqlite3') as new (path: string, options?: object) => {
  pragma(s: string, o?: object): unknown;
  prepare(s: string): { all(): Record<string, unknown>[] };
  close(): void;
};
function indexState(): { version: number; ids: string[] } {
  const db = new Database(indexFile, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const ids = db.prepare("SELECT record_id FROM 'index'").all().map((r) => String(r['record_id']));
    return { version, ids: ids.sort() };
  } finally {
    db.close();
  }
}
const before = indexState();
expect('user_version of the index before the port opens it', before.version, 11, 'PRAGMA user_version');

/** Record directories under the storage, by uuid. */
function recordDirectories(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === '.machinable')) {
      const header = JSON.parse(readFileSync(join(dir, 'id.json'), 'utf8')) as { uuid: string };
      out.set(header.uuid, dir);
    }
    for (const e of entries) if (e.isDirectory() && !e.isSymbolicLink()) walk(join(dir, e.name));
  };
  walk(join(folder, 'storage'));
  return out;
}
const dirs = recordDirectories();
const readJson = (dir: string, name: string): any => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const readText = (dir: string, name: string): string | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
const storeSnapshot = (): string =>
  show([...recordDirectories().entries()].sort().map(([u, d]) => [u, readText(d, 'finished_at'), readText(d, 'result.json')]));

await project(folder).within(async () => {
  const interfaces = ['base', 'scoped', 'child', 'user', 'noproject'] as const;
  const runs = ['base_run', 'child_run', 'noproject_run'] as const;

  // get.byId and the model of every Python record
  for (const key of [...interfaces, ...runs]) {
    const uuid = summary[key];
    const dir = dirs.get(uuid);
    if (!dir) {
      check(`${key} ${uuid}: has a record directory`, ['not found under storage/']);
      continue;
    }
    const header = readJson(dir, 'id.json');
    const model = readJson(dir, 'model.json');
    const loaded = await guard(`get.byId('${uuid}') (${key})`, () => get.byId(uuid));
    if (!loaded) continue;
    const diffs: string[] = [];
    const cmp = (field: string, file: unknown, ours: unknown): void => {
      if (show(file) !== show(ours)) diffs.push(`${field}: Python file ${show(file)} | TS ${show(ours)}`);
    };
    cmp('uuid', header.uuid, loaded.uuid);
    cmp('kind', header.kind, (loaded.constructor as typeof Interface).kind);
    cmp('module', model.module, loaded.module);
    cmp('version', model.version, loaded.version());
    const { _default_, _version_, _update_, ...resolved } = model.config;
    cmp('config', resolved, key.endsWith('_run') ? {} : { ...loaded.config });
    cmp('predicate', model.predicate, loaded.predicate);
    cmp('context', model.context, loaded.context);
    cmp('label', model.label, loaded.label);
    cmp('created_by', model.created_by, loaded.createdBy);
    cmp('identityKey', header.identity_key, loaded.identityKey);
    cmp('predicateKey', header.predicate_key, loaded.predicateKey);
    if (header.kind === 'Interface') cmp('predicateKey recomputed from model.json', header.predicate_key, predicateKey(model.predicate));
    cmp('created_at_ns (ms)', Math.floor(Number(BigInt(model.created_at_ns) / 1_000_000n)), loaded.createdAt?.getTime());
    if (loaded instanceof Execution) {
      cmp('nickname', model.nickname, loaded.nickname);
      cmp('seed', model.seed, loaded.seed);
    }
    check(`${key} ${uuid}: get.byId reads the model (uuid, kind, module, version, config, predicate, keys, label)`, diffs);

    if (loaded instanceof Execution) {
      const d: string[] = [];
      const marker = (name: string): number | undefined => {
        const t = readText(dir, name);
        return t === undefined ? undefined : new Date(t.trim()).getTime();
      };
      if (loaded.startedAt()?.getTime() !== marker('started_at')) d.push(`startedAt(): marker ${readText(dir, 'started_at')} | TS ${loaded.startedAt()?.toISOString()}`);
      if (loaded.finishedAt()?.getTime() !== marker('finished_at')) d.push(`finishedAt(): marker ${readText(dir, 'finished_at')} | TS ${loaded.finishedAt()?.toISOString()}`);
      if (!loaded.isStarted()) d.push('isStarted() is false');
      if (!loaded.isFinished()) d.push('isFinished() is false');
      if (loaded.status() !== 'finished') d.push(`status(): expected "finished", got ${show(loaded.status())}`);
      check(`run record ${uuid}: startedAt/finishedAt/isStarted/isFinished/status`, d, `status ${loaded.status()}`);
    } else {
      const d: string[] = [];
      if (!loaded.cached()) d.push('cached() is false');
      if (loaded.status() !== 'finished') d.push(`status(): expected "finished", got ${show(loaded.status())}`);
      if (!loaded.isFinished()) d.push('isFinished() is false');
      const run = loaded.execution;
      const own = summary[`${key}_run`];
      if (own && run?.uuid !== own) d.push(`execution: expected ${own}, got ${run?.uuid}`);
      const all = await loaded.executions();
      if (own && (all.length !== 1 || all.first()?.uuid !== own)) d.push(`executions(): ${show(all.map((e) => e.uuid))}`);
      const runDir = own ? dirs.get(own) : undefined;
      if (runDir && loaded.finishedAt()?.getTime() !== new Date(readText(runDir, 'finished_at')!.trim()).getTime()) {
        d.push(`finishedAt(): marker ${readText(runDir, 'finished_at')} | TS ${loaded.finishedAt()?.toISOString()}`);
      }
      const files = loaded.files();
      if (!files.includes('result.json')) d.push(`files(): ${show(files)} has no result.json`);
      const result = (await guard(`${uuid}.loadFile('result.json')`, () => loaded.loadFile<{ by: string }>('result.json'))) ?? { by: undefined };
      if (result.by !== 'python') d.push(`loadFile('result.json').by: ${show(result.by)}`);
      check(`${key} ${uuid}: cached, status, execution(s), finishedAt, files, loadFile`, d, `files ${show(files)}`);
    }
  }

  // Interface.fromDirectory of an interface record and of its run record
  for (const key of ['base', 'base_run'] as const) {
    const dir = dirs.get(summary[key])!;
    const loaded = await guard(`Interface.fromDirectory(${relative(folder, dir)})`, () => Interface.fromDirectory(dir));
    if (loaded) {
      const d: string[] = [];
      if (loaded.uuid !== summary[key]) d.push(`uuid: ${loaded.uuid}`);
      const want = key === 'base_run' ? 'Execution' : 'Train';
      if (loaded.constructor.name !== want) d.push(`class: expected ${want}, got ${loaded.constructor.name}`);
      if (key === 'base_run' && !(loaded as Execution).isFinished()) d.push('isFinished() is false');
      if (key === 'base' && loaded.localDirectory() !== dir) d.push(`localDirectory(): ${loaded.localDirectory()} | ${dir}`);
      check(`Interface.fromDirectory(${key}): uuid, class${key === 'base_run' ? ', isFinished' : ', localDirectory'}`, d);
    }
  }

  // relations
  const base = await guard('get.byId(base)', () => get.byId(summary.base));
  const child = await guard('get.byId(child)', () => get.byId(summary.child));
  const user = await guard('get.byId(user)', () => get.byId(summary.user));
  if (base && child && user) {
    // TS answers vs (1) what the relations mean and (2) what the reference itself answers on the
    // same kind of index (its live index before a reindex, its own reindex after).
    const many = async (p: Promise<{ map<U>(f: (i: Interface) => U): U[] }>): Promise<string[]> => (await p).map((i) => i.uuid);
    const ours: Record<string, unknown> = {
      'base.uses': await many(base.uses()),
      'base.used_by': await many(base.usedBy()),
      'base.derived': await many(base.derived()),
      'base.ancestor': (await base.ancestor)?.uuid ?? null,
      'child.derived': await many(child.derived()),
      'child.ancestor': (await child.ancestor)?.uuid ?? null,
      'user.uses': await many(user.uses()),
      'user.used_by': await many(user.usedBy()),
    };
    const meant: Record<string, unknown> = {
      'base.uses': [],
      'base.used_by': [summary.user],
      'base.derived': [summary.child],
      'base.ancestor': null,
      'child.derived': [],
      'child.ancestor': summary.base,
      'user.uses': [summary.base],
      'user.used_by': [],
    };
    const reference = (phase === 'direct' ? summary['py_live_relations'] : summary['py_reindexed_relations']) as unknown as Record<string, unknown>;
    for (const key of Object.keys(meant)) {
      const agrees = show(ours[key]) === show(reference?.[key]);
      if (show(ours[key]) === show(meant[key])) {
        check(`${key} is ${show(meant[key])}`, [], agrees ? undefined : `the reference answers ${show(reference?.[key])}`);
      } else if (agrees) {
        // wrong, but exactly what the reference reads from the same files: the Python writer's
        // inverse-side edge lines are reversed (see README), and both indexers ingest them as written
        info(`${key}: expected ${show(meant[key])}, got ${show(ours[key])}`, [], 'REFERENCE BUG: the reference answers the same from the same store (reversed inverse-side edge lines written by Python)');
      } else {
        check(`${key} is ${show(meant[key])}`, [`TS ${show(ours[key])} | meant ${show(meant[key])} | the reference answers ${show(reference?.[key])}`]);
      }
    }
  }

  // get() finds the Python records, and launch() does not recompute
  const snapshot = storeSnapshot();
  const found = await guard("get('train', { lr: 0.5 })", () => get('train', { lr: 0.5 }));
  if (found) {
    expect("get('train', { lr: 0.5 }) finds the Python record (dedup slot: root, identity, predicate)", found.uuid, summary.base, 'uuid', `the reference's own get() answers ${summary.py_get_lr05} (its singleton quirk, see step 2)`);
    expect("  ...isMaterialized and cached()", [(found as Interface).isMaterialized, (found as Interface).cached()], [true, true], '[isMaterialized, cached]');
    const runsBefore = (await (found as Interface).executions()).length;
    await guard("launch() of the found Python record", () => (found as Interface).launch());
    expect('  ...launch() does not recompute (no new run record)', (await (found as Interface).executions()).length, runsBefore, 'number of run records');
  }
  const scoped = await guard('scope get', () => scope({ dataset: 'v2' }).within(async () => get('train', { lr: 0.5 })));
  if (scoped) expect("scope({ dataset: 'v2' }): get('train', { lr: 0.5 }) finds the Python scoped record", scoped.uuid, summary.scoped, 'uuid');
  const evalRun = await guard('get eval', () => get('train', { name: 'eval' }));
  if (evalRun) {
    expect("get('train', { name: 'eval' }) finds the Python record", evalRun.uuid, summary.user, 'uuid');
    expect('  ...its label', (evalRun as Interface).label, 'evaluation', 'label');
  }
  const vectorDiffs: string[] = [];
  const versions = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
  for (const [i, version] of (versions ?? []).entries()) {
    const uuid = (summary['vectors'] as unknown as string[])[i];
    const got = (await guard(`get('train', ${show(version)})`, () => get('train', version))) as Interface | undefined;
    if (!got) continue;
    if (!got.isMaterialized || got.uuid !== uuid) {
      vectorDiffs.push(`get('train', ${show(version)}): Python record ${uuid} | TS ${got.isMaterialized ? `found ${got.uuid}` : `found nothing (its identityKey ${got.identityKey}, predicateKey ${got.predicateKey})`}`);
    } else if (!got.cached()) vectorDiffs.push(`${uuid}: found but not cached()`);
  }
  check('get() finds the Python record of every identity vector (fixtures/vectors.json), cached', vectorDiffs, `${versions?.length ?? 0} vectors`);
  const top = await guard('get child top level', () => get('train', { lr: 0.2, epochs: 3 }));
  if (top) {
    expect(
      "top-level get('train', { lr: 0.2, epochs: 3 }) finds the Python derived child (its id.json parent is the project root)",
      (top as Interface).isMaterialized ? top.uuid : '(not found: a fresh unmaterialized interface)',
      summary.child,
      'uuid',
      `Python child's id.json parent: ${summary.child_parent}; the reference answers ${summary.py_get_child_top_level}`,
    );
  }
  if (base) {
    const derived = await guard('base.derive', () => base.derive('train', { lr: 0.2, epochs: 3 }));
    if (derived) {
      expect(
        "base.derive('train', { lr: 0.2, epochs: 3 }) finds the Python derived child",
        derived.isMaterialized ? derived.uuid : '(not found: a fresh unmaterialized interface)',
        summary.child,
        'uuid',
        `TS looks for (parent ${summary.base}, identity, predicate); Python wrote the child with parent ${summary.child_parent} (the project root) and a derivation edge`,
      );
    }
  }
  const loose = await guard('get lr 0.7', () => get('train', { lr: 0.7 }));
  if (loose) {
    expect(
      "get('train', { lr: 0.7 }) inside the project finds the record Python made without a Project (id.json parent null)",
      (loose as Interface).isMaterialized ? loose.uuid : '(not found: a fresh unmaterialized interface)',
      summary.noproject,
      'uuid',
      `the reference answers ${summary.py_get_lr07} (Interface.find falls back to module + identity_key across parents)`,
    );
  }
  check('the Python store is unchanged by these get()/launch() calls (no new record, result or finished_at)', storeSnapshot() === snapshot ? [] : ['record directories, result.json or finished_at changed']);
});

// the CLI: ls lists the Python records with their status
const ls = JSON.parse(execFileSync(process.execPath, [cli, 'ls', '--json'], { cwd: folder, encoding: 'utf8' })) as { uuid: string; status: string }[];
const listed = new Map(ls.map((r) => [r.uuid, r.status]));
check(
  '`machinable ls --json` lists the Python interface records as finished',
  (['base', 'scoped', 'child', 'user', 'noproject'] as const).flatMap((k) =>
    listed.get(summary[k]) === 'finished' ? [] : [`${k} ${summary[k]}: ${listed.has(summary[k]) ? `status ${listed.get(summary[k])}` : 'not listed'}`],
  ),
);
const lsAll = JSON.parse(execFileSync(process.execPath, [cli, 'ls', '--all', '--json'], { cwd: folder, encoding: 'utf8' })) as { uuid: string; status: string }[];
const listedAll = new Map(lsAll.map((r) => [r.uuid, r.status]));
check(
  '`machinable ls --all --json` lists the Python run records as finished',
  (['base_run', 'child_run', 'noproject_run'] as const).flatMap((k) =>
    listedAll.get(summary[k]) === 'finished' ? [] : [`${k} ${summary[k]}: ${listedAll.has(summary[k]) ? `status ${show(listedAll.get(summary[k]))}` : 'not listed'}`],
  ),
  'the run records have started_at, heartbeat_at and finished_at markers',
);

const after = indexState();
expect('user_version of the index after the port used it (no schema reset)', after.version, 11, 'PRAGMA user_version');
check(
  'no index row of the Python index lost',
  before.ids.filter((id) => !after.ids.includes(id)).map((id) => `row ${id} gone`),
);
info('index rows the port added', after.ids.filter((id) => !before.ids.includes(id)));

const failed = results.filter((r) => !r.pass).length;
const infos = results.filter((r) => r.info).length;
console.log(`\nStep 3 (${phase}): TypeScript reads the Python store ${folder}: ${results.length - failed - infos} passed, ${failed} failed, ${infos} informational`);
if (reportPath) writeFileSync(reportPath, JSON.stringify({ title: `Step 3 (${phase}): TypeScript reads the Python store ${folder}`, results }, null, 2));
process.exit(failed ? 1 : 0);
