// Writes what <runs> launched trivial runs (seeds 0..runs-1) leave in a storage, by hand and in
// format v1, with no index (reindex builds it): per run an interface record
// <storage>/<root identity>/<root predicate>/<identity>/<predicate>/ (.machinable, id.json,
// model.json, updated_at, result.json, cached) and its run record <record>/<execution identity>/
// <YYYY-MM-DD_HHMMSS>/ (.machinable, id.json, model.json, updated_at, started_at, heartbeat_at,
// finished_at, host.json): 2 × <runs> records. Keys, ids, texts and times come from
// @machinable/core's own functions (identityKey, predicateKey, projectRootRow, headerText,
// modelText, isoTimestamp, dispatchStamp, newRecordId, encodeFile), so the records are what
// machinable writes; bench/verify.mjs checks that against real launches.
// Usage: node bench/generate.mjs <storage> <runs> [project folder name, default bench]
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, hostname } from 'node:os';
import { join } from 'node:path';
import { CORE_URL, PROJECT_NAME, report } from './lib.mjs';

const [root, runs, projectName = PROJECT_NAME] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const core = await import(CORE_URL);
const { identityKey, predicateKey, projectRootRow, headerText, modelText, isoTimestamp, dispatchStamp, newRecordId, encodeFile, pathSegment } = core;

const started = performance.now();
// The project root is an index row only: its keys are the storage's first two levels.
const projectRoot = projectRootRow(join('/', projectName));
const scoped = join(root, pathSegment(projectRoot.identity_key), pathSegment(projectRoot.predicate_key));
mkdirSync(scoped, { recursive: true });
const predicate = predicateKey({});
const executionIdentity = identityKey('machinable.execution', {});
const user = core.currentUser();
const NS = 1_000_000n;
// Two milliseconds apart (a run record half-way), so creation order is seed order; odd microseconds, as real clocks give.
const base = BigInt(Date.now() - 2 * runs) * NS + 123_456n;
const host = (pid) =>
  encodeFile('host.json', { network_name: hostname(), hostname: hostname(), machine: arch(), node_version: process.versions.node, user, argv: [process.execPath, 'trivial'], pid });

const write = (directory, files) => {
  mkdirSync(directory, { recursive: true });
  for (const [name, data] of files) writeFileSync(join(directory, name), data);
};

for (let seed = 0; seed < runs; seed++) {
  const created = base + BigInt(2 * seed) * NS;
  const id = newRecordId();
  // The identity of a config leaves its defaults out (seed 0 is trivial's default).
  const identity = identityKey('trivial', seed === 0 ? {} : { seed });
  const header = { format: 1, uuid: id, kind: 'Interface', identity_key: identity, predicate_key: predicate, parent: projectRoot.record_id };
  const layer = { seed };
  const model = {
    uuid: id,
    kind: 'Interface',
    module: 'trivial',
    version: [layer],
    config: { default: { seed: 0 }, version: [layer], update: layer, resolved: layer },
    predicate: {},
    inherits: ['machinable.interface'],
    context: [],
    created_at_ns: created,
    created_by: user,
    label: null,
    extra: {},
  };
  const record = join(scoped, pathSegment(identity), pathSegment(predicate));

  const runCreated = created + NS / 2n;
  const stamp = dispatchStamp(Number(runCreated / NS));
  const runId = newRecordId();
  const runHeader = { format: 1, uuid: runId, kind: 'Execution', identity_key: executionIdentity, predicate_key: stamp, parent: id };
  const runModel = {
    uuid: runId,
    kind: 'Execution',
    module: 'machinable.execution',
    version: [],
    config: { default: {}, version: [], update: {}, resolved: {} },
    predicate: { resources: null, started_at: stamp },
    inherits: ['machinable.interface'],
    context: [],
    created_at_ns: runCreated,
    created_by: user,
    label: null,
    extra: { seed: (seed * 2654435761) % 2 ** 31, nickname: 'generated_run', resources: null },
  };
  const finished = isoTimestamp(runCreated + NS / 4n);
  write(record, [
    ['id.json', headerText(header)],
    ['model.json', modelText(model)],
    ['result.json', encodeFile('result.json', { seed, double: seed * 2 })],
    ['cached', 'finished'],
    ['updated_at', finished],
    ['.machinable', id],
  ]);
  const startedAt = isoTimestamp(runCreated);
  write(join(record, pathSegment(executionIdentity), pathSegment(stamp)), [
    ['id.json', headerText(runHeader)],
    ['model.json', modelText(runModel)],
    ['started_at', startedAt],
    ['heartbeat_at', startedAt],
    ['host.json', host(1000 + seed)],
    ['finished_at', finished],
    ['updated_at', finished],
    ['.machinable', runId],
  ]);
}
report({ ms: performance.now() - started, runs, records: 2 * runs });
