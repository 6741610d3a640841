/**
 * Nothing silent on the command line (issue #23): outside a project `serve`, `ls` and `find` say
 * so and create nothing; a killed launcher in front of `machinable serve` (npx, a shell) does not
 * leave the server listening.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FindRequestError, get, project } from '@machinable/core';
import { CLI_BIN, machinable } from './cli-helpers.js';
import { alive, makeProject, REPO, temporaryDirectory } from './helpers.js';
import { poll } from './server-helpers.js';

/** Starts `command args` and resolves once it exited or printed `line` (a long-running command that should have refused). */
function startOrExit(command: string, args: readonly string[], cwd: string, line: string): Promise<{ child: ChildProcess; code: number | null | 'running'; out: string }> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes(line)) resolve({ child, code: 'running', out });
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('error', reject);
    child.on('close', (code) => resolve({ child, code, out }));
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The pids of the processes below `pid` (children, grandchildren, ...), from `ps`. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0; ) {
    const next = table.filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

const TRAIN = `
import { Interface, Config, Field } from '@machinable/core';
@Config() export class Optimizer { @Field() name = 'sgd'; }
@Config({ extra: 'allow' }) export class Loose { @Field() kind = 'x'; }
@Config() export class C {
  @Field() lr = 0.1;
  @Field() optimizer = new Optimizer();
  @Field({ type: 'json' }) notes: unknown = {};
  @Field() loose = new Loose();
  @Field({ type: 'int', each: 'array' }) widths: number[] = [1, 2];
}
export default class Train extends Interface<C> {
  static Config = C;
  run() { this.saveFile('result.json', { loss: this.config.lr * 2 }); }
}`;

describe('find --where and --sort: config paths the module does not declare are refused', { timeout: 120_000 }, () => {
  let dir: string;
  const refuses = async (args: string[], text: RegExp): Promise<void> => {
    const result = await machinable(dir, 'find', ...(args[0] === '--request' ? [] : ['train']), ...args);
    assert.equal(result.code, 1, `${args.join(' ')} exits 1; stdout: ${result.stdout}; stderr: ${result.stderr}`);
    assert.match(result.stderr, text);
    assert.equal(result.stdout, '');
  };
  const accepts = async (args: string[]): Promise<string> => {
    const result = await machinable(dir, 'find', 'train', ...args, '--json');
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  it('runs stored first', async () => {
    dir = makeProject({ 'train.ts': TRAIN });
    await project(dir).within(async () => {
      await (await get('train', { lr: 0.2 })).launch();
      await (await get('train', { lr: 0.05 })).launch();
    });
  });

  it('a misspelt key, top level or nested, with did you mean', async () => {
    await refuses(['--where', 'lrr>0.1'], /where lrr: the config of train \(C\) declares no 'lrr'; did you mean 'lr'\?/);
    await refuses(['--where', 'optimizer.nam=adam'], /optimizer \(config Optimizer\) declares no 'nam'; did you mean 'optimizer.name'\?/);
    await refuses(['--where', 'config.lrr>0.1'], /did you mean 'lr'/);
    await refuses(['--where', 'lr.x=1'], /lr of train's config is a number and has no 'x'/);
    await refuses(['--sort=-lrr'], /sort lrr: .*did you mean 'lr'/);
    // A sort by a result value is made here, not by the index: its config terms are checked all the same.
    await refuses(['--sort=-result.json:loss', '--sort=lrr'], /sort config.lrr: .*did you mean 'lr'/);
    await refuses(['--request', JSON.stringify({ module: 'train', config: { filters: [{ path: 'lrr', op: 'gt', value: 0.1 }] } })], /declares no 'lrr'/);
  });

  it('declared paths, free-form values, result columns, columns and predicate paths stay free', async () => {
    assert.equal(JSON.parse(await accepts(['--where', 'lr>0.1'])).total, 1);
    assert.equal(JSON.parse(await accepts(['--where', 'lr>0.01'])).total, 2);
    for (const args of [
      ['--where', 'optimizer.name=sgd'],
      ['--where', 'notes.anything.below=1'],
      ['--where', 'loose.undeclared=1'],
      ['--where', 'widths[1]=2'],
      ['--where', '_default_.lr=0.1'],
      ['--where', 'label=x'],
      ['--where', 'predicate.dataset=v2'],
      ['--sort=-result.json:loss'],
      ['--sort=optimizer.name'],
      ['--sort=label'],
    ]) {
      await accepts(args);
    }
  });

  it("find --help's \"best loss first\" example lists the lowest loss first", async () => {
    const help = await machinable(dir, 'find', '--help');
    const example = /best loss first:[\s\S]*?(--sort=\S+)/.exec(help.stdout);
    assert.ok(example, `find --help has a best-loss-first example with --sort: ${help.stdout}`);
    const result = await machinable(dir, 'find', 'train', example[1]!, '--columns', 'result.json:loss', '--json');
    assert.equal(result.code, 0, result.stderr);
    const losses = (JSON.parse(result.stdout) as { 'result.json:loss': number }[]).map((row) => row['result.json:loss']);
    assert.deepEqual(losses, [0.1, 0.4]);
  });

  it('in a project with nothing stored yet too', async () => {
    const empty = makeProject({ 'package.json': '{"name": "study", "private": true}', 'train.ts': TRAIN });
    const result = await machinable(empty, 'find', 'train', '--where', 'lrr>0.1');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /declares no 'lrr'; did you mean 'lr'\?/);
    assert.deepEqual(readdirSync(empty).sort(), ['package.json', 'train.ts']);
  });

  it('the find() builder refuses them too, with the module named', async () => {
    await project(dir).within(async () => {
      await assert.rejects(project(dir).find({ module: 'train' }).where('lrr>0.1'), (error: unknown) => error instanceof FindRequestError && /did you mean 'lr'/.test(error.message));
      assert.equal((await project(dir).find({ module: 'train' }).where('lr>0.1')).total, 1);
      // Without a module there is no config to check against: any path is a condition.
      assert.equal((await project(dir).find({}).where('lrr>0.1')).total, 0);
    });
  });
});

describe('outside a project, serve, ls and find say so and create nothing', { timeout: 120_000 }, () => {
  for (const args of [['ls'], ['find'], ['find', 'train', '--where', 'lr>0.1'], ['serve', '--port', '0']]) {
    it(`machinable ${args.join(' ')}`, async () => {
      const dir = temporaryDirectory('not-a-project');
      const result = await startOrExit(process.execPath, [CLI_BIN, ...args], dir, 'machinable dashboard');
      if (result.code === 'running') result.child.kill('SIGTERM');
      assert.equal(result.code, 1, `exits 1 without starting; output: ${result.out}`);
      assert.match(result.out, /is not a machinable project/);
      assert.ok(result.out.includes(dir), `names the folder: ${result.out}`);
      assert.match(result.out, /machinable init/);
      assert.deepEqual(readdirSync(dir), [], 'nothing was created');
    });
  }

  it('a folder with a package.json (what machinable init writes) is a project: ls answers, creating nothing', async () => {
    const dir = temporaryDirectory('bare-project');
    writeFileSync(join(dir, 'package.json'), '{"name": "study", "private": true}\n');
    const result = await machinable(dir, 'ls');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /no stored runs/);
    assert.deepEqual(readdirSync(dir), ['package.json']);
  });
});

describe('a killed npm in front of machinable serve does not leave it listening', { timeout: 180_000 }, () => {
  const started: number[] = [];
  after(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  /** A project whose node_modules has the workspace's `machinable` binary, as after `npm install @machinable/cli`. */
  function projectWithCli(): string {
    const dir = temporaryDirectory('serve-signal');
    writeFileSync(join(dir, 'package.json'), '{"name": "study", "private": true}\n');
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(CLI_BIN, join(dir, 'node_modules', '.bin', 'machinable'));
    return dir;
  }

  const launchers: Record<string, (dir: string) => [string, string[]]> = {
    // npm exec runs the binary through `sh -c`, and a SIGTERM to npm ends npm and the shell only.
    'npx machinable serve': () => ['npm', ['exec', '--no', '--offline', '--', 'machinable', 'serve', '--port', '0']],
    'npm exec -c "machinable serve; …" (a shell that waits for it)': () => ['npm', ['exec', '--no', '--offline', '-c', 'machinable serve --port 0; exit $?']],
  };
  for (const [name, launcher] of Object.entries(launchers)) {
    it(name, async () => {
      const dir = projectWithCli();
      const [command, args] = launcher(dir);
      // npm sets npm_command for what it starts; this run's own (under npm test) is not inherited.
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env['PATH']}` };
      delete env['npm_command'];
      const front = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env });
      started.push(front.pid!);
      let out = '';
      front.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      front.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await poll(() => out.includes('stop with Ctrl-C'), `serve to start (output so far: ${out})`);
      const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)![1]);
      const cli = descendants(front.pid!).filter((pid) => execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).includes('serve'));
      assert.ok(cli.length > 0, 'the CLI runs below the launcher');
      started.push(...cli);
      assert.equal(await listening(port), true);

      const ended = new Promise((resolve) => front.on('exit', resolve)); // not 'close': a CLI left behind would hold its pipes open
      front.kill('SIGTERM');
      await ended;
      await poll(async () => !(await listening(port)) && cli.every((pid) => !alive(pid)), `the server on port ${port} (pids ${cli.join(', ')}) to end with its launcher`, 30_000);
    });
  }
});
