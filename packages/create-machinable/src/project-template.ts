/**
 * The files `npm create machinable` and `machinable init` write: a project that runs as it is
 * after `npm install`. Pure (no filesystem access), so both commands and their tests share one
 * definition.
 */

/** What the template needs to know. */
export interface TemplateOptions {
  /** The npm package name (the folder's name, made valid). */
  readonly name: string;
  /** The version of machinable to depend on (`^version` of `@machinable/cli` and `@machinable/core`). */
  readonly version: string;
  /**
   * The project's dependencies on machinable's packages, name → npm spec, in place of the
   * `^version` ranges: `machinable init --from-checkout` points them at packed tarballs.
   */
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** The module the project starts with, and the command that runs it. */
export const FIRST_MODULE = 'estimate_pi';
export const FIRST_COMMAND = `npx machinable get ${FIRST_MODULE} samples=10000 --launch --summary`;

/** A valid npm package name from a folder name: lowercase, URL-safe, not starting with `.` or `_`. */
export function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214);
  return name === '' ? 'machinable-project' : name;
}

/** The project's files, path → contents, in the order they are listed. */
export function projectFiles({ name, version, dependencies }: TemplateOptions): Map<string, string> {
  const range = `^${version}`;
  const packageJson = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: FIRST_COMMAND.replace(/^npx /, ''),
      ls: 'machinable ls',
      typecheck: 'tsc --noEmit',
    },
    // The filesystem storage comes with core (its default).
    dependencies: dependencies ?? {
      '@machinable/cli': range,
      '@machinable/core': range,
    },
    devDependencies: {
      '@types/node': '^20.19.0',
      typescript: '~5.9.3',
    },
  };
  const tsconfig = {
    // Decorators and their metadata, as @Config/@Field need; strict TypeScript.
    extends: '@machinable/core/tsconfig.json',
    compilerOptions: { noEmit: true, types: ['node'] },
    include: ['*.ts', 'src/**/*.ts'],
  };
  return new Map([
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`],
    [`${FIRST_MODULE}.ts`, MODULE],
    ['.gitignore', GITIGNORE],
    ['README.md', readme(name)],
  ]);
}

const MODULE = `/**
 * A first module: estimate π by sampling points in the unit square.
 *
 *   ${FIRST_COMMAND}
 *
 * computes it once; the same command again reloads the stored result. Change a value
 * (samples=20000) and it computes that one.
 */
import { Config, Experiment, Field, Version } from '@machinable/core';

@Config()
export class EstimatePiConfig {
  @Field({ type: 'int' }) samples = 1000;
  @Field({ type: 'int' }) seed = 42;
}

interface Result {
  readonly samples: number;
  readonly inside: number;
  readonly pi: number;
}

export default class EstimatePi extends Experiment<EstimatePiConfig> {
  static Config = EstimatePiConfig;

  /** \`~precise\` on the command line: many more samples. */
  @Version() precise() {
    return { samples: 1_000_000 };
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
    if (!this.isFinished()) return \`\${this.module} \${this.id} is \${this.status()}\`;
    const { samples, pi } = this.loadFile<Result>('result.json');
    return \`After \${samples} samples, pi is approximately \${pi}.\`;
  }
}

/** A small seeded random number generator, so a run's result is a function of its config. */
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
`;

const GITIGNORE = `node_modules/
# Runs and their index: results, not source. Keep them (and back them up) elsewhere if they matter.
storage/
.machinable.sqlite*
`;

function readme(name: string): string {
  return `# ${name}

Research code with [machinable](https://machinable.org): running an experiment and retrieving its
results are the same operation.

\`\`\`sh
npm install
${FIRST_COMMAND}
\`\`\`

The first run computes and stores its result under \`storage/\`; the same command again loads it.
\`npx machinable ls\` lists the stored runs, \`npx machinable get --help\` shows how to
ask for runs, and \`npm run typecheck\` checks the TypeScript. Add a module by adding a \`.ts\` file whose
default export extends \`Interface\` or \`Experiment\`.
`;
}
