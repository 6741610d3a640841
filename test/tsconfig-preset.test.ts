/**
 * The tsconfig preset: a user's project whose tsconfig.json is only
 * `{ "extends": "@machinable/core/tsconfig.json" }` type-checks machinable code (legacy
 * decorators with metadata, strict, NodeNext) with the repository's own TypeScript.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkPackages, runNode, type ProcessResult } from './helpers.js';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const TRAIN = `import { Config, Field, Interface, Version } from '@machinable/core';

@Config()
export class Optimizer { @Field() name = 'sgd'; @Field() momentum = 0.9; }

@Config()
export class TrainConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) layers = 2;
  @Field() seed!: number;
  @Field() optimizer = new Optimizer();
}

export default class Train extends Interface<TrainConfig> {
  static Config = TrainConfig;
  @Version() adam({ lr = 1e-3 }: { lr?: number } = {}) { return { optimizer: { name: 'adam' }, lr }; }
  async run(): Promise<void> { this.saveFile('result.json', { loss: 1 / (1 + this.config.lr) }); }
  loss(): number { return this.loadFile<{ loss: number }>('result.json').loss; }
}
`;

// A sweep driver: top-level await, Node's types, a run narrowed to its module's class.
const SWEEP = `import { get, scope } from '@machinable/core';
import Train from './train.js';

const seeds: number[] = process.argv.slice(2).map(Number);
for (const seed of seeds) {
  await scope({ seed }).within(async () => {
    const run = await (await get('train', ['~adam', { seed }])).launch();
    if (!(run instanceof Train)) throw new TypeError('not a Train');
    const loss: number = run.loss();
    console.log(seed, loss, run.config.optimizer.name.toUpperCase());
  });
}
`;

function tsc(dir: string, ...args: string[]): Promise<ProcessResult> {
  return runNode(dir, [TSC, '-p', dir, ...args]);
}

describe('the tsconfig preset (@machinable/core/tsconfig.json)', () => {
  let dir: string;
  before(() => {
    dir = linkPackages(mkdtempSync(join(tmpdir(), 'machinable-preset-')), ['@types/node']);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@machinable/core': '0.1.0' } }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '@machinable/core/tsconfig.json', include: ['*.ts'] }));
    writeFileSync(join(dir, 'train.ts'), TRAIN);
    writeFileSync(join(dir, 'sweep.ts'), SWEEP);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves through the package exports and sets the decorator, strictness and module options', async () => {
    const shown = await tsc(dir, '--showConfig');
    assert.equal(shown.code, 0, shown.stdout + shown.stderr);
    const { compilerOptions } = JSON.parse(shown.stdout) as { compilerOptions: Record<string, unknown> };
    assert.equal(compilerOptions['experimentalDecorators'], true);
    assert.equal(compilerOptions['emitDecoratorMetadata'], true);
    assert.equal(compilerOptions['useDefineForClassFields'], false);
    assert.equal(compilerOptions['strict'], true);
    assert.equal(compilerOptions['module'], 'nodenext');
    assert.equal(compilerOptions['moduleResolution'], 'nodenext');
    // The preset, not core's own build config (which would compile core's src into core's dist).
    assert.equal(compilerOptions['composite'], undefined);
    assert.equal(compilerOptions['outDir'], undefined);
  });

  it('type-checks a project of decorated configs, interfaces and a sweep driver', async () => {
    const checked = await tsc(dir, '--noEmit');
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.equal(checked.stdout, '');
  });

  it('reports type errors in that project (strict: no implicit any, typed configs)', async () => {
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, `import type Train from './train.js';\nexport const f = (x) => x;\nexport const g = (run: Train): string => run.config.lr;\n`);
    try {
      const checked = await tsc(dir, '--noEmit');
      assert.equal(checked.code, 2, checked.stdout + checked.stderr);
      assert.match(checked.stdout, /bad\.ts\(2,\d+\): error TS7006: Parameter 'x' implicitly has an 'any' type/);
      assert.match(checked.stdout, /bad\.ts\(3,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);
      assert.doesNotMatch(checked.stdout, /train\.ts|sweep\.ts/);
    } finally {
      rmSync(bad, { force: true });
    }
  });
});
