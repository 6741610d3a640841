/**
 * What this project writes, read back with nothing but fs, JSON and SQLite, and held against the
 * reference's rules (format v1): layout and nesting, sentinel, `id.json` bytes, `model.json`
 * fields, markers, the edge log and the index rows. A reader that knows only the format, and no
 * machinable code, must find all of it where the reference puts it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { get, project, scope, type Interface } from '@machinable/core';
import { TRAIN_MODULE, makeProject, removeProject } from './helpers.js';

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
/** Python's json.dumps(x, sort_keys=True, separators=(",", ":")) for the plain values used here. */
const normjson = (value: unknown): string => JSON.stringify(sortKeys(value));
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?[+-]\d{2}:\d{2}$/;
const read = (...parts: string[]): string => readFileSync(join(...parts), 'utf8');
const subdirectories = (dir: string): string[] => readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory() && n !== 'related');

interface TrainLike extends Interface<{ lr: number }> {
  loss(): number;
}

describe('format: records as the reference writes them', () => {
  it('nests a run under the project root by its keys, with the reference header, model, markers and rows', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    try {
      let id = '';
      await project(dir).within(async () => {
        const run = await get<TrainLike>('train', ['~adam', { seed: 1 }]);
        await run.launch();
        id = run.uuid;
      });

      // The project root: module machinable.project, config {} (its directory is not identifying),
      // predicate {name: <folder name>}, id 'P' + 11 hex of its keys. It has no directory of its own.
      const rootIdentity = sha(normjson({ config: {}, module: 'machinable.project' })).slice(0, 24);
      const rootPredicate = sha(normjson({ name: basename(dir) })).slice(0, 32);
      const rootId = `P${sha(normjson({ identity: rootIdentity, predicate: rootPredicate })).slice(0, 11)}`;

      // storage/<root identity>/<root predicate>/<identity>/<predicate>/
      const scoped = join(dir, 'storage', rootIdentity, rootPredicate);
      assert.deepEqual(readdirSync(join(dir, 'storage')), [rootIdentity]);
      const [identity] = readdirSync(scoped);
      assert.match(identity!, /^[0-9a-f]{24}$/);
      const predicate = sha(normjson({})).slice(0, 32);
      assert.deepEqual(readdirSync(join(scoped, identity!)), [predicate]);
      const record = join(scoped, identity!, predicate);

      // identity key = sha256(normjson({module, config: canonical}))[:24]: the defaults dropped,
      // and `seed!: number` a float field, so 1.0 (Python's float form).
      assert.equal(identity, sha('{"config":{"lr":0.001,"optimizer":{"name":"adam"},"seed":1.0},"module":"train"}').slice(0, 24));

      assert.match(id, /^[A-Za-z0-9]{12}$/);
      assert.equal(read(record, '.machinable'), id);
      assert.equal(
        read(record, 'id.json'),
        `{"format": 1, "uuid": "${id}", "kind": "Interface", "identity_key": "${identity}", "predicate_key": "${predicate}", "parent": "${rootId}"}`,
      );
      const model = JSON.parse(read(record, 'model.json')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(model), ['uuid', 'kind', 'module', 'version', 'config', 'predicate', 'inherits', 'context', 'created_at_ns', 'created_by', 'label']);
      assert.equal(model['uuid'], id);
      assert.equal(model['kind'], 'Interface');
      assert.equal(model['module'], 'train');
      assert.deepEqual(model['version'], ['~adam', { seed: 1 }]);
      assert.deepEqual(model['predicate'], {});
      assert.deepEqual(model['inherits'], ['machinable.interface']);
      assert.deepEqual(model['context'], []);
      assert.equal(model['label'], null);
      assert.equal(typeof model['created_by'], 'string');
      assert.match(read(record, 'model.json'), /"created_at_ns": \d{19}, /);
      const config = model['config'] as Record<string, unknown>;
      assert.deepEqual(Object.keys(config), ['lr', 'layers', 'seed', 'optimizer', 'dataUri', '_default_', '_version_', '_update_']);
      assert.deepEqual(config['_version_'], ['~adam', { seed: 1 }]);
      assert.deepEqual(config['_update_'], { optimizer: { name: 'adam' }, lr: 0.001, seed: 1 });
      assert.deepEqual(config['_default_'], { lr: 0.1, layers: 2, optimizer: { name: 'sgd', momentum: 0.9 }, dataUri: '' });
      // A float field keeps Python's float form, an int field its int form.
      assert.match(read(record, 'model.json'), /"_default_": \{"lr": 0\.1, "layers": 2, "optimizer": \{"name": "sgd", "momentum": 0\.9\}/);
      assert.match(read(record, 'model.json'), /^\{"uuid": "\w{12}", "kind": "Interface", "module": "train", "version": \["~adam", \{"seed": 1\}\], "config": \{"lr": 0\.001, "layers": 2, "seed": 1\.0, /);
      assert.match(read(record, 'updated_at'), ISO);
      assert.equal(read(record, 'cached'), 'finished');
      assert.ok(existsSync(join(record, 'result.json')));

      // The run record: a child record of kind Execution, <execution identity>/<dispatch time>.
      const executionIdentity = sha(normjson({ config: {}, module: 'machinable.execution' })).slice(0, 24);
      assert.deepEqual(subdirectories(record), [executionIdentity]);
      const [stamp] = readdirSync(join(record, executionIdentity));
      assert.match(stamp!, /^\d{4}-\d{2}-\d{2}_\d{6}$/);
      const run = join(record, executionIdentity, stamp!);
      const runId = read(run, '.machinable');
      assert.equal(
        read(run, 'id.json'),
        `{"format": 1, "uuid": "${runId}", "kind": "Execution", "identity_key": "${executionIdentity}", "predicate_key": "${stamp}", "parent": "${id}"}`,
      );
      const runModel = JSON.parse(read(run, 'model.json')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(runModel).slice(-3), ['seed', 'nickname', 'resources']);
      assert.equal(runModel['module'], 'machinable.execution');
      assert.deepEqual(runModel['predicate'], { resources: null, started_at: stamp });
      assert.deepEqual(runModel['config'], { _default_: {}, _version_: [], _update_: {} });
      for (const marker of ['started_at', 'heartbeat_at', 'finished_at']) assert.match(read(run, marker), ISO, marker);
      assert.equal(existsSync(join(record, 'started_at')), false, 'status markers belong to the run record');

      // The index: the reference's schema, one row per record (the root included), pure copies.
      const db = new Database(join(dir, '.machinable.sqlite'), { readonly: true });
      db.defaultSafeIntegers(true);
      try {
        assert.equal(db.pragma('user_version', { simple: true }), 11n);
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        const rows = db.prepare("SELECT * FROM 'index' ORDER BY created_at_ns").all() as Record<string, unknown>[];
        assert.deepEqual(rows.map((r) => r['kind']), ['Project', 'Interface', 'Execution']);
        const [root, iface, exec] = rows as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
        assert.equal(root['record_id'], rootId);
        assert.equal(root['module'], null);
        assert.equal(root['storage_uri'], `file://${dir}`);
        assert.equal(root['predicate_json'], normjson({ name: basename(dir) }));
        assert.equal(iface['record_id'], id);
        assert.equal(iface['parent_id'], rootId);
        assert.equal(iface['identity_key'], identity);
        assert.equal(iface['storage_uri'], `file://${record}`);
        assert.equal(iface['config_resolved_json'], '{"dataUri":"","layers":2,"lr":0.001,"optimizer":{"momentum":0.9,"name":"adam"},"seed":1.0}');
        assert.equal(iface['config_version_json'], '["~adam",{"seed":1}]');
        assert.equal(iface['created_at_ns'], BigInt(/"created_at_ns": (\d+)/.exec(read(record, 'model.json'))![1]!));
        assert.equal(exec['parent_id'], id);
        assert.equal(exec['predicate_key'], stamp);
        assert.equal(exec['extra_json'], normjson({ nickname: runModel['nickname'], resources: null, seed: runModel['seed'] }));
      } finally {
        db.close();
      }
    } finally {
      removeProject(dir);
    }
  });

  it('puts a scoped run\'s scope into its predicate and its contexts', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    try {
      let location = '';
      await project(dir).within(() =>
        scope({ dataset: 'v2' }).within(async () => {
          const run = await get<TrainLike>('train', { seed: 1 });
          await run.materialize();
          location = run.localDirectory();
        }),
      );
      const model = JSON.parse(read(location, 'model.json')) as Record<string, unknown>;
      assert.deepEqual(model['predicate'], { dataset: 'v2' });
      assert.deepEqual(model['context'], [['machinable.scope', [{ dataset: 'v2' }]]]);
      assert.equal(basename(location), sha(normjson({ dataset: 'v2' })).slice(0, 32));
    } finally {
      removeProject(dir);
    }
  });

  it('writes relations as edge lines in both records\' logs, as the reference writes them', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    try {
      const logs: string[] = [];
      let ids: string[] = [];
      await project(dir).within(async () => {
        const a = await (await get<TrainLike>('train', { seed: 1 })).materialize();
        const b = await (await get<TrainLike>('train', { seed: 2 })).materialize();
        await a.use(b);
        ids = [a.uuid, b.uuid];
        logs.push(read(a.localDirectory(), 'related', 'metadata.jsonl'), read(b.localDirectory(), 'related', 'metadata.jsonl'));
      });
      const [a, b] = ids;
      assert.equal(logs[0], `{"cached": true, "fn": "uses", "inverse": false, "multiple": true, "name": "Interface.Interface.using", "related_uuid": "${b}", "uuid": "${a}"}\n`);
      assert.equal(logs[1], `{"cached": true, "fn": "used_by", "inverse": true, "multiple": true, "name": "Interface.Interface.using", "related_uuid": "${b}", "uuid": "${a}"}\n`);
      const db = new Database(join(dir, '.machinable.sqlite'), { readonly: true });
      try {
        assert.deepEqual(db.prepare('SELECT relation, record_id, related_id FROM relations').all(), [{ relation: 'Interface.Interface.using', record_id: a, related_id: b }]);
      } finally {
        db.close();
      }
    } finally {
      removeProject(dir);
    }
  });
});
