/** Helpers for end-to-end specs: throwaway project folders and child Node processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** URL of the built core package, for scripts that run outside the repository. */
export const CORE_URL = import.meta.resolve('@machinable/core');

// Every temporary folder a spec makes is removed when the test process ends, whatever happens.
const temporary = new Set<string>();
process.on('exit', () => {
  for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
});

/** A new temporary folder (`machinable-<label>-…`), removed when the test process ends. */
export function temporaryDirectory(label = 'e2e'): string {
  const directory = mkdtempSync(join(tmpdir(), `machinable-${label}-`));
  temporary.add(directory);
  return directory;
}

/** Removes a project folder now (it would be removed at exit anyway). */
export function removeProject(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
  temporary.delete(directory);
}

/** Creates a project folder with the given files (path → contents). */
export function makeProject(files: Record<string, string>): string {
  const directory = temporaryDirectory();
  for (const [path, contents] of Object.entries(files)) {
    const full = join(directory, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, contents);
  }
  return directory;
}

/** The repository root (tests run from test/dist). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A copy of an example as a user's project: its files plus node_modules links to the packages,
 * so the example's `import '@machinable/core'` resolves as it would after `npm install`.
 */
export function copyOfExample(name: string, files: readonly string[]): string {
  const dir = temporaryDirectory(name);
  for (const file of files) cpSync(join(REPO, 'examples', name, file), join(dir, file));
  return linkPackages(dir);
}

/**
 * Links the workspace packages into `dir/node_modules/@machinable` (and the given other packages
 * of the repository's node_modules, such as `@types/node`), as `npm install` would; returns `dir`.
 */
export function linkPackages(dir: string, others: readonly string[] = []): string {
  mkdirSync(join(dir, 'node_modules', '@machinable'), { recursive: true });
  for (const pkg of ['core', 'storage-fs', 'slurm']) symlinkSync(join(REPO, 'packages', pkg), join(dir, 'node_modules', '@machinable', pkg));
  for (const pkg of others) {
    mkdirSync(dirname(join(dir, 'node_modules', pkg)), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', pkg), join(dir, 'node_modules', pkg));
  }
  return dir;
}

export interface ProcessResult {
  readonly code: number | null;
  /** The signal that ended it, if one did. */
  readonly signal?: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node <args…>` (this test run's Node) in `cwd`, with `env` added to the environment (a
 * variable set to `undefined` is removed from it).
 */
export function runNode(cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
  return run(process.execPath, args, cwd, env);
}

/**
 * Runs `node <args…>` as a user the filesystem's permissions apply to. Root ignores them, so as
 * root the child runs without the capabilities that bypass them (`setpriv`, util-linux); files stay
 * owned by root and a `chmod a-w` binds it as it binds any user.
 */
export function runNodeUnprivileged(cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
  if (process.getuid?.() !== 0) return runNode(cwd, args, env);
  const drop = ['--bounding-set', '-dac_override,-dac_read_search,-fowner,-linux_immutable', '--', process.execPath, ...args];
  return run('setpriv', drop, cwd, env).catch((error: Error) => {
    throw new Error(`running as root, the permission specs need setpriv (util-linux) to drop CAP_DAC_OVERRIDE: ${error.message}`);
  });
}

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined>): Promise<ProcessResult> {
  const environment = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
  return outputOf(spawn(command, args, { cwd, env: environment }));
}

/** What a child process printed and its exit code, once it has exited. */
export function outputOf(child: ChildProcess): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs an ES module script (its source) in a child Node process with `cwd`. */
export function runScript(cwd: string, source: string, env: Record<string, string | undefined> = {}): Promise<ProcessResult> {
  const file = join(cwd, `.script-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  return runNode(cwd, [file], env);
}

/** The DESIGN.md example module, which also logs every computation to `runs.log` in the project folder. */
export const TRAIN_MODULE = `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, Config, Field, Version, Project } from '@machinable/core';

@Config()
export class Optimizer { @Field() name = 'sgd'; @Field() momentum = 0.9; }

@Config()
export class TrainConfig {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) layers = 2;
  @Field() seed!: number;
  @Field() optimizer = new Optimizer();
  @Field({ identifying: false }) dataUri = '';
}

export default class Train extends Interface<TrainConfig> {
  static Config = TrainConfig;
  @Version() adam({ lr = 1e-3 } = {}) { return { optimizer: { name: 'adam' }, lr }; }
  async run() {
    appendFileSync(join(Project.current().directory, 'runs.log'), this.uuid + ' ' + process.pid + '\\n');
    this.saveFile('result.json', { loss: 1 / (1 + this.config.lr) });
  }
  loss() { return this.loadFile<{ loss: number }>('result.json').loss; }
}
`;

/** A record found on disk: its header (`id.json`) and directory. */
export interface RecordOnDisk {
  readonly uuid: string;
  readonly kind: string;
  readonly parent: string | null;
  readonly directory: string;
}

/** Every record directory under a project's storage (those with a `.machinable` sentinel), read with fs alone. */
export function recordsOnDisk(project: string, storage = join(project, 'storage')): RecordOnDisk[] {
  const out: RecordOnDisk[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.name === '.machinable')) {
      const header = JSON.parse(readFileSync(join(dir, 'id.json'), 'utf8')) as { uuid: string; kind: string; parent: string | null };
      out.push({ uuid: header.uuid, kind: header.kind, parent: header.parent, directory: dir });
    }
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'related' && !entry.name.startsWith('.')) walk(join(dir, entry.name));
  };
  walk(storage);
  return out;
}

/** True while a process with this pid exists (the tests' children are their own user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
