/**
 * The seed's EstimatePi: estimate π by sampling points in the unit square. Run it with
 * `npm run example` from the repository root; run it again and it is not recomputed.
 */
import { Config, Experiment, Field, Version } from '@machinable/core';

@Config()
export class EstimatePiConfig {
  @Field({ type: 'int' }) samples = 100;
  @Field({ type: 'int' }) seed = 42;
}

interface Result {
  readonly samples: number;
  readonly inside: number;
  readonly pi: number;
}

export default class EstimatePi extends Experiment<EstimatePiConfig> {
  static Config = EstimatePiConfig;

  @Version() precise() {
    return { samples: 100_000 };
  }

  onExecute(): void {
    const random = mulberry32(this.config.seed);
    let inside = 0;
    for (let i = 0; i < this.config.samples; i++) {
      const x = random();
      const y = random();
      if (x * x + y * y <= 1) inside += 1;
    }
    const result: Result = { samples: this.config.samples, inside, pi: (4 * inside) / this.config.samples };
    this.saveFile('result.json', result);
  }

  summary(): string {
    if (!this.isFinished()) return `${this.module} ${this.id} is ${this.status()}`;
    const { samples, pi } = this.loadFile<Result>('result.json');
    return `After ${samples} samples, PI is approximately ${pi}.`;
  }
}

/** A small seeded PRNG, so a run's result is a function of its config. */
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
