/** Config classes and an interface-like host shared by the config tests (the DESIGN.md example). */
import { Config, ConfigMethod, Field, Version } from '@machinable/core';

@Config()
export class Optimizer {
  @Field() name = 'sgd';
  @Field() momentum = 0.9;
}

@Config()
export class Layer {
  @Field({ type: 'int' }) size = 8;
  @Field() activation = 'relu';
}

@Config()
export class TrainConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) layers = 2;
  @Field() seed!: number;
  @Field() optimizer = new Optimizer();
  @Field({ identifying: false }) dataUri = '';
}

export class Train {
  static Config = TrainConfig;
  declare config: TrainConfig;

  @Version() adam({ lr = 1e-3 }: { lr?: number } = {}) {
    return { optimizer: { name: 'adam' }, lr };
  }

  @Version() large() {
    return { layers: 8, 'optimizer.momentum': 0.99 };
  }

  @Version() deep() {
    return ['~large', { lr: 0.01 }];
  }
}
