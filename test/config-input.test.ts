/**
 * Config input that JSON cannot carry unchanged is refused where it is given, with a
 * ConfigurationError naming its path, so what is stored is always what was hashed: lone UTF-16
 * surrogates, Symbol keys, a repeated version keyword. A `__proto__` key in free-form data is an
 * ordinary key from get() through model.json and identity back to the same record.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigurationError, Interface, get, parseCall, parseLiteral, project, verify } from '@machinable/core';
import { CORE_URL, makeProject, recordsOnDisk, runScript } from './helpers.js';

const FREE_MODULE = `
import { Interface, Config, Field, Version } from '@machinable/core';

@Config({ extra: 'allow' })
export class Inner { @Field() depth = 1; @Field({ type: 'json' }) data: unknown = null; }

@Config({ extra: 'allow' })
export class FreeConfig {
  @Field() name = 'x';
  @Field({ type: 'json' }) extra: unknown = {};
  @Field() inner = new Inner();
}

export default class Free extends Interface<FreeConfig> {
  static Config = FreeConfig;
  @Version() adam({ lr = 1e-3 } = {}) { return { extra: { lr } }; }
  async run() { this.saveFile('done.json', { ok: true }); }
}
`;

type Free = Interface<{ name: string; extra: unknown; inner: { depth: number; data: unknown } }>;

/** The ConfigurationError `get()` throws for `version`, with nothing stored. */
async function refused(dir: string, version: Parameters<typeof get>[1]): Promise<ConfigurationError> {
  let thrown: unknown;
  try {
    await get('free', version);
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof ConfigurationError, `expected a ConfigurationError, got ${String(thrown)}`);
  assert.deepEqual(recordsOnDisk(dir), [], 'a refused config stored a record');
  return thrown;
}

describe('config input: strings that cannot round-trip through UTF-8 are refused', () => {
  it('refuses a lone surrogate in a value, in a nested array and in a key, naming each path', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    await project(dir).within(async () => {
      const value = await refused(dir, { name: 'a\ud800b' });
      assert.equal(value.path, 'name');
      assert.match(value.message, /lone UTF-16 surrogate \(\\uD800 at index 1\)/);
      const nested = await refused(dir, { extra: { k: ['ok', '\udc00'] } });
      assert.equal(nested.path, 'extra.k[1]');
      const key = await refused(dir, { inner: { data: { ['k\ud800']: 1 } } });
      assert.equal(key.path, 'inner.data["k\\ud800"]');
      assert.match(key.message, /the key 'inner\.data\["k\\ud800"\]' holds a lone UTF-16 surrogate/);
      const trailingHigh = await refused(dir, { extra: 'caf\u00e9\ud83d' });
      assert.equal(trailingHigh.path, 'extra');
    });
  });

  it('accepts astral characters (surrogate pairs) and stores them as given', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    await project(dir).within(async () => {
      const run = await get<Free>('free', { name: 'smile \ud83d\ude00', extra: { '\ud83d\ude00': 1 } });
      await run.launch();
      const [record] = recordsOnDisk(dir).filter((r) => r.kind === 'Interface');
      const model = JSON.parse(readFileSync(`${record!.directory}/model.json`, 'utf8')) as { config: { name: string; extra: Record<string, number> } };
      assert.equal(model.config.name, 'smile \u{1F600}');
      assert.deepEqual(model.config.extra, { '\u{1F600}': 1 });
    });
  });
});

describe('config input: keys JSON cannot hold are refused', () => {
  it('refuses a Symbol key in a free-form object, naming the object', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    await project(dir).within(async () => {
      const error = await refused(dir, { extra: { a: { b: 1, [Symbol('tag')]: 2 } } });
      assert.equal(error.path, 'extra.a');
      assert.match(error.message, /'extra\.a' has the Symbol key Symbol\(tag\)/);
    });
  });

  it('refuses __proto__, constructor and prototype as keys of a config class with a ConfigurationError naming the path', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    await project(dir).within(async () => {
      const top = await refused(dir, JSON.parse('{"__proto__": {"name": "y"}}') as Record<string, unknown>);
      assert.equal(top.path, '__proto__');
      assert.match(top.message, /'__proto__' cannot be a key of FreeConfig/);
      const nested = await refused(dir, { 'inner.constructor': 1 });
      assert.equal(nested.path, 'inner.constructor');
    });
    assert.equal(({} as Record<string, unknown>)['name'], undefined, 'Object.prototype was changed');
  });
});

