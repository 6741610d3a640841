import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Config,
  ConfigMethod,
  ConfigurationError,
  Field,
  Version,
  configIdentity,
  expandDotted,
  deepMerge,
  normalizeVersion,
  parseCall,
  parseLiteral,
  resolveConfig,
  type VersionSpec,
} from '@machinable/core';
import { Train, TrainConfig } from './fixtures.js';

const host = new Train();
const resolve = (version: VersionSpec) => resolveConfig(TrainConfig, version, { host });
const keyOf = (version: VersionSpec) => {
  const { resolved, schema } = resolve(version);
  return configIdentity('train', resolved, schema).key;
};

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigurationError');
}

describe('versions: keyword arguments are checked', () => {
  it('rejects a keyword the version does not take, naming it, what it takes, and the near match', () => {
    const error = errorOf(() => resolve(['~adam(lrr=0.5)', { seed: 1 }]));
    assert.match(error.message, /version '~adam\(lrr=0\.5\)' of Train: unknown keyword 'lrr'; ~adam takes lr\. Did you mean 'lr'\?/);
  });

  it('reads the keywords from the parameter pattern, or from @Version({ keywords }), and trusts an options parameter', () => {
    class Host {
      @Version() patterned({ a = 1, b }: { a?: number; b?: number } = {}) {
        return { lr: a + (b ?? 0) };
      }
      @Version({ keywords: ['rate'] }) declared(options: { rate?: number } = {}) {
        return { lr: options.rate ?? 0 };
      }
      @Version() open(options: Record<string, number> = {}) {
        return { lr: Object.values(options).length };
      }
      @Version() none() {
        return { lr: 0.5 };
      }
    }
    const on = (version: string) => resolveConfig(TrainConfig, [version, { seed: 1 }], { host: new Host() });
    assert.equal(on('~patterned(a=2, b=3)').config.lr, 5);
    assert.match(errorOf(() => on('~patterned(c=1)')).message, /unknown keyword 'c'; ~patterned takes a, b/);
    assert.equal(on('~declared(rate=0.2)').config.lr, 0.2);
    assert.match(errorOf(() => on('~declared(rat=0.2)')).message, /unknown keyword 'rat'; ~declared takes rate\. Did you mean 'rate'\?/);
    assert.equal(on('~open(x=1, y=2)').config.lr, 2, 'an options parameter takes any keyword');
    assert.match(errorOf(() => on('~none(x=1)')).message, /unknown keyword 'x'; ~none takes no keywords/);
  });
});

describe('versions: ~name calls', () => {
  it('calls a @Version() method and merges what it returns', () => {
    const { config } = resolve(['~adam', { seed: 1 }]);
    assert.equal(config.optimizer.name, 'adam');
    assert.equal(config.optimizer.momentum, 0.9, 'deep merge keeps sibling defaults');
    assert.equal(config.lr, 1e-3);
  });

  it('passes keyword arguments as one options object', () => {
    assert.equal(resolve(['~adam(lr=3e-4)', { seed: 1 }]).config.lr, 3e-4);
  });

  it('applies a list left to right, later layers winning', () => {
    assert.equal(resolve(['~adam(lr=0.5)', { seed: 1, lr: 0.7 }]).config.lr, 0.7);
    assert.equal(resolve([{ seed: 1, lr: 0.7 }, '~adam(lr=0.5)']).config.lr, 0.5);
  });

  it('lets a version return dotted keys and other versions', () => {
    const { config } = resolve(['~deep', { seed: 1 }]);
    assert.equal(config.layers, 8);
    assert.equal(config.optimizer.momentum, 0.99);
    assert.equal(config.lr, 0.01);
  });

  it('records the version as given and the layers it expanded to', () => {
    const { version, layers } = resolve([['~adam'], { seed: 1 }, null]);
    assert.deepEqual(version, ['~adam', { seed: 1 }]);
    assert.deepEqual(layers, [{ optimizer: { name: 'adam' }, lr: 1e-3 }, { seed: 1 }]);
  });

  it('rejects an unknown version, listing the available ones and the nearest', () => {
    const error = errorOf(() => resolve(['~adan', { seed: 1 }]));
    assert.equal(error.issues[0]?.code, 'version');
    assert.match(error.message, /unknown version '~adan' for Train; available: ~adam, ~large, ~deep\. Did you mean '~adam'\?/);
  });

  it('rejects a version string without ~, suggesting the fix', () => {
    assert.match(errorOf(() => resolve('adam')).message, /start with '~'; got 'adam' \(did you mean '~adam'\?\)/);
  });

  it('rejects ~name without an interface to hold versions', () => {
    assert.match(errorOf(() => resolveConfig(TrainConfig, '~adam')).message, /no interface to hold versions/);
  });

  it('reports a version method that throws, naming it', () => {
    class Broken {
      @Version() bad(): object {
        throw new Error('boom');
      }
    }
    assert.match(errorOf(() => resolveConfig(TrainConfig, '~bad', { host: new Broken() })).message, /version '~bad' of Broken threw: boom/);
  });

  it('rejects a malformed version call', () => {
    assert.match(errorOf(() => resolve('~adam(lr=')).message, /cannot parse version '~adam\(lr='/);
  });

  it('rejects a version that is neither object, string nor list', () => {
    assert.match(errorOf(() => normalizeVersion(42 as unknown as VersionSpec)).message, /a version is a config object/);
  });
});

