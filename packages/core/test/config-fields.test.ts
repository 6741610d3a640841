import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, ConfigurationError, Field, compileSchema, resolveConfig, type ConfigIssue } from '@machinable/core';
import { Layer, Optimizer, TrainConfig } from './fixtures.js';

/** Runs `fn`, asserts it throws a ConfigurationError, and returns its issues. */
function issuesOf(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected ConfigurationError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail('expected a ConfigurationError');
}

@Config()
class Net {
  @Field({ type: Layer, each: true }) layers: Layer[] = [];
  @Field({ type: Layer, each: 'record' }) heads: Record<string, Layer> = {};
  @Field({ type: 'int', each: true }) sizes: number[] = [1, 2];
  @Field() tags: string[] = [];
  @Field() extra: Record<string, unknown> = {};
  @Field() flag = false;
}

describe('config: defaults and required fields', () => {
  it('fills every field from its declared default', () => {
    const { config } = resolveConfig(TrainConfig, { seed: 1 });
    assert.equal(config.lr, 0.1);
    assert.equal(config.layers, 2);
    assert.equal(config.dataUri, '');
    assert.ok(config.optimizer instanceof Optimizer);
    assert.deepEqual({ ...config.optimizer }, { name: 'sgd', momentum: 0.9 });
  });

  it('records the defaults without required fields', () => {
    const schema = compileSchema(TrainConfig);
    assert.deepEqual(schema.defaults, { lr: 0.1, layers: 2, optimizer: { name: 'sgd', momentum: 0.9 }, dataUri: '' });
    assert.equal(schema.fields.get('seed')?.required, true);
    assert.equal(schema.fields.get('lr')?.required, false);
  });

  it('rejects a missing required field, naming it and its type', () => {
    const [issue, ...rest] = issuesOf(() => resolveConfig(TrainConfig, {}));
    assert.equal(rest.length, 0);
    assert.equal(issue?.code, 'required');
    assert.equal(issue?.path, 'seed');
    assert.match(issue!.message, /missing required field 'seed' \(number\) of TrainConfig/);
  });

  it('does not share default objects between resolutions', () => {
    const a = resolveConfig(Net, {}).config;
    a.tags.push('mutated');
    assert.deepEqual(resolveConfig(Net, {}).config.tags, []);
  });
});

describe('config: coercion', () => {
  it('turns numeric strings into numbers (the CLI passes strings)', () => {
    const { config } = resolveConfig(TrainConfig, { seed: '3', lr: '1e-3', 'optimizer.momentum': ' 0.95 ' });
    assert.equal(config.seed, 3);
    assert.equal(config.lr, 0.001);
    assert.equal(config.optimizer.momentum, 0.95);
  });

  it('turns "3" into 3 on an int field and accepts "3.0"', () => {
    assert.equal(resolveConfig(TrainConfig, { seed: 1, layers: '3' }).config.layers, 3);
    assert.equal(resolveConfig(TrainConfig, { seed: 1, layers: '3.0' }).config.layers, 3);
  });

  it('rejects 2.5 on an int field', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, layers: 2.5 }));
    assert.equal(issue?.code, 'type');
    assert.equal(issue?.path, 'layers');
    assert.match(issue!.message, /'layers' must be an integer, got 2\.5/);
  });

  it('rejects a non-numeric string on a number field and names the nested path', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, optimizer: { momentum: 'fast' } }));
    assert.equal(issue?.path, 'optimizer.momentum');
    assert.match(issue!.message, /must be a number, got "fast" \(string\)/);
  });

  it('does not read empty or hexadecimal strings as numbers', () => {
    assert.equal(issuesOf(() => resolveConfig(TrainConfig, { seed: '' }))[0]?.path, 'seed');
    assert.equal(issuesOf(() => resolveConfig(TrainConfig, { seed: '0x10' }))[0]?.path, 'seed');
  });

  it('rejects NaN and Infinity, which cannot be hashed', () => {
    assert.equal(issuesOf(() => resolveConfig(TrainConfig, { seed: Number.NaN }))[0]?.code, 'type');
    assert.equal(issuesOf(() => resolveConfig(TrainConfig, { seed: 'Infinity' }))[0]?.code, 'type');
  });

  it('turns "true"/"false"/"1"/"0" into booleans and rejects other words', () => {
    assert.equal(resolveConfig(Net, { flag: 'true' }).config.flag, true);
    assert.equal(resolveConfig(Net, { flag: 'FALSE' }).config.flag, false);
    assert.equal(resolveConfig(Net, { flag: '1' }).config.flag, true);
    const [issue] = issuesOf(() => resolveConfig(Net, { flag: 'maybe' }));
    assert.equal(issue?.path, 'flag');
    assert.match(issue!.message, /must be a boolean/);
  });

  it('does not turn numbers into strings on a string field', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, optimizer: { name: 3 } }));
    assert.equal(issue?.path, 'optimizer.name');
    assert.match(issue!.message, /must be a string, got 3 \(number\)/);
  });

  it('coerces elements of typed arrays and reports the element index', () => {
    assert.deepEqual(resolveConfig(Net, { sizes: ['4', 5] }).config.sizes, [4, 5]);
    const [issue] = issuesOf(() => resolveConfig(Net, { sizes: [1, 2, 'x'] }));
    assert.equal(issue?.path, 'sizes[2]');
  });
});

