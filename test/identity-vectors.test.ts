/**
 * Identity exactly as the reference's: test/fixtures/identity/vectors.json holds cases generated
 * by the reference's own `canonical()` and `canonical_identity_key()` (generate.py beside it runs
 * their source from the Python repository), read here as our code reads a model.json (parseJson:
 * `1.0` a float, `1` an int, `true` a bool). Each one must canonicalise and hash to what Python gave.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalConfig, canonicalJson, identityKey, parseJson, type JsonValue, type PlainObject } from '@machinable/core';

type Json = Record<string, JsonValue>;
const FILE = fileURLToPath(new URL('../fixtures/identity/vectors.json', import.meta.url));
const document = parseJson(readFileSync(FILE, 'utf8')) as Json;
const vectors = document['vectors'] as Json[];

describe("identity: the reference's canonical config and identity key", () => {
  it('has the generated vectors (16 pinned cases and 400 random ones)', () => {
    assert.equal(vectors.length, 416);
    assert.equal(vectors.filter((v) => v['module'] === 'pinned').length, 16);
  });

  it('gives the canonical config and identity key Python gives for every vector', () => {
    const wrong: string[] = [];
    vectors.forEach((v, i) => {
      const theirs = canonicalJson(v['canonical_config']);
      const input = `#${i} resolved ${canonicalJson(v['resolved'])} default ${canonicalJson(v['default'])} exclude ${canonicalJson(v['exclude'])}`;
      try {
        const canonical = canonicalConfig(v['resolved'] as PlainObject, v['default'] as PlainObject, v['exclude'] as string[]);
        const ours = canonicalJson(canonical);
        const key = identityKey(v['module'] as string, canonical);
        if (ours !== theirs || key !== v['identity_key']) wrong.push(`${input}: ours ${ours} (${key}), Python's ${theirs} (${v['identity_key'] as string})`);
      } catch (error) {
        wrong.push(`${input}: ours threw ${String(error)}, Python's ${theirs}`);
      }
    });
    assert.equal(wrong.length, 0, `${wrong.length} of ${vectors.length} vectors differ from the reference:\n${wrong.slice(0, 20).join('\n')}`);
  });

  it('keeps a __proto__ key as an ordinary key of the canonical config, leaving prototypes alone', () => {
    const resolved = parseJson('{"__proto__": {"polluted": true}, "constructor": 2}') as PlainObject;
    const canonical = canonicalConfig(resolved, parseJson('{"constructor": 1}') as PlainObject, []);
    assert.equal(Object.getPrototypeOf(canonical), Object.prototype);
    assert.deepEqual(Object.keys(canonical), ['__proto__', 'constructor']);
    assert.equal(canonicalJson(canonical), '{"__proto__":{"polluted":true},"constructor":2}');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
