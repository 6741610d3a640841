/**
 * Format v1 conformance: every vector of the reference's corpus (a copy in test/fixtures/corpus),
 * checked through the public, pure functions and the real index, as the reference's own
 * tests/test_corpus.py checks it. A missing corpus file fails the suite.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  canonicalConfig,
  canonicalJson,
  DEFAULT_WINDOW_SECONDS,
  find,
  identityKey,
  livenessWindowSeconds,
  parseJson,
  project,
  rebuildIndex,
  reindex,
  runState,
  type FindRequest,
  type JsonValue,
} from '@machinable/core';
import { SqliteIndex } from '@machinable/core/sqlite';
import { FsStorage } from '@machinable/storage-fs';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));
const FILES = ['l0.json', 'identity.json', 'tracker.json', 'expected_index.json', 'behavior.json', 'store'] as const;

/**
 * How many vectors, cases and rows the reference's generator (`machinable.corpus` at 85fc17f, the
 * head the README names) writes into each file: a copy cut short, or a check that stops early,
 * fails on these. Regenerating the corpus from a newer reference updates them with it.
 */
const SIZES = { 'l0.json': 25, 'identity.json': 6, 'tracker.json': 6, 'behavior.json': 11, rows: 5, relations: 1 } as const;

type Json = Record<string, JsonValue>;
const load = (name: string): Json => parseJson(readFileSync(join(CORPUS, name), 'utf8')) as Json;
const vectors = (name: string): Json[] => load(name)['vectors'] as Json[];

describe('conformance: the corpus is complete', () => {
  for (const file of FILES) {
    it(`has ${file}`, () => assert.ok(existsSync(join(CORPUS, file)), `missing corpus file ${join(CORPUS, file)}; copy it from the reference's corpus`));
  }
});

describe('conformance: l0.json (canonical JSON)', () => {
  it('reproduces every canonical text and its sha256, parsing the input with float and int kept apart', () => {
    const all = vectors('l0.json');
    assert.equal(all.length, SIZES['l0.json']);
    let checked = 0;
    for (const vector of all) {
      const canonical = canonicalJson(parseJson(vector['input_json'] as string));
      assert.equal(canonical, vector['canonical'], `canonical form of ${vector['input_json'] as string}`);
      assert.equal(createHash('sha256').update(canonical, 'utf8').digest('hex'), vector['sha256']);
      checked++;
    }
    assert.equal(checked, SIZES['l0.json']);
  });
});

describe('conformance: identity.json (canonical config and identity key)', () => {
  it('reproduces every canonical config and identity key', () => {
    const all = vectors('identity.json');
    assert.equal(all.length, SIZES['identity.json']);
    let checked = 0;
    for (const v of all) {
      const canonical = canonicalConfig(v['resolved'] as Json, v['default'] as Json, v['exclude'] as string[]);
      assert.equal(canonicalJson(canonical), canonicalJson(v['canonical_config']), `canonical config of ${canonicalJson(v['resolved'])}`);
      assert.equal(identityKey(v['module'] as string, canonical), v['identity_key']);
      checked++;
    }
    assert.equal(checked, SIZES['identity.json']);
  });
});

describe('conformance: tracker.json (run states)', () => {
  it('gives the same state for every set of markers', () => {
    const tracker = load('tracker.json');
    const all = tracker['vectors'] as Json[];
    assert.equal(all.length, SIZES['tracker.json']);
    let checked = 0;
    for (const v of all) {
      const state = runState(v['markers'] as Record<string, string>, v['now'] as string, Number(tracker['window_seconds']));
      assert.equal(state, v['expect'], `markers ${canonicalJson(v['markers'])} at ${v['now'] as string}`);
      checked++;
    }
    assert.equal(checked, SIZES['tracker.json']);
  });

  it("uses the reference's window by default: runState() without a window, and livenessWindowSeconds() unset", () => {
    const tracker = load('tracker.json');
    assert.equal(tracker['window_seconds'], 90, "the reference's liveness window");
    assert.equal(DEFAULT_WINDOW_SECONDS, tracker['window_seconds']);
    const previous = process.env['MACHINABLE_LIVENESS_WINDOW'];
    delete process.env['MACHINABLE_LIVENESS_WINDOW'];
    try {
      assert.equal(livenessWindowSeconds(), tracker['window_seconds']);
    } finally {
      if (previous !== undefined) process.env['MACHINABLE_LIVENESS_WINDOW'] = previous;
    }
    for (const v of tracker['vectors'] as Json[]) {
      assert.equal(runState(v['markers'] as Record<string, string>, v['now'] as string), v['expect'], `markers ${canonicalJson(v['markers'])} at ${v['now'] as string}`);
    }
  });
});