describe('config: nested configs', () => {
  it('builds nested config instances from plain objects and merges them with defaults', () => {
    const { config } = resolveConfig(TrainConfig, { seed: 1, optimizer: { momentum: 0.5 } });
    assert.ok(config.optimizer instanceof Optimizer);
    assert.equal(config.optimizer.name, 'sgd');
    assert.equal(config.optimizer.momentum, 0.5);
  });

  it('builds instances inside arrays and records', () => {
    const { config } = resolveConfig(Net, { layers: [{ size: '3' }, {}], heads: { main: { activation: 'tanh' } } });
    assert.ok(config.layers.every((l) => l instanceof Layer));
    assert.deepEqual(config.layers.map((l) => l.size), [3, 8]);
    assert.ok(config.heads['main'] instanceof Layer);
    assert.equal(config.heads['main']?.activation, 'tanh');
  });

  it('rejects a scalar where a nested config belongs', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, optimizer: 5 }));
    assert.equal(issue?.path, 'optimizer');
    assert.match(issue!.message, /must be an Optimizer config, got 5/);
  });

  it('reports type errors inside record values with the record key in the path', () => {
    const [issue] = issuesOf(() => resolveConfig(Net, { heads: { main: { size: 2.5 } } }));
    assert.equal(issue?.path, 'heads.main.size');
  });
});

describe('config: unknown keys', () => {
  it('rejects an unknown top-level key and lists the declared fields', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, lrr: 0.1 }));
    assert.equal(issue?.code, 'unknown-key');
    assert.equal(issue?.path, 'lrr');
    assert.match(issue!.message, /TrainConfig declares lr, layers, seed, optimizer, dataUri/);
    assert.match(issue!.message, /Did you mean 'lr'\?/);
  });

  it('names the nested path', () => {
    const [issue] = issuesOf(() => resolveConfig(TrainConfig, { seed: 1, optimizer: { lrr: 1 } }));
    assert.equal(issue?.path, 'optimizer.lrr');
    assert.match(issue!.message, /Optimizer declares name, momentum/);
  });

  it('names array items by index: layers[2].size', () => {
    @Config()
    class Sized {
      @Field({ type: 'int' }) width = 1;
    }
    @Config()
    class Stack {
      @Field({ type: Sized, each: true }) layers: Sized[] = [];
    }
    const [issue] = issuesOf(() => resolveConfig(Stack, { layers: [{}, {}, { size: 3 }] }));
    assert.equal(issue?.path, 'layers[2].size');
    assert.match(issue!.message, /Sized declares width/);
  });

  it('names record entries by key', () => {
    const [issue] = issuesOf(() => resolveConfig(Net, { heads: { main: { sizee: 1 } } }));
    assert.equal(issue?.path, 'heads.main.sizee');
    assert.match(issue!.message, /Did you mean 'size'\?/);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() => resolveConfig(TrainConfig, { lrr: 1, optimizer: { nam: 'x' }, layers: 'many' }));
    assert.deepEqual(issues.map((i) => i.path).sort(), ['layers', 'lrr', 'optimizer.nam', 'seed']);
  });

  it("keeps extra keys on a config declared with extra: 'allow', at that level only", () => {
    @Config({ extra: 'allow' })
    class Loose {
      @Field() known = 1;
    }
    @Config()
    class Strict {
      @Field() loose = new Loose();
      @Field() other = 2;
    }
    const { config, resolved } = resolveConfig(Strict, { loose: { anything: { deep: true } } });
    assert.deepEqual(resolved, { loose: { known: 1, anything: { deep: true } }, other: 2 });
    assert.ok(config.loose instanceof Loose);
    const [issue] = issuesOf(() => resolveConfig(Strict, { nope: 1 }));
    assert.equal(issue?.path, 'nope');
  });

  it('still type-checks declared fields of an extra-allowing config', () => {
    @Config({ extra: 'allow' })
    class Loose {
      @Field({ type: 'int' }) known = 1;
    }
    const [issue] = issuesOf(() => resolveConfig(Loose, { known: 'x', free: 1 }));
    assert.equal(issue?.path, 'known');
  });
});

