/**
 * The DESIGN.md "What a user writes" example, driven through the public package the way a user's
 * project imports it. Records and `get()` arrive with the records issue; until then this pins the
 * config and identity half of the contract.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Config, ConfigurationError, Field, Version, configIdentity, resolveConfig, type VersionSpec } from '@machinable/core';

@Config()
class Optimizer {
  @Field() name = 'sgd';
  @Field() momentum = 0.9;
}

@Config()
class TrainConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) layers = 2;
  @Field() seed!: number;
  @Field() optimizer = new Optimizer();
  @Field({ identifying: false }) dataUri = '';
}

class Train {
  static Config = TrainConfig;
  @Version() adam({ lr = 1e-3 } = {}) {
    return { optimizer: { name: 'adam' }, lr };
  }
}

const identify = (version: VersionSpec) => {
  const { resolved, schema } = resolveConfig(Train.Config, version, { host: new Train() });
  return configIdentity('train', resolved, schema);
};

describe('DESIGN.md example: config and identity', () => {
  it('resolves ~adam with a dotted override to the documented config', () => {
    const { config } = resolveConfig(Train.Config, ['~adam', { seed: 1, 'optimizer.momentum': 0.95 }], { host: new Train() });
    assert.equal(config.lr, 1e-3);
    assert.equal(config.optimizer.name, 'adam');
    assert.equal(config.optimizer.momentum, 0.95);
    assert.equal(config.seed, 1);
  });

  it('gives the dotted and the nested spelling the same identity', () => {
    const dotted = identify(['~adam', { seed: 1, 'optimizer.momentum': 0.95 }]);
    const nested = identify(['~adam', { seed: 1, optimizer: { momentum: 0.95 } }]);
    assert.equal(dotted.key, nested.key);
    assert.match(dotted.key, /^[0-9a-f]{24}$/);
  });

  it('hashes exactly the canonical JSON Python would write', () => {
    const { json } = identify(['~adam', { seed: 1, 'optimizer.momentum': 0.95 }]);
    // json.dumps({"module": "train", "config": {"lr": 0.001, "optimizer": {"momentum": 0.95, "name": "adam"}, "seed": 1.0}}, sort_keys=True, separators=(",", ":"))
    assert.equal(json, '{"config":{"lr":0.001,"optimizer":{"momentum":0.95,"name":"adam"},"seed":1.0},"module":"train"}');
  });

  it('names the full path of a misspelt nested key', () => {
    assert.throws(
      () => identify({ seed: 1, 'optimizer.momentun': 0.95 }),
      (error: unknown) => error instanceof ConfigurationError && error.path === 'optimizer.momentun',
    );
  });
});
