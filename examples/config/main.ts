/**
 * Typed configs, versions and identity: the part of machinable that decides whether two requests
 * are the same run. Run with `npm run example` from the repository root.
 */
import { Config, ConfigMethod, ConfigurationError, Field, Version, configIdentity, resolveConfig, type VersionSpec } from '@machinable/core';

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
  @Field({ type: 'float' }) warmupLr: number | string = 'scaledLr(0.1)';
  @Field({ identifying: false }) dataUri = '';
}

class Train {
  static Config = TrainConfig;
  declare config: TrainConfig;

  @Version() adam({ lr = 1e-3 } = {}) {
    return { optimizer: { name: 'adam' }, lr };
  }

  @ConfigMethod() scaledLr(factor: number) {
    return this.config.lr * factor;
  }
}

function show(label: string, version: VersionSpec): void {
  try {
    const { config, resolved, schema } = resolveConfig(Train.Config, version, { host: new Train() });
    const { key } = configIdentity('train', resolved, schema);
    console.log(`${label.padEnd(56)} ${key}  lr=${config.lr} warmupLr=${config.warmupLr} optimizer=${config.optimizer.name}`);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.log(`${label.padEnd(56)} error at '${error.path}': ${error.message}`);
  }
}

console.log('spelling'.padEnd(56), 'identity key');
show(`['~adam', { seed: 1 }]`, ['~adam', { seed: 1 }]);
show(`{ seed: '1', lr: 0.001, optimizer: { name: 'adam' } }`, { seed: '1', lr: 0.001, optimizer: { name: 'adam' } });
show(`['~adam(lr=3e-4)', { seed: 1 }]`, ['~adam(lr=3e-4)', { seed: 1 }]);
show(`{ seed: 1, dataUri: '/elsewhere' }`, { seed: 1, dataUri: '/elsewhere' });
show(`{ seed: 1 }`, { seed: 1 });
show(`{ seed: 1, 'optimizer.momentun': 0.95 }`, { seed: 1, 'optimizer.momentun': 0.95 });