describe('config: free-form fields', () => {
  it('keeps Record<string, unknown> contents verbatim, unknown keys and all', () => {
    const extra = { anything: { nested: [1, 'two', { three: null }] }, n: 2.5 };
    assert.deepEqual(resolveConfig(Net, { extra }).config.extra, extra);
  });

  it('keeps untyped arrays verbatim', () => {
    assert.deepEqual(resolveConfig(Net, { tags: ['a', 1, true] }).config.tags, ['a', 1, true]);
  });

  it('rejects values that are not JSON inside free-form fields', () => {
    const [issue] = issuesOf(() => resolveConfig(Net, { extra: { when: new Date(0) } }));
    assert.equal(issue?.path, 'extra.when');
    assert.match(issue!.message, /is a Date; config values are JSON data: write it as a string/);
  });
});

describe('config: nothing silently dropped or rewritten', () => {
  const deep = (): Record<string, unknown> => {
    const root: Record<string, unknown> = {};
    let at = root;
    for (let i = 0; i < 5000; i++) at = (at['a'] = {}) as Record<string, unknown>;
    return root;
  };
  const cycle = (): Record<string, unknown> => {
    const value: Record<string, unknown> = { x: 1 };
    value['self'] = value;
    return value;
  };
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a Date', { extra: { when: new Date(0) } }, 'extra.when', /is a Date.*toISOString/],
    ['a Map', { extra: { m: new Map([[1, 2]]) } }, 'extra.m', /is a Map.*Object\.fromEntries/],
    ['a Set', { extra: { s: new Set([1]) } }, 'extra.s', /is a Set.*\[\.\.\.set\]/],
    ['a function', { extra: { f: () => 1 } }, 'extra.f', /is a function; config values are data, not code/],
    ['a class instance', { extra: { u: new URL('http://x') } }, 'extra.u', /is an instance of URL/],
    ['a sparse array', { tags: [1, , 3] }, 'tags[1]', /hole in a sparse array/],
    ['undefined in an array', { tags: [1, undefined] }, 'tags[1]', /is undefined/],
    ['NaN', { extra: { n: Number.NaN } }, 'extra.n', /NaN, which has no JSON form/],
    ['a cycle', { extra: cycle() }, 'extra.self', /contains itself \(a cycle\)/],
    ['nesting 5,000 deep', { extra: deep() }, '', /nested deeper than 64 levels/],
  ];
  for (const [what, version, path, message] of cases) {
    it(`rejects ${what} with its path and the fix`, () => {
      const issues = issuesOf(() => resolveConfig(Net, version));
      assert.equal(issues.length, 1);
      if (path) assert.equal(issues[0]!.path, path);
      assert.match(issues[0]!.message, message);
    });
  }

  for (const key of ['toString', 'valueOf', 'hasOwnProperty', 'constructor.name', 'isPrototypeOf']) {
    it(`treats '${key}', a name of an Object member, as an unknown key like any other`, () => {
      const issues = issuesOf(() => resolveConfig(Net, Object.defineProperty({}, key, { value: 1, enumerable: true })));
      assert.ok(issues.some((issue) => issue.code === 'unknown-key'), JSON.stringify(issues));
    });
  }
});