describe('config input: a __proto__ key in free-form data is an ordinary key', () => {
  it('stores it in model.json, hashes it, finds the same record again and verifies clean', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    const given = '{"b": 2, "__proto__": {"a": 1}}';
    await project(dir).within(async () => {
      const run = await get<Free>('free', { extra: JSON.parse(given) as unknown, 'inner.data': JSON.parse('{"__proto__": [1, {"__proto__": null}]}') as unknown });
      await run.launch();
      const without = await get<Free>('free', { extra: { b: 2 }, 'inner.data': {} });
      assert.notEqual(without.uuid, run.uuid, 'a config without the __proto__ key is another config');
      assert.equal(without.isMaterialized, false);
      assert.equal(canonicalText(run.config.extra), '{"__proto__":{"a":1},"b":2}');

      const [record] = recordsOnDisk(dir).filter((r) => r.kind === 'Interface');
      const stored = readFileSync(`${record!.directory}/model.json`, 'utf8');
      assert.match(stored, /"config": \{"name": "x", "extra": \{"b": 2, "__proto__": \{"a": 1\}\}, "inner": \{"depth": 1\.0, "data": \{"__proto__": \[1, \{"__proto__": null\}\]\}\}/);

      const again = await get<Free>('free', { extra: JSON.parse(given) as unknown, inner: { data: JSON.parse('{"__proto__": [1, {"__proto__": null}]}') as unknown } });
      assert.equal(again.uuid, run.uuid);
      assert.equal(again.isMaterialized, true);
      const report = await verify();
      assert.deepEqual(report.problems, []);
    });
    assert.equal(({} as Record<string, unknown>)['a'], undefined, 'Object.prototype was changed');

    // Another process reads the stored record back and asks for the same config.
    const child = await runScript(
      dir,
      `import { get, project } from ${JSON.stringify(CORE_URL)};
       await project(process.cwd()).within(async () => {
         const run = await get('free', { extra: JSON.parse(${JSON.stringify(given)}), 'inner.data': JSON.parse('{"__proto__": [1, {"__proto__": null}]}') });
         console.log(JSON.stringify({ uuid: run.uuid, stored: run.isMaterialized, extra: Object.keys(run.config.extra) }));
       });`,
    );
    assert.equal(child.code, 0, child.stderr);
    const seen = JSON.parse(child.stdout) as { uuid: string; stored: boolean; extra: string[] };
    const [record] = recordsOnDisk(dir).filter((r) => r.kind === 'Interface');
    assert.deepEqual(seen, { uuid: record!.uuid, stored: true, extra: ['b', '__proto__'] });
  });

  it('reads __proto__ from the literal syntax (CLI values, version keywords) as a key', () => {
    const value = parseLiteral("{'__proto__': {'a': 1}, b: 2}") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__', 'b']);
    const call = parseCall('adam(__proto__=1)');
    assert.deepEqual(Object.keys(call!.kwargs!), ['__proto__']);
  });
});

describe('config input: a version keyword given twice is refused, as Python refuses it', () => {
  it('refuses ~adam(lr=0.5,lr=0.6) naming the keyword', async () => {
    const dir = makeProject({ 'free.ts': FREE_MODULE });
    await project(dir).within(async () => {
      const error = await refused(dir, '~adam(lr=0.5,lr=0.6)');
      assert.match(error.message, /keyword argument 'lr' is repeated in 'adam\(lr=0\.5,lr=0\.6\)'/);
      const once = await get<Free>('free', '~adam(lr=0.5)');
      assert.deepEqual(once.config.extra, { lr: 0.5 });
    });
  });
});

/** Keys in order with values, as JSON.stringify would write them, but keeping an own `__proto__`. */
function canonicalText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalText((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