describe('versions: dotted keys', () => {
  it('expands dotted keys into nested objects', () => {
    assert.deepEqual(expandDotted({ 'a.b.c': 1, 'a.d': 2, e: { 'f.g': 3 } }), { a: { b: { c: 1 }, d: 2 }, e: { f: { g: 3 } } });
  });

  it('merges a dotted key with its nested spelling in one layer', () => {
    assert.deepEqual(expandDotted({ optimizer: { name: 'adam' }, 'optimizer.momentum': 0.5 }), {
      optimizer: { name: 'adam', momentum: 0.5 },
    });
  });

  it('deep-merges objects and replaces everything else, without mutating inputs', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 1 };
    const merged = deepMerge(base, { a: { c: [3] } });
    assert.deepEqual(merged, { a: { b: 1, c: [3] }, d: 1 });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2] }, d: 1 });
  });

  it('rejects an unknown first segment of a dotted key', () => {
    assert.equal(errorOf(() => resolve({ seed: 1, 'optimzer.momentum': 1 })).path, 'optimzer');
  });

  it('rejects an unknown last segment of a dotted key with the full path', () => {
    assert.equal(errorOf(() => resolve({ seed: 1, 'optimizer.momentom': 1 })).path, 'optimizer.momentom');
  });

  it('rejects a dotted key that goes below a scalar', () => {
    assert.equal(errorOf(() => resolve({ seed: 1, 'lr.value': 1 })).path, 'lr');
  });

  it('rejects empty segments and reserved names', () => {
    assert.match(errorOf(() => resolve({ 'optimizer..name': 1 })).message, /not a valid config key/);
    assert.match(errorOf(() => resolve({ '__proto__.polluted': 1 })).message, /reserved/);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('versions: call and literal syntax', () => {
  it('parses names, positional and keyword arguments', () => {
    assert.deepEqual(parseCall('adam'), { name: 'adam', args: [] });
    assert.deepEqual(parseCall('scale(0.1, 2)'), { name: 'scale', args: [0.1, 2], kwargs: undefined });
    assert.deepEqual(parseCall("f(1, lr=3e-4, tag='a,b')"), { name: 'f', args: [1], kwargs: { lr: 3e-4, tag: 'a,b' } });
  });

  it('parses JSON-ish literals: numbers, strings, booleans, null, lists, objects, bare words', () => {
    assert.equal(parseLiteral('-1.5e-3'), -1.5e-3);
    assert.equal(parseLiteral('"x y"'), 'x y');
    assert.equal(parseLiteral("'it\\'s'"), "it's");
    assert.equal(parseLiteral('True'), true);
    assert.equal(parseLiteral('false'), false);
    assert.equal(parseLiteral('None'), null);
    assert.deepEqual(parseLiteral('[1, [2, "a"], ]'), [1, [2, 'a']]);
    assert.deepEqual(parseLiteral("{a: 1, 'b': [true]}"), { a: 1, b: [true] });
    assert.equal(parseLiteral('adam'), 'adam');
  });

  it('rejects positional arguments after keyword ones and trailing garbage', () => {
    assert.throws(() => parseCall('f(a=1, 2)'), /positional argument after keyword/);
    assert.throws(() => parseLiteral('[1, 2'), /expected/);
    assert.throws(() => parseLiteral('1 2'), /expected the end/);
  });

  it('returns undefined for text that is not a call', () => {
    assert.equal(parseCall('not a call'), undefined);
    assert.equal(parseCall('1abc()'), undefined);
  });
});

@Config()
class ScaledConfig {
  @Field() lr = 0.1;
  @Field({ type: 'float' }) scaled: number | string = 'scaledLr(10)';
  @Field({ type: 'float' }) twice: number | string = 'double(scaled)';
  @Field() note = 'see(appendix)';
  @Field() loop: unknown = null;
}

class Scaled {
  declare config: ScaledConfig;
  @ConfigMethod() scaledLr(factor: number) {
    return (this.config.lr as number) * factor;
  }
  @ConfigMethod() double(key: 'scaled') {
    return (this.config[key] as number) * 2;
  }
  @ConfigMethod() selfRef() {
    return this.config.loop;
  }
  @ConfigMethod() fail() {
    throw new Error('nope');
  }
}

describe('config methods', () => {
  const scaled = (version: VersionSpec) => resolveConfig(ScaledConfig, version, { host: new Scaled() });

  it('computes "name(args)" defaults with the interface method, reading other config values', () => {
    const { config } = scaled({ lr: '0.5' });
    assert.equal(config.scaled, 5, 'reads lr after coercion');
  });

  it('computes a value that depends on another computed value', () => {
    assert.equal(scaled({}).config.twice, 2);
  });

  it('computes calls given as overrides, and stores the computed value', () => {
    const { resolved } = scaled({ scaled: 'scaledLr(3)' });
    assert.ok(Math.abs((resolved['scaled'] as number) - 0.3) < 1e-12);
  });

  it('hashes the computed value, not the call', () => {
    const viaCall = scaled({ scaled: 'scaledLr(2)' });
    const viaValue = scaled({ scaled: 0.2 });
    assert.equal(configIdentity('m', viaCall.resolved, viaCall.schema).key, configIdentity('m', viaValue.resolved, viaValue.schema).key);
  });

  it('leaves strings that name no config method alone', () => {
    assert.equal(scaled({}).config.note, 'see(appendix)');
    assert.equal(scaled({ note: 'f(x' }).config.note, 'f(x');
  });

  it('reports a cycle through this.config', () => {
    assert.match(errorOf(() => scaled({ loop: 'selfRef()' })).message, /'selfRef\(\)' at 'loop' depends on itself/);
  });

  it('reports a method that throws, with its path', () => {
    const error = errorOf(() => scaled({ loop: 'fail()' }));
    assert.equal(error.path, 'loop');
    assert.match(error.message, /config method 'fail\(\)' at 'loop' threw: nope/);
  });

  it('type-checks what a method computed', () => {
    class Wrong {
      @ConfigMethod() scaledLr() {
        return 'not a number';
      }
      @ConfigMethod() double() {
        return 1;
      }
    }
    assert.equal(errorOf(() => resolveConfig(ScaledConfig, {}, { host: new Wrong() })).path, 'scaled');
  });
});

describe('identity: one config, many spellings', () => {
  it('~version and the config it expands to give one key', () => {
    assert.equal(keyOf(['~adam', { seed: 1 }]), keyOf({ seed: 1, lr: 1e-3, optimizer: { name: 'adam' } }));
  });

  it('nested and dotted spellings give one key', () => {
    assert.equal(keyOf({ seed: 1, optimizer: { momentum: 0.95 } }), keyOf({ seed: 1, 'optimizer.momentum': 0.95 }));
  });

  it('key order does not matter', () => {
    assert.equal(keyOf({ seed: 1, lr: 0.2, layers: 3 }), keyOf({ layers: 3, lr: 0.2, seed: 1 }));
  });

  it('"3" and 3 on an int field give one key', () => {
    assert.equal(keyOf({ seed: 1, layers: '3' }), keyOf({ seed: 1, layers: 3 }));
  });

  it('a field set to its default and a field left out give one key', () => {
    assert.equal(keyOf({ seed: 1, lr: 0.1, optimizer: { name: 'sgd' } }), keyOf({ seed: 1 }));
  });

  it('a non-identifying field does not change the key', () => {
    assert.equal(keyOf({ seed: 1, dataUri: '/data/a' }), keyOf({ seed: 1, dataUri: '/data/b' }));
  });

  it('a different value gives a different key', () => {
    assert.notEqual(keyOf({ seed: 1 }), keyOf({ seed: 2 }));
    assert.notEqual(keyOf({ seed: 1 }), keyOf({ seed: 1, 'optimizer.momentum': 0.95 }));
  });

  it('the module is part of the key', () => {
    const { resolved, schema } = resolve({ seed: 1 });
    assert.notEqual(configIdentity('train', resolved, schema).key, configIdentity('evaluate', resolved, schema).key);
  });
});
