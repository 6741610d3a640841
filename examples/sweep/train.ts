/**
 * A toy training run for the sweep example: "trains" a one-parameter model with gradient descent
 * on a noisy quadratic, so the loss depends on the learning rate, the optimizer and the seed.
 */
import { Config, Field, Interface, Version } from '@machinable/core';

@Config()
export class Optimizer {
  @Field() name = 'sgd';
  @Field() momentum = 0;
}

@Config()
export class TrainConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) steps = 50;
  @Field() optimizer = new Optimizer();
}

export default class Train extends Interface<TrainConfig> {
  static Config = TrainConfig;

  @Version() momentum({ beta = 0.9 }: { beta?: number } = {}) {
    return { optimizer: { name: 'momentum', momentum: beta } };
  }

  @Version() long() {
    return { steps: 200 };
  }

  /** The seed of the scope the run was made in (scope values join the predicate; 0 outside a scope). */
  get seed(): number {
    return Number(this.predicate['seed'] ?? 0);
  }

  run(): void {
    const noise = mulberry32(this.seed);
    let w = 5;
    let velocity = 0;
    for (let step = 0; step < this.config.steps; step++) {
      const gradient = 2 * (w - 1) + (noise() - 0.5) * 0.2;
      velocity = this.config.optimizer.momentum * velocity - this.config.lr * gradient;
      w += velocity;
    }
    this.saveFile('result.json', { loss: (w - 1) ** 2, w });
  }

  loss(): number {
    return this.loadFile<{ loss: number }>('result.json').loss;
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
