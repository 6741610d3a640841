import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Config, Field, compileSchema, resolveConfig } from '@machinable/core';
import { Layer } from './fixtures.js';

// The class-transformer core itself uses (one module instance), to compare with and to watch.
const transformer = createRequire(import.meta.url)('class-transformer') as typeof import('class-transformer');

@Config()
class Flat {
  @Field({ type: 'int' }) seed = 0;
  @Field() lr = 0.1;
  @Field() name = 'a';
  @Field() on = false;
  @Field({ type: 'float', nullable: true }) maybe: number | null = null;
  @Field({ type: 'int' }) required!: number;
}

@Config()
class FlatChild extends Flat {
  @Field() depth = 3;
}

@Config()
class WithExclude {
  @Field() a = 1;
  @transformer.Exclude()
  @Field()
  b = 2;
}

@Config()
class WithPlainTransform {
  @transformer.Transform(({ value }: { value: number }) => value * 10, { toPlainOnly: true })
  @Field()
  scale = 1;
}

@Config()
class Nested {
  @Field() layer = new Layer();
}

/** What class-transformer makes of the same merged input: the instance and its plain form. */
function viaClassTransformer<C extends object>(cls: new () => C, input: Record<string, unknown>): { config: C; resolved: Record<string, unknown> } {
  const merged = { ...compileSchema(cls).defaults, ...input };
  const config = transformer.plainToInstance(cls, merged);
  return { config, resolved: transformer.instanceToPlain(config) };
}

/** Counts class-transformer's plainToInstance and instanceToPlain calls while `fn` runs. */
function countingTransformerCalls(fn: () => void): number {
  const { plainToInstance, instanceToPlain } = transformer;
  let calls = 0;
  const mutable = transformer as { -readonly [K in keyof typeof transformer]: (typeof transformer)[K] };
  mutable.plainToInstance = ((...args: Parameters<typeof plainToInstance>) => (calls++, plainToInstance(...args))) as typeof plainToInstance;
  mutable.instanceToPlain = ((...args: Parameters<typeof instanceToPlain>) => (calls++, instanceToPlain(...args))) as typeof instanceToPlain;
  try {
    fn();
  } finally {
    mutable.plainToInstance = plainToInstance;
    mutable.instanceToPlain = instanceToPlain;
  }
  return calls;
}

describe('config: instances from plain data', () => {
  const inputs: Record<string, unknown>[] = [
    { required: 1 },
    { required: 2, seed: 3 },
    { required: '4', seed: '5', lr: '1e-3', on: 'true', name: 'x' },
    { required: 5, maybe: 2.5, on: 'false' },
    { required: 6, maybe: null, lr: -0 },
  ];

  it('builds a config of scalar fields as class-transformer does (instance and plain form)', () => {
    for (const cls of [Flat, FlatChild]) {
      for (const input of inputs) {
        const { config, resolved } = resolveConfig(cls, input);
        const expected = viaClassTransformer(cls, input);
        assert.deepStrictEqual(config, expected.config, `${cls.name} ${JSON.stringify(input)}`);
        assert.ok(config instanceof cls);
        assert.deepStrictEqual(resolved, expected.resolved, `${cls.name} ${JSON.stringify(input)}`);
        assert.deepStrictEqual(Object.keys(resolved), Object.keys(expected.resolved));
      }
    }
  });

  it('builds such a config without class-transformer, and nested ones with it', () => {
    assert.equal(countingTransformerCalls(() => resolveConfig(Flat, { required: 1, seed: '2' })), 0);
    assert.ok(countingTransformerCalls(() => resolveConfig(Nested, { layer: { size: 4 } })) > 0);
    assert.equal(resolveConfig(Nested, { layer: { size: 4 } }).config.layer.size, 4);
  });

  it("leaves a user's class-transformer decorators in effect", () => {
    const excluded = resolveConfig(WithExclude, { b: 5 });
    assert.equal(excluded.config.b, 2, '@Exclude() keeps the given value out');
    assert.deepStrictEqual(excluded, { ...excluded, ...viaClassTransformer(WithExclude, { b: 5 }) });

    const transformed = resolveConfig(WithPlainTransform, { scale: 2 });
    assert.equal(transformed.resolved['scale'], 20, 'a toPlainOnly @Transform() shapes the plain form');
    assert.deepStrictEqual(transformed.resolved, viaClassTransformer(WithPlainTransform, { scale: 2 }).resolved);
  });

  it('hands values that are not scalars to class-transformer, which validation then reports', () => {
    assert.throws(() => resolveConfig(Flat, { required: 1, seed: { not: 'a number' } }), /'seed' must be/);
    assert.throws(() => resolveConfig(Flat, { required: 1, unknown: 1 }), /unknown/);
  });
});