describe('conformance: store/ ingested by reindex() (expected_index.json)', () => {
  let dir: string;
  let store: string;
  let database: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'machinable-conformance-'));
    store = join(dir, 'store');
    cpSync(join(CORPUS, 'store'), store, { recursive: true });
    database = join(dir, 'index.sqlite');
    const index = new SqliteIndex(database);
    try {
      const report = await rebuildIndex(new FsStorage({ root: store }), index);
      assert.equal(report.indexed, SIZES.rows);
      assert.deepEqual([report.corrupt, report.orphans, report.collisions], [[], [], []]);
    } finally {
      index.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('produces every expected row, field for field, read back from the SQLite file', () => {
    const expected = load('expected_index.json');
    const db = new Database(database, { readonly: true });
    db.defaultSafeIntegers(true);
    try {
      const rows = db.prepare("SELECT * FROM 'index' ORDER BY record_id").all() as Record<string, unknown>[];
      const wanted = expected['rows'] as Json[];
      assert.equal(wanted.length, SIZES.rows);
      assert.deepEqual(
        rows.map((row) => row['record_id']),
        wanted.map((row) => row['record_id']),
      );
      for (const [i, row] of rows.entries()) {
        const want = wanted[i]!;
        const id = String(row['record_id']);
        for (const column of ['record_id', 'kind', 'module', 'identity_key', 'predicate_key', 'parent_id', 'label', 'created_by'] as const) {
          assert.equal(row[column], want[column], `${id}: ${column}`);
        }
        assert.equal(BigInt(row['created_at_ns'] as bigint), BigInt(want['created_at_ns'] as bigint), `${id}: created_at_ns`);
        assert.equal(BigInt(row['updated_at_ns'] as bigint), BigInt(want['updated_at_ns'] as bigint), `${id}: updated_at_ns`);
        assert.equal(canonicalJson(parseJson(String(row['predicate_json']))), canonicalJson(want['predicate']), `${id}: predicate`);
        assert.equal(canonicalJson(parseJson(String(row['config_resolved_json']))), canonicalJson(want['config_resolved']), `${id}: config_resolved`);
        assert.equal(canonicalJson(parseJson(String(row['config_default_json']))), canonicalJson(want['config_default']), `${id}: config_default`);
        const path = fileURLToPath(String(row['storage_uri']));
        assert.equal(relative(store, path).split('\\').join('/'), want['storage_path'], `${id}: storage_path`);
      }
    } finally {
      db.close();
    }
  });

  it('produces exactly the expected relations, duplicate edge lines collapsed', () => {
    const db = new Database(database, { readonly: true });
    try {
      const relations = db.prepare('SELECT relation, record_id, related_id FROM relations ORDER BY relation, record_id, related_id').all();
      assert.equal(relations.length, SIZES.relations);
      assert.deepEqual(relations, load('expected_index.json')['relations']);
    } finally {
      db.close();
    }
  });
});

describe('conformance: behavior.json (the find algebra) through find()', () => {
  it('answers every find request of the corpus with the same total and record ids, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'machinable-conformance-'));
    try {
      cpSync(join(CORPUS, 'store'), join(dir, 'storage'), { recursive: true });
      await project(dir).within(async () => {
        await reindex();
        const cases = load('behavior.json')['cases'] as Json[];
        assert.equal(cases.length, SIZES['behavior.json']);
        let checked = 0;
        for (const c of cases) {
          const result = await find(c['request'] as FindRequest);
          const expect = c['expect'] as Json;
          assert.deepEqual(
            { total: result.total, record_ids: result.items.map((item) => item.record_id) },
            { total: expect['total'], record_ids: expect['record_ids'] },
            c['note'] as string,
          );
          checked++;
        }
        assert.equal(checked, SIZES['behavior.json']);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
