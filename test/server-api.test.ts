/**
 * The dashboard's JSON API over HTTP (`@machinable/server`): every route, under the reference's
 * paths and shapes, on a project with a small sweep and on a store written by Python; the
 * security rules (loopback, token, origin, read-only, files confined to their record); and that
 * viewing never writes the store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortInUseError, serve, type ExecutionInfo, type OutputChunk, type ProvenanceGraph, type RecordPage, type RelatedResponse, type RunningServer, type SearchResponse } from '@machinable/server';
import { alive, makeProject, recordsOnDisk, runScript } from './helpers.js';
import { events, poll, request, snapshot, sweepProject } from './server-helpers.js';

interface FileList {
  files: string[];
  entries: { path: string; size: number; content_type: string }[];
}

const CORPUS = fileURLToPath(new URL('../fixtures/corpus/store/', import.meta.url));

describe('server API: a project with a sweep', { timeout: 10 * 60_000 }, () => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  let baseline: string;

  before(async () => {
    dir = await sweepProject();
    server = await serve({ directory: dir, port: 0, pollInterval: 100 });
    base = server.url;
    const found = await request(base, '/v1/interfaces/search', { body: { module: 'train', label: 'baseline' } });
    baseline = found.json<SearchResponse>().items[0]!.id;
  });
  after(async () => {
    await server?.close();
  });

  it('binds 127.0.0.1, read-only, asking for no token', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.equal(server.token, undefined);
    assert.equal(server.readOnly, true);
    const health = await request(base, '/v1/health');
    assert.equal(health.status, 200);
    const body = health.json<Record<string, unknown>>();
    for (const key of ['status', 'version', 'project', 'projects', 'executions_active', 'uptime_seconds']) assert.ok(key in body, `health has ${key}`);
    assert.equal(body['status'], 'ok');
    assert.equal(body['read_only'], true);
  });

  it('GET /v1/project lists the modules the store holds, with counts', async () => {
    const project = (await request(base, '/v1/project')).json<{ project: string; modules: { module: string; kind: string; count: number }[] }>();
    assert.equal(project.project, dir);
    assert.deepEqual(project.modules.map((m) => [m.module, m.kind, m.count]), [['train', 'Interface', 8]]);
  });

  it('POST /v1/interfaces/search answers a FindRequest with SearchResponse items', async () => {
    const result = (
      await request(base, '/v1/interfaces/search', {
        body: { module: 'train', config: { filters: [{ path: 'lr', op: 'gte', value: 0.1 }] }, sort: [{ by: 'lr', config_layer: 'resolved', direction: 'asc' }, { by: 'seed', config_layer: 'resolved', direction: 'asc' }] },
      })
    ).json<SearchResponse>();
    assert.equal(result.total, 4);
    assert.deepEqual(result.items.map((item) => [(item.config as { lr: number }).lr, (item.config as { seed: number }).seed]), [[0.1, 0], [0.1, 1], [0.2, 0], [0.2, 1]]);
    const item = result.items[0]!;
    for (const key of ['id', 'module', 'kind', 'config', 'version', 'created_at_ns', 'created_by', 'label', 'status', 'run_count']) assert.ok(key in item, `a search item has ${key}`);
    assert.equal(item.status, null, 'no status unless include_status');
  });

  it('search: include_status gives the reference lifecycle and the run status; columns read values from files', async () => {
    const result = (await request(base, '/v1/interfaces/search', { body: { module: 'train', label: 'baseline', include_status: true, columns: ['config.lr', 'result.json:loss', 'status'] } })).json<SearchResponse>();
    assert.equal(result.total, 1);
    const [item] = result.items;
    assert.equal(item!.status, 'cached');
    assert.equal(item!.run_status, 'finished');
    assert.equal(item!.run_count, 1);
    assert.equal(item!.values!['config.lr'], 0.05);
    assert.equal(item!.values!['result.json:loss'], 0);
    assert.equal(item!.values!['status'], 'finished');
  });

  it('search: a bad request is a 400 naming the key', async () => {
    const answer = await request(base, '/v1/interfaces/search', { body: { modul: 'train' } });
    assert.equal(answer.status, 400);
    assert.match(answer.json<{ detail: string }>().detail, /modul: unknown key \(did you mean 'module'\?\)/);
    const op = await request(base, '/v1/interfaces/search', { body: { config: { filters: [{ path: 'lr', op: 'bigger', value: 1 }] } } });
    assert.equal(op.status, 400);
    assert.match(op.json<{ detail: string }>().detail, /bigger/);
    const notJson = await request(base, '/v1/interfaces/search', { body: 'lr>1', headers: { 'content-type': 'text/plain' } });
    assert.equal(notJson.status, 400);
    assert.match(notJson.json<{ detail: string }>().detail, /JSON object/);
  });

  it('GET /v1/interfaces/{uuid}: InterfaceInfo plus config layers, status, runs and relations', async () => {
    const page = (await request(base, `/v1/interfaces/${baseline}`)).json<RecordPage>();
    assert.equal(page.uuid, baseline);
    assert.equal(page.module, 'train');
    assert.equal(page.label, 'baseline');
    assert.equal(page.cached, true);
    assert.deepEqual(page.config, { lr: 0.05, seed: 0, optimizer: { name: 'sgd', momentum: 0 } });
    assert.deepEqual(page.config_layers.default, { lr: 0.1, seed: 0, optimizer: { name: 'sgd', momentum: 0 } });
    assert.deepEqual(page.config_layers.version, [{ lr: 0.05, seed: 0 }]);
    assert.deepEqual(page.config_layers.update, { lr: 0.05, seed: 0 });
    assert.equal(page.status, 'finished');
    assert.equal(page.lifecycle, 'cached');
    assert.equal(page.execution_count, 1);
    assert.equal(page.executions.length, 1);
    assert.equal(page.latest_execution_uuid, page.executions[0]!.uuid);
    assert.equal(page.executions[0]!.status, 'finished');
    assert.equal(page.executions[0]!.is_finished, true);
    assert.match(page.cli, /^machinable get train /);
    assert.deepEqual(page.related, []);
    const missing = await request(base, '/v1/interfaces/NoSuchRecord1');
    assert.equal(missing.status, 404);
    assert.match(missing.json<{ detail: string }>().detail, /not found/i);
  });

  it('GET /v1/interfaces/{uuid}/executions and /v1/executions/{uuid}: ExecutionInfo with markers', async () => {
    const runs = (await request(base, `/v1/interfaces/${baseline}/executions`)).json<ExecutionInfo[]>();
    assert.equal(runs.length, 1);
    const run = (await request(base, `/v1/executions/${runs[0]!.uuid}`)).json<ExecutionInfo>();
    assert.equal(run.parent_uuid, baseline);
    assert.equal(run.is_started, true);
    assert.equal(run.is_finished, true);
    assert.equal(run.is_active, false);
    assert.ok(run.started_at && run.finished_at && run.created_at);
    assert.ok(run.nickname.length > 0);
    const all = (await request(base, '/v1/executions?limit=1000')).json<ExecutionInfo[]>();
    assert.equal(all.length, 8);
    assert.deepEqual((await request(base, `/v1/executions?parent=${baseline}`)).json<ExecutionInfo[]>().map((r) => r.uuid), [run.uuid]);
    assert.deepEqual((await request(base, '/v1/executions?active=true')).json<ExecutionInfo[]>(), []);
    assert.equal((await request(base, `/v1/executions/${baseline}`)).status, 404, 'an interface is not an execution');
    assert.equal((await request(base, '/v1/executions?limit=0')).status, 400);
  });

  it('GET /v1/executions/{uuid}/output: null before a run records output, then byte windows of output.log', async () => {
    const [run] = (await request(base, `/v1/interfaces/${baseline}/executions`)).json<ExecutionInfo[]>();
    assert.deepEqual((await request(base, `/v1/executions/${run!.uuid}/output`)).json<OutputChunk>(), { output: null, offset: 0, size: 0 });
    assert.equal(run!.has_output, false);
    // What the run output work writes: a run record's output.log.
    const runDir = recordsOnDisk(dir).find((record) => record.uuid === run!.uuid)!.directory;
    writeFileSync(join(runDir, 'output.log'), 'line one\nline two\n');
    try {
      assert.deepEqual((await request(base, `/v1/executions/${run!.uuid}/output`)).json<OutputChunk>(), { output: 'line one\nline two\n', offset: 0, size: 18 });
      assert.deepEqual((await request(base, `/v1/executions/${run!.uuid}/output?offset=9`)).json<OutputChunk>(), { output: 'line two\n', offset: 9, size: 18 });
      assert.deepEqual((await request(base, `/v1/executions/${run!.uuid}/output?tail=4`)).json<OutputChunk>(), { output: 'two\n', offset: 14, size: 18 });
      assert.equal((await request(base, `/v1/executions/${run!.uuid}`)).json<ExecutionInfo>().has_output, true);
    } finally {
      rmSync(join(runDir, 'output.log'));
    }
  });

  it('GET /v1/interfaces/{uuid}/related and /provenance: the reference shapes', async () => {
    const related = (await request(base, `/v1/interfaces/${baseline}/related`)).json<RelatedResponse>();
    assert.deepEqual(related, { uuid: baseline, related: [] });
    const graph = (await request(base, `/v1/interfaces/${baseline}/provenance`)).json<ProvenanceGraph>();
    assert.equal(graph.root, baseline);
    assert.deepEqual(graph.nodes.map((node) => node.kind).sort(), ['Execution', 'Interface']);
    assert.deepEqual(graph.links.map((link) => link.rel), ['runs']);
    assert.equal((await request(base, `/v1/interfaces/${baseline}/provenance?depth=x`)).status, 400);
  });

  it('provenance: a Manifest a run used (the code state) is a node with its entries, linked from the run', async () => {
    // What the provenance work records: a Manifest record, and the edge `run uses manifest`.
    const [run] = (await request(base, `/v1/interfaces/${baseline}/executions`)).json<ExecutionInfo[]>();
    const { SqliteIndex } = await import('@machinable/core/sqlite');
    const index = new SqliteIndex(join(dir, '.machinable.sqlite'));
    const entries = [{ provider: 'git', component: 'source', token: { commit: 'abc123', dirty: false }, meta: { branch: 'main', remote: null, toplevel: '/x' } }];
    try {
      index.ingest([
        {
          row: {
            record_id: 'ManifestAbc1', kind: 'Manifest', module: 'machinable.manifest', identity_key: 'manifestkey', predicate_key: 'p', predicate: {}, parent_id: null,
            storage_uri: 'file:///nowhere', local_uri: null, storage_id: null, hidden: false, bytes_missing: false,
            config: { default: {}, version: [], update: {}, resolved: {} }, inherits: [], context: [], created_at_ns: 1n, updated_at_ns: 1n, created_by: 'spec', label: null, extra: { entries }, private: {},
          },
          relations: [],
        },
      ]);
      index.relate([{ relation: 'Interface.Interface.using', record_id: run!.uuid, related_id: 'ManifestAbc1' }]);
      const graph = (await request(base, `/v1/interfaces/${baseline}/provenance`)).json<ProvenanceGraph>();
      assert.deepEqual(graph.links, [
        { source: baseline, target: run!.uuid, rel: 'runs' },
        { source: run!.uuid, target: 'ManifestAbc1', rel: 'manifest' },
      ]);
      assert.deepEqual(graph.nodes.find((node) => node.kind === 'Manifest')!.attributes, { entries });
    } finally {
      index.remove('ManifestAbc1');
      index.close();
    }
  });

  it('GET /v1/interfaces/{uuid}/files: the record\'s own files with sizes and content types (no dot files)', async () => {
    const list = (await request(base, `/v1/interfaces/${baseline}/files`)).json<FileList>();
    assert.deepEqual(list.files, ['cached', 'id.json', 'log.jsonl', 'metrics.csv', 'model.json', 'notes.txt', 'plot.png', 'result.json', 'updated_at', 'weights.npy']);
    const types = Object.fromEntries(list.entries.map((entry) => [entry.path, entry.content_type]));
    assert.equal(types['result.json'], 'application/json');
    assert.equal(types['metrics.csv'], 'text/csv; charset=utf-8');
    assert.equal(types['log.jsonl'], 'application/x-ndjson');
    assert.equal(types['plot.png'], 'image/png');
    assert.equal(types['weights.npy'], 'application/x-npy');
    assert.ok(list.entries.every((entry) => entry.size > 0));
  });

  it('GET /v1/interfaces/{uuid}/files/{path}: JSON parsed, text as a string, .npy summarized, images as they are, ?raw=1 for any', async () => {
    const file = (path: string) => request(base, `/v1/interfaces/${baseline}/files/${path}`);
    assert.deepEqual((await file('result.json')).json(), { loss: 0, accuracy: 1 });
    assert.equal((await file('notes.txt')).json(), 'lr 0.05, seed 0\n');
    assert.equal((await file('metrics.csv')).json(), 'step,loss\n1,0.0000\n2,0.0000\n');
    assert.deepEqual((await file('weights.npy')).json(), { kind: 'ndarray', shape: [2, 3], dtype: 'float64', size: 6, preview: [0.05, 0, 0, 1, 2, 3] });
    const png = await file('plot.png');
    assert.equal(png.status, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.equal(png.headers['x-content-type-options'], 'nosniff');
    assert.match(String(png.headers['content-security-policy']), /sandbox/);
    assert.deepEqual([...png.body.subarray(1, 4)], [...Buffer.from('PNG')]);
    const raw = await file('result.json?raw=1');
    assert.equal(raw.headers['content-type'], 'application/json');
    const stored = readFileSync(join(recordsOnDisk(dir).find((r) => r.uuid === baseline)!.directory, 'result.json'));
    assert.deepEqual(raw.body, stored, 'the bytes as stored');
    assert.equal((await file('nothing.json')).status, 404);
  });

  describe('file routes never leave the record', () => {
    const escapes = [
      '../id.json',
      '../../../../../../etc/passwd',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '%2E%2E%2F%2E%2E%2Fid.json',
      '%252e%252e/%252e%252e/etc/passwd',
      '%2Fetc%2Fpasswd',
      '/etc/passwd',
      './result.json',
      'a/../result.json',
      '..%5C..%5Cid.json',
      'result.json%00.png',
      '.machinable',
    ];
    for (const path of escapes) {
      it(`refuses ${path}`, async () => {
        const answer = await request(base, `/v1/interfaces/${baseline}/files/${path}`);
        assert.ok(answer.status === 404 || answer.status === 400, `${path}: ${answer.status} ${answer.text()}`);
        assert.doesNotMatch(answer.text(), /root:|"uuid"/, 'nothing of the file leaks');
      });
    }

    it('refuses every escape aimed at a file that exists outside the record: in the storage, in the project, anywhere', async () => {
      const record = recordsOnDisk(dir).find((r) => r.uuid === baseline)!.directory;
      const depth = relative(dir, record).split(sep).length;
      const elsewhere = makeProject({ 'secret.txt': 'SECRET-ELSEWHERE' });
      writeFileSync(join(record, '..', 'secret.txt'), 'SECRET-STORAGE');
      writeFileSync(join(dir, 'secret.txt'), 'SECRET-PROJECT');
      const encoded = (path: string): string => path.split('/').map(encodeURIComponent).join('%2F');
      const escapes = [
        '../secret.txt',
        '..%2Fsecret.txt',
        '%2e%2e%2Fsecret.txt',
        '%2E%2E/secret.txt',
        '.%2F..%2Fsecret.txt',
        'sub%2F..%2F..%2Fsecret.txt',
        `${'../'.repeat(depth)}secret.txt`,
        `${'..%2F'.repeat(depth)}secret.txt`,
        `${'%2e%2e%2f'.repeat(depth)}secret.txt`,
        encoded(relative(record, join(elsewhere, 'secret.txt'))),
        encoded(join(elsewhere, 'secret.txt')),
        encoded(join(dir, 'secret.txt')),
      ];
      for (const path of escapes) {
        // Each one names a file that is there, had the record's directory been joined with it.
        const target = resolve(record, decodeURIComponent(path));
        assert.match(readFileSync(target, 'utf8'), /^SECRET-/, `${path} aims at ${target}`);
        for (const query of ['', '?raw=1']) {
          const answer = await request(base, `/v1/interfaces/${baseline}/files/${path}${query}`);
          assert.ok(answer.status === 404 || answer.status === 400, `${path}${query}: ${answer.status} ${answer.text()}`);
          assert.doesNotMatch(answer.text(), /SECRET-/, `${path}${query}: nothing of the file leaks`);
        }
      }
    });

    it('refuses a symlink pointing outside the record, inside or outside the storage', async () => {
      const record = recordsOnDisk(dir).find((r) => r.uuid === baseline)!.directory;
      const other = recordsOnDisk(dir).find((r) => r.kind === 'Interface' && r.uuid !== baseline)!.directory;
      const outside = makeProject({ 'secret.txt': 'top secret' });
      symlinkSync(join(outside, 'secret.txt'), join(record, 'leak.txt'));
      symlinkSync(join(other, 'result.json'), join(record, 'other.json'));
      symlinkSync(outside, join(record, 'outside-dir'));
      for (const path of ['leak.txt', 'other.json', 'outside-dir/secret.txt', 'leak.txt?raw=1']) {
        const answer = await request(base, `/v1/interfaces/${baseline}/files/${path}`);
        assert.equal(answer.status, 404, path);
        assert.doesNotMatch(answer.text(), /top secret|loss/);
      }
    });
  });

  it('GET /v1/events streams status changes as a run in another process starts, beats and finishes', async () => {
    const stream = await events(base);
    try {
      await stream.waitFor<{ type: string }>((e) => e.type === 'ready', 'the ready event');
      const launched = runScript(dir, `import { get } from '@machinable/core'; await (await get('slow', { name: 'evented' })).launch();`);
      const live = await stream.waitFor<{ type: string; status: string; parent_uuid: string }>((e) => e.type === 'status' && e.status === 'live', 'a live status event');
      writeFileSync(join(dir, 'release-evented'), '');
      await stream.waitFor<{ type: string; status: string; parent_uuid: string }>((e) => e.type === 'status' && e.status === 'finished' && e.parent_uuid === live.parent_uuid, 'a finished status event');
      assert.equal((await launched).code, 0);
      assert.ok(stream.events.some((e) => (e as { type: string; module: string }).type === 'record' && (e as { module: string }).module === 'slow'), 'the new record was announced');
    } finally {
      stream.close();
    }
  });

  it('is read-only: launching is a 403 saying how to allow it; cancel too', async () => {
    const launch = await request(base, '/v1/executions', { body: { interfaces: [{ target: 'train', version: [{ lr: 0.9 }] }] } });
    assert.equal(launch.status, 403);
    assert.match(launch.json<{ detail: string }>().detail, /--allow-launch/);
    assert.equal((await request(base, '/v1/executions/abc/cancel', { method: 'POST' })).status, 403);
  });

  it('answers only requests for localhost (DNS rebinding) and no writes from another origin', async () => {
    const rebound = await request(base, '/v1/health', { headers: { host: 'attacker.example:8000' } });
    assert.equal(rebound.status, 403);
    assert.match(rebound.json<{ detail: string }>().detail, /not this machine/);
    assert.equal((await request(base, '/v1/health', { headers: { host: `localhost:${server.port}` } })).status, 200);
    const crossSite = await request(base, '/v1/interfaces/search', { body: {}, headers: { origin: 'https://attacker.example' } });
    assert.equal(crossSite.status, 403);
    assert.equal((await request(base, '/v1/interfaces/search', { body: {}, headers: { origin: base } })).status, 200);
  });

  it('serves the dashboard at / with a content security policy', async () => {
    const page = await request(base, '/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.text(), /<div id="app">/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.text())![1]!;
    assert.equal((await request(base, `/${asset}`)).status, 200);
    assert.ok([403, 404].includes((await request(base, '/../package.json')).status));
    assert.equal((await request(base, '/v1/nothing')).status, 404);
  });

  it('serves nothing from beside the dashboard\'s root, though a file is there', async () => {
    const outside = makeProject({ 'web/index.html': '<div id="app"></div>', 'web/assets/app.js': '', 'secret.txt': 'SECRET-BESIDE-ROOT' });
    const web = await serve({ directory: dir, port: 0, webRoot: join(outside, 'web') });
    try {
      assert.equal((await request(web.url, '/assets/app.js')).status, 200, 'the root is served');
      for (const path of ['/../secret.txt', '/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2F..%2Fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', `/${encodeURIComponent(join(outside, 'secret.txt'))}`]) {
        assert.equal(readFileSync(resolve(outside, 'web', decodeURIComponent(path.slice(1))), 'utf8'), 'SECRET-BESIDE-ROOT', `${path} aims at the secret`);
        const answer = await request(web.url, path);
        assert.ok([400, 403, 404].includes(answer.status), `${path}: ${answer.status}`);
        assert.doesNotMatch(answer.text(), /SECRET-/, path);
      }
    } finally {
      await web.close();
    }
  });

  it('a port in use is an error naming the port and the fix', async () => {
    await assert.rejects(serve({ directory: dir, port: server.port }), (error: unknown) => {
      assert.ok(error instanceof PortInUseError);
      assert.match((error as Error).message, new RegExp(`port ${server.port} on 127.0.0.1 is in use.*--port`));
      return true;
    });
  });
});

describe('server API: viewing never writes', { timeout: 5 * 60_000 }, () => {
  it('every route leaves the store\'s files and mtimes as they were', async () => {
    const dir = await sweepProject();
    const before = snapshot(join(dir, 'storage'));
    const server = await serve({ directory: dir, port: 0, pollInterval: 50 });
    try {
      const stream = await events(server.url);
      const { items } = (await request(server.url, '/v1/interfaces/search', { body: { include_status: true, columns: ['result.json:loss', 'log.jsonl:loss', 'status', 'cached'], limit: 1000 } })).json<SearchResponse>();
      assert.equal(items.length, 17, '8 interfaces, 8 run records and the project root record');
      for (const path of ['/', '/v1/health', '/v1/project', '/v1/executions?limit=1000']) assert.equal((await request(server.url, path)).status, 200, path);
      for (const { id } of items) {
        for (const route of ['', '/executions', '/related', '/provenance', '/files']) assert.equal((await request(server.url, `/v1/interfaces/${id}${route}`)).status, 200, `${id}${route}`);
        const { files } = (await request(server.url, `/v1/interfaces/${id}/files`)).json<FileList>();
        for (const file of files) {
          assert.equal((await request(server.url, `/v1/interfaces/${id}/files/${file}`)).status, 200, file);
          assert.equal((await request(server.url, `/v1/interfaces/${id}/files/${file}?raw=1`)).status, 200, file);
        }
      }
      await stream.waitFor<{ type: string }>((e) => e.type === 'ready', 'the ready event');
      await new Promise((resolve) => setTimeout(resolve, 300)); // a few polls of the live feed
      stream.close();
    } finally {
      await server.close();
    }
    assert.deepEqual(snapshot(join(dir, 'storage')), before);
  });
});

describe('server API: a store written by Python machinable (format v1 corpus)', () => {
  it('lists, searches and shows its records, statuses from its markers', async () => {
    const dir = makeProject({});
    cpSync(CORPUS, join(dir, 'storage'), { recursive: true });
    const server = await serve({ directory: dir, port: 0 });
    try {
      const { modules } = (await request(server.url, '/v1/project')).json<{ modules: { module: string }[] }>();
      assert.deepEqual(modules.map((m) => m.module), ['example.model']);
      const result = (await request(server.url, '/v1/interfaces/search', { body: { module: 'example.model', include_status: true, sort: [{ by: 'created_at_ns', direction: 'asc' }] } })).json<SearchResponse>();
      assert.deepEqual(result.items.map((item) => [item.id, item.label, item.run_status]), [
        ['IfaceAaaa001', 'the shared label', 'died'],
        ['IfaceBbbb002', null, 'pending'],
      ]);
      const page = (await request(server.url, '/v1/interfaces/IfaceAaaa001')).json<RecordPage>();
      assert.deepEqual(page.executions.map((run) => run.status), ['died', 'finished', 'pending']);
      assert.deepEqual(page.config_layers.version, [{ lr: 0.2 }, '~cafe']);
      assert.deepEqual(page.related.map((item) => [item.relation, item.uuid]), [['uses', 'IfaceBbbb002']]);
      assert.deepEqual((await request(server.url, '/v1/interfaces/IfaceBbbb002/related')).json<RelatedResponse>().related.map((item) => [item.relation, item.uuid]), [['used_by', 'IfaceAaaa001']]);
      assert.equal((await request(server.url, '/v1/interfaces/IfaceAaaa001/files/model.json')).json<{ module: string }>().module, 'example.model');
    } finally {
      await server.close();
    }
  });
});

describe('server API: the token', () => {
  it('asks every request for the token when one is set; header, bearer or cookie', async () => {
    const dir = await sweepProject(false);
    const server = await serve({ directory: dir, port: 0, token: 'secret-token' });
    try {
      assert.equal(server.openUrl, `${server.url}/?token=secret-token`);
      for (const path of ['/v1/health', '/', '/v1/events']) {
        const refused = await request(server.url, path);
        assert.equal(refused.status, 401, path);
        assert.match(refused.json<{ detail: string }>().detail, /Unauthorized/);
      }
      assert.equal((await request(server.url, '/v1/health', { headers: { authorization: 'Bearer wrong-token!' } })).status, 401);
      assert.equal((await request(server.url, '/v1/health', { headers: { authorization: 'Bearer secret-token' } })).status, 200);
      assert.equal((await request(server.url, '/v1/health', { headers: { 'x-machinable-token': 'secret-token' } })).status, 200);
      assert.equal((await request(server.url, '/v1/health', { headers: { cookie: 'other=1; machinable_token=secret-token' } })).status, 200);
      assert.equal((await request(server.url, '/?token=wrong')).status, 401);
      const opened = await request(server.url, '/?token=secret-token');
      assert.equal(opened.status, 302);
      assert.equal(opened.headers['location'], '/');
      assert.match(String(opened.headers['set-cookie']), /^machinable_token=secret-token; HttpOnly; SameSite=Strict; Path=\//);
      assert.equal((await request(server.url, '/v1/health?token=secret-token')).status, 401, 'the token in a query is taken only to set the cookie');
      // With a token, a request by another host name is fine (the token is the check).
      assert.equal((await request(server.url, '/v1/health', { headers: { host: 'lab-machine:8000', authorization: 'Bearer secret-token' } })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('any host other than a loopback address gets a random token, which it requires', async () => {
    const dir = await sweepProject(false);
    const server = await serve({ directory: dir, port: 0, host: '0.0.0.0' });
    try {
      assert.ok(server.token && server.token.length >= 32, 'a random token');
      const local = `http://127.0.0.1:${server.port}`;
      assert.equal((await request(local, '/v1/health')).status, 401);
      assert.equal((await request(local, '/v1/health', { headers: { authorization: `Bearer ${server.token}` } })).status, 200);
      const other = await serve({ directory: dir, port: 0, host: '0.0.0.0' });
      assert.notEqual(other.token, server.token);
      await other.close();
    } finally {
      await server.close();
    }
  });
});

describe('server API: launching, with allowLaunch', { timeout: 5 * 60_000 }, () => {
  it('POST /v1/executions launches a run in a child process and answers its ExecutionInfo', async () => {
    const dir = await sweepProject(false);
    const server = await serve({ directory: dir, port: 0, allowLaunch: true });
    try {
      assert.equal(server.readOnly, false);
      const answer = await asked(server, '/v1/executions', { body: { interfaces: [{ target: 'train', version: [{ lr: 0.3, seed: 4 }] }] } });
      assert.equal(answer.status, 200, answer.text());
      const run = answer.json<ExecutionInfo>();
      assert.ok(run.uuid && run.parent_uuid);
      const finished = await poll(async () => {
        const info = (await asked(server, `/v1/executions/${run.uuid}`)).json<ExecutionInfo>();
        return info.status === 'finished' && info;
      }, 'the launched run to finish');
      assert.equal(finished.is_finished, true);
      const page = (await asked(server, `/v1/interfaces/${run.parent_uuid}`)).json<RecordPage>();
      assert.deepEqual(page.config, { lr: 0.3, seed: 4, optimizer: { name: 'sgd', momentum: 0 } });
      assert.equal(page.cached, true);
      const again = (await asked(server, '/v1/executions', { body: { interfaces: [{ target: 'train', version: [{ lr: 0.3, seed: 4 }] }] } })).json<{ cached: boolean }>();
      assert.equal(again.cached, true, 'launching a computed run again is a cached no-op');
      for (const body of [{}, { interfaces: [] }, { interfaces: [{ target: 1 }] }, { interfaces: [{ target: 'train', context: [{ target: 'scope' }] }] }]) {
        assert.equal((await asked(server, '/v1/executions', { body })).status, 400, JSON.stringify(body));
      }
      const unknown = await asked(server, '/v1/executions', { body: { interfaces: [{ target: 'nosuchmodule' }] } });
      assert.equal(unknown.status, 400);
    } finally {
      await server.close();
    }
  });

  it('POST /v1/executions/{uuid}/cancel stops a run launched from the page and marks it cancelled (204, as the reference)', async () => {
    const dir = await sweepProject(false);
    const server = await serve({ directory: dir, port: 0, allowLaunch: true });
    try {
      const answer = await asked(server, '/v1/executions', { body: { interfaces: [{ target: 'slow', version: [{ name: 'to-cancel' }] }] } });
      assert.equal(answer.status, 200, answer.text());
      const run = answer.json<ExecutionInfo>();
      await poll(async () => (await asked(server, `/v1/executions/${run.uuid}`)).json<ExecutionInfo>().status === 'live', 'the launched run to go live');
      const pid = JSON.parse(readFileSync(join(recordDirectory(dir, run.uuid), 'host.json'), 'utf8')).pid as number;

      const cancelled = await asked(server, `/v1/executions/${run.uuid}/cancel`, { method: 'POST' });
      assert.equal(cancelled.status, 204, cancelled.text());
      assert.equal(cancelled.text(), '');
      const info = (await asked(server, `/v1/executions/${run.uuid}`)).json<ExecutionInfo>();
      assert.equal(info.status, 'cancelled');
      assert.notEqual(info.finished_at, null);
      await poll(async () => !alive(pid), 'the process computing the run to end');
      const page = (await asked(server, `/v1/interfaces/${run.parent_uuid}`)).json<RecordPage>();
      assert.equal(page.status, 'cancelled');
      assert.equal(page.lifecycle, 'failed', "the reference's words have no cancelled");
      assert.equal((await asked(server, `/v1/executions/${run.uuid}/cancel`, { method: 'POST' })).status, 204, 'cancelling again does nothing');

      const done = (await asked(server, '/v1/executions', { body: { interfaces: [{ target: 'train', version: [{ lr: 0.7 }] }] } })).json<ExecutionInfo>();
      await poll(async () => (await asked(server, `/v1/executions/${done.uuid}`)).json<ExecutionInfo>().status === 'finished', 'a run to finish');
      const finished = await asked(server, `/v1/executions/${done.uuid}/cancel`, { method: 'POST' });
      assert.equal(finished.status, 409);
      assert.match(finished.json<{ detail: string }>().detail, new RegExp(`run record ${done.uuid} has finished .*nothing to cancel`));
      const unknown = await asked(server, '/v1/executions/nosuchrecord/cancel', { method: 'POST' });
      assert.equal(unknown.status, 404);
      assert.match(unknown.json<{ detail: string }>().detail, /^Execution not found: no record 'nosuchrecord'/);
      const notRun = await asked(server, `/v1/executions/${done.parent_uuid}/cancel`, { method: 'POST' });
      assert.equal(notRun.status, 404);
      assert.match(notRun.json<{ detail: string }>().detail, /is a train record, not a run record/);
    } finally {
      await server.close();
    }
  });
});

/** The directory of a record, by id. */
function recordDirectory(dir: string, id: string): string {
  const found = recordsOnDisk(dir).find((record) => record.uuid === id);
  assert.ok(found, `record ${id} on disk`);
  return found.directory;
}

/** A request to a server with its token (a server that launches runs asks for it, loopback too). */
function asked(server: RunningServer, path: string, options: Parameters<typeof request>[2] = {}): ReturnType<typeof request> {
  return request(server.url, path, { ...options, headers: { authorization: `Bearer ${server.token}`, ...options?.headers } });
}