describe('config: declarations', () => {
  it('rejects a config class that is not decorated, with the fix', () => {
    class Plain {
      lr = 0.1;
    }
    const [issue] = issuesOf(() => resolveConfig(Plain, {}));
    assert.equal(issue?.code, 'definition');
    assert.match(issue!.message, /Plain is not a config class; decorate it with @Config\(\)/);
  });

  it('rejects a plain object used as Config, with the fix', () => {
    const [issue] = issuesOf(() => compileSchema({ lr: 0.1 }));
    assert.match(issue!.message, /got a plain object; declare `@Config\(\) class MyConfig/);
  });

  it('rejects a field whose class is not a config class', () => {
    class Opaque {
      x = 1;
    }
    @Config()
    class Holder {
      @Field() opaque = new Opaque();
    }
    const [issue] = issuesOf(() => compileSchema(Holder));
    assert.match(issue!.message, /field 'opaque' of Holder has type Opaque, which is not a config class; decorate Opaque with @Config\(\)/);
  });

  it('treats a field annotated unknown as free-form', () => {
    @Config()
    class Open {
      @Field() value: unknown;
    }
    assert.deepEqual(compileSchema(Open).fields.get('value')?.type, { kind: 'json' });
  });

  it('rejects a field whose type cannot be told (no decorator metadata, no default)', () => {
    // What a loader without emitDecoratorMetadata (esbuild, plain JS) produces.
    class Vague {
      value: unknown;
    }
    Config()(Vague);
    Field()(Vague.prototype, 'value');
    const [issue] = issuesOf(() => compileSchema(Vague));
    assert.match(issue!.message, /field 'value' of Vague: cannot tell its type .* @Field\(\{ type: 'float' \}\)/);
  });

  it('infers types from default values when there is no decorator metadata', () => {
    class Untyped {
      rate = 0.5;
      name = 'x';
      on = true;
    }
    Config()(Untyped);
    for (const key of ['rate', 'name', 'on']) Field()(Untyped.prototype, key);
    const kinds = [...compileSchema(Untyped).fields.values()].map((f) => f.type.kind);
    assert.deepEqual(kinds, ['float', 'string', 'boolean']);
    assert.equal(resolveConfig(Untyped, { rate: '2' }).config.rate, 2);
  });

  it('infers types from annotations, defaults and @Field({ type })', () => {
    const schema = compileSchema(TrainConfig);
    const kinds = Object.fromEntries([...schema.fields].map(([name, f]) => [name, f.type.kind]));
    assert.deepEqual(kinds, { lr: 'float', layers: 'int', seed: 'float', optimizer: 'config', dataUri: 'string' });
    const net = compileSchema(Net);
    assert.deepEqual(net.fields.get('layers')?.type, { kind: 'array', of: { kind: 'config', target: Layer } });
    assert.deepEqual(net.fields.get('heads')?.type, { kind: 'record', of: { kind: 'config', target: Layer } });
    assert.deepEqual(net.fields.get('extra')?.type, { kind: 'json' });
  });

  it('lists non-identifying fields as dotted excluded paths, nested ones included', () => {
    @Config()
    class Device {
      @Field({ identifying: false }) verbose = false;
      @Field() name = 'cpu';
    }
    @Config()
    class Run {
      @Field() device = new Device();
      @Field({ identifying: false }) dataUri = '';
    }
    assert.deepEqual([...compileSchema(Run).excluded].sort(), ['dataUri', 'device.verbose']);
  });

  it('inherits fields from a parent config class; a subclass may add and override', () => {
    @Config()
    class Base {
      @Field() lr = 0.1;
    }
    @Config()
    class Child extends Base {
      @Field() override lr = 0.2;
      @Field({ type: 'int' }) epochs = 3;
    }
    assert.deepEqual(resolveConfig(Child, { epochs: '4' }).resolved, { lr: 0.2, epochs: 4 });
    assert.deepEqual(resolveConfig(Base, {}).resolved, { lr: 0.1 });
  });

  it('allows null on nullable fields only', () => {
    @Config()
    class Maybe {
      @Field({ type: 'string', nullable: true }) device: string | null = null;
      @Field() name = 'x';
    }
    assert.equal(resolveConfig(Maybe, { device: 'gpu' }).config.device, 'gpu');
    assert.equal(resolveConfig(Maybe, {}).config.device, null);
    assert.equal(issuesOf(() => resolveConfig(Maybe, { name: null }))[0]?.path, 'name');
  });

  it('applies class-validator constraints declared next to @Field', async () => {
    const { Min } = await import('class-validator');
    @Config()
    class Bounded {
      @Field() @Min(0) lr = 0.1;
    }
    const [issue] = issuesOf(() => resolveConfig(Bounded, { lr: -1 }));
    assert.equal(issue?.code, 'constraint');
    assert.equal(issue?.path, 'lr');
    assert.match(issue!.message, /'lr' = -1 is not allowed: lr must not be less than 0/);
  });
});

describe('config: validation without class-validator', () => {
  // Until anything uses class-validator (a constraint such as @Min next to a @Field), machinable
  // checks unknown keys and required fields itself; the issues must be the ones class-validator
  // reports. Each side runs in its own process, as class-validator cannot be unloaded.
  it('reports the same issues, in the same order, as with class-validator in use', async () => {
    const { spawnSync } = await import('node:child_process');
    const fixtures = new URL('./fixtures.js', import.meta.url).href;
    const script = (withClassValidator: boolean): string => `
      import { createRequire } from 'node:module';
      const core = await import(${JSON.stringify(import.meta.resolve('@machinable/core'))});
      const { Layer, TrainConfig } = await import(${JSON.stringify(fixtures)});
      if (${withClassValidator}) createRequire(${JSON.stringify(import.meta.resolve('@machinable/core'))})('class-validator').getMetadataStorage();
      // Decorated by hand (plain JS): a required seed, which a subclass gives a default.
      class Base { constructor() { this.lr = 0.1; } }
      core.Field({ type: 'float' })(Base.prototype, 'lr');
      core.Field({ type: 'int' })(Base.prototype, 'seed');
      core.Config()(Base);
      class Child extends Base { constructor() { super(); this.seed = 1; this.layers = []; } }
      core.Field({ type: Layer, each: true })(Child.prototype, 'layers');
      core.Config({ extra: 'allow' })(Child);
      const versions = [
        [TrainConfig, {}],
        [TrainConfig, { seed: null, lrr: 1, optimizer: { nmae: 'x', momentum: 'fast' }, zz: 2, aa: 3 }],
        [TrainConfig, { seed: 1, optimizer: { extra: { deep: 1 } } }],
        [Base, [{}, { other: 1 }]],
        [Child, { seed: null, layers: [{ size: 1, bad: 2 }, { sise: 3 }], free: 1 }],
      ];
      const out = versions.map(([cls, version]) => {
        try { core.resolveConfig(cls, version); return 'ok'; } catch (error) { return error.issues; }
      });
      process.stdout.write(JSON.stringify({ loaded: !!globalThis.classValidatorMetadataStorage, out }));
    `;
    const run = (withClassValidator: boolean): { loaded: boolean; out: unknown } => {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script(withClassValidator)], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as { loaded: boolean; out: unknown };
    };
    const own = run(false);
    const theirs = run(true);
    assert.equal(own.loaded, false, 'class-validator stays unloaded without constraints');
    assert.equal(theirs.loaded, true);
    assert.deepEqual(own.out, theirs.out);
    const codes = (own.out as unknown[]).map((issues) => (issues === 'ok' ? 'ok' : (issues as ConfigIssue[]).map((i) => `${i.code} ${i.path}`).join(', ')));
    assert.deepEqual(codes, [
      'required seed',
      'unknown-key optimizer.nmae, unknown-key lrr, unknown-key zz, unknown-key aa, required seed, type seed, type optimizer.momentum',
      'unknown-key optimizer.extra',
      'unknown-key other, required seed',
      'unknown-key layers[0].bad, unknown-key layers[1].sise, required seed, type seed',
    ]);
  });
});
