/**
 * The `machinable` command line, end to end: each spec runs the real binary in a fresh Node
 * process, in a throwaway project folder, as a user would.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@machinable/core';
import { get, project, scope } from '@machinable/core';
import { parseGetArgs, toCli, typedVersion, UsageError } from '@machinable/cli';
import { TRAIN_MODULE, linkPackages, makeProject } from './helpers.js';
import { lines, machinable, shell } from './cli-helpers.js';

/** A module with every kind of value: typed scalars, a free-form record, an int list, a nullable. */
const STATS_MODULE = `
import { Interface, Config, Field, Version } from '@machinable/core';
@Config()
export class StatsConfig {
  @Field({ type: 'int' }) n = 3;
  @Field() label = 'x';
  @Field() extra: Record<string, unknown> = {};
  @Field({ type: 'int', each: true }) sizes: number[] = [];
  @Field({ type: 'string', nullable: true }) device: string | null = null;
}
export default class Stats extends Interface<StatsConfig> {
  static Config = StatsConfig;
  @Version() big({ n = 100 } = {}) { return { n }; }
  run() { this.saveFile('out.json', { total: this.config.n * 2, label: this.config.label }); }
  out() { return this.loadFile('out.json'); }
  scaled(factor: number, { offset = 0 } = {}) { return this.config.n * factor + offset; }
  nothing() {}
}
`;

const FAILING_MODULE = `
import { Interface } from '@machinable/core';
export default class Failing extends Interface { run() { throw new Error('boom'); } }
`;

const newProject = () => makeProject({ 'train.ts': TRAIN_MODULE, 'stats.ts': STATS_MODULE, 'failing.ts': FAILING_MODULE });
const runsOf = (dir: string): string[] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n') : [];

/** Asserts a failed command: exit code 1, one line on stderr matching `pattern`, no stack trace. */
function assertOneLineError(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 1, `exit code (stderr: ${result.stderr})`);
  assert.equal(lines(result.stderr).length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('cli: get', () => {
  let dir: string;
  before(() => {
    dir = newProject();
  });

  it('launches a run once: the same config, however spelt, reloads it instead of recomputing', async () => {
    const first = await machinable(dir, 'get', 'train', '~adam', 'seed=1', 'optimizer.momentum=0.95', '--launch', '--loss');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(Number(first.stdout.trim()), 1 / (1 + 1e-3));
    const again = await machinable(dir, 'get', 'train', '~adam', 'seed=1', 'optimizer={momentum: 0.95}', '--launch', '--uuid', '--status');
    assert.equal(again.code, 0, again.stderr);
    const [uuid, status] = lines(again.stdout);
    assert.equal(status, 'finished');
    assert.deepEqual(runsOf(dir).map((line) => line.split(' ')[0]), [uuid], 'computed once, by the first command');
  });

  it('prints what members return: strings as they are, objects as JSON, nothing for undefined', async () => {
    const result = await machinable(dir, 'get', 'stats', '--launch', '--out', '--nothing', '--config');
    assert.equal(result.code, 0, result.stderr);
    const [out, config] = result.stdout.trim().split(/\n(?=\{)/);
    assert.deepEqual(JSON.parse(out!), { total: 6, label: 'x' });
    assert.deepEqual(JSON.parse(config!), { n: 3, label: 'x', extra: {}, sizes: [], device: null });
  });

  it('applies ~version(args) and key=value left to right, and calls --method(args)', async () => {
    const result = await machinable(dir, 'get', 'stats', '~big(n=7)', 'label=seven', 'sizes=[1,2]', 'extra={a: 1}', '--launch', '--scaled(2, offset=1)', '--config');
    assert.equal(result.code, 0, result.stderr);
    const [scaled, ...config] = lines(result.stdout);
    assert.equal(scaled, '15');
    assert.deepEqual(JSON.parse(config.join('\n')), { n: 7, label: 'seven', extra: { a: 1 }, sizes: [1, 2], device: null });
    const later = await machinable(dir, 'get', 'stats', 'n=1', '~big(n=7)', '--scaled(1)');
    assert.equal(later.stdout.trim(), '7', 'the version written last wins');
  });

  it('prints the run directory with --path', async () => {
    const result = await machinable(dir, 'get', 'train', 'seed=2', '--launch', '--path', '--uuid');
    assert.equal(result.code, 0, result.stderr);
    const [path, uuid] = lines(result.stdout);
    assert.ok(path!.startsWith(join(dir, 'storage') + '/'), path);
    assert.match(path!.slice(join(dir, 'storage').length), /^(\/[0-9a-f]{24}\/[0-9a-f]{32}){2}$/, 'under the project root, by identity and predicate key');
    assert.equal(readFileSync(join(path!, '.machinable'), 'utf8'), uuid);
    assert.ok(existsSync(join(path!, 'result.json')));
  });

  it('says whether a run is stored when no member is asked for', async () => {
    const result = await machinable(dir, 'get', 'train', 'seed=99');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^train: not stored yet \(add --launch to compute it\)\n$/);
  });

  it('opens the modules before the last as contexts: a process pool, then a scope', async () => {
    const result = await machinable(dir, 'get', 'multiprocess', 'processes=2', 'scope', 'group=a', 'train', 'seed=3', '--launch', '--uuid', '--status');
    assert.equal(result.code, 0, result.stderr);
    const [uuid, status] = lines(result.stdout);
    assert.equal(status, 'finished', 'the methods after --launch see the computed run');
    assert.ok(runsOf(dir).some((line) => line.startsWith(`${uuid} `)), 'computed');
    await project(dir).within(async () => {
      const run = await get.byId(uuid!);
      assert.equal(run.execution?.module, 'machinable.multiprocess');
      assert.deepEqual(run.predicate, { group: 'a' });
      assert.deepEqual(run.context, [['machinable.multiprocess', [{ processes: 2 }]], ['machinable.scope', [{ group: 'a' }]]]);
      assert.equal((await get('train', { seed: 3 })).isMaterialized, false, 'outside the scope it is another run');
    });
  });
});

// Independent commands: run a few at a time (the index exists first, so none races to create it).
describe('cli: errors', { concurrency: 3 }, () => {
  let dir: string;
  before(async () => {
    dir = newProject();
    await project(dir).within(() => core.reindex());
  });

  const cases: [string, string[], RegExp][] = [
    ['an unknown module, with the near match', ['get', 'trian', 'seed=1'], /^Error: unknown module 'trian'.*Did you mean 'train'\?/],
    ['an unknown key, with its path and the near match', ['get', 'train', 'seed=1', 'optimizer.momentun=0.5'], /unknown key 'optimizer\.momentun'.*Did you mean 'momentum'\?/],
    ['a value of the wrong type', ['get', 'train', 'seed=1', 'layers=2.5'], /'layers' must be an integer, got 2\.5/],
    ['a missing required field, with how to give it', ['get', 'train'], /missing required field 'seed'.*\(on the command line: seed=…\)/],
    ['an unknown method, with the near match', ['get', 'train', 'seed=1', '--lsos'], /has no method or property 'lsos'\. Did you mean --loss\?/],
    ['an unknown version', ['get', 'train', 'seed=1', '~adma'], /unknown version '~adma'.*Did you mean '~adam'\?/],
    ['a malformed literal', ['get', 'stats', 'sizes=[1,'], /cannot parse the value of 'sizes'/],
    ['a flag-style config value', ['get', 'train', '--seed=1'], /config values take no dashes; write seed=1/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`reports ${what} on one line and exits 1`, async () => {
      assertOneLineError(await machinable(dir, ...args), pattern);
    });
  }

  it('reports a failing run with its uuid and where its error is stored', async () => {
    const result = await machinable(dir, 'get', 'failing', '--launch');
    assertOneLineError(result, /^Error: failing \S+ failed: boom \(stored in .*failure\.json\)/);
  });

  it('prints the stack trace with --debug', async () => {
    const result = await machinable(dir, 'get', 'trian', '--debug');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^ModuleNotFoundError: unknown module 'trian'/);
    assert.match(result.stderr, /\n\s+at /);
  });
});

describe('cli: ls, reindex, dispatch', () => {
  let dir: string;
  let uuids: string[];
  before(async () => {
    dir = newProject();
    uuids = await project(dir).within(async () => {
      const a = await (await get('train', { seed: 1 })).launch();
      const b = await (await get('train', ['~adam', { seed: 2 }])).materialize();
      const c = await (await get('stats')).launch();
      return [a.uuid, b.uuid, c.uuid];
    });
  });

  it('lists stored runs oldest first in a table, leaving out executions', async () => {
    const result = await machinable(dir, 'ls');
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = lines(result.stdout);
    assert.match(header!, /^id\s+module\s+version\s+status\s+created$/);
    assert.deepEqual(rows.map((row) => row.split(/\s+/)[0]), uuids);
    assert.match(rows[1]!, /train\s+~adam seed=2\s+pending/);
    assert.match(rows[0]!, /finished/);
  });

  it('lists the runs of one module as JSON with --json', async () => {
    const result = await machinable(dir, 'ls', 'train', '--json');
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { uuid: string; module: string; status: string; version: unknown; command: string }[];
    assert.deepEqual(rows.map((row) => [row.uuid, row.status]), [[uuids[0], 'finished'], [uuids[1], 'pending']]);
    assert.deepEqual(rows[1]!.version, ['~adam', { seed: 2 }]);
    assert.equal(rows[1]!.command, 'machinable get train ~adam seed=2');
  });

  it('computes a stored run with dispatch <uuid>', async () => {
    const result = await machinable(dir, 'dispatch', uuids[1]!);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(runsOf(dir).some((line) => line.startsWith(`${uuids[1]} `)));
    await project(dir).within(async () => assert.equal((await get.byId(uuids[1]!)).status(), 'finished'));
    assertOneLineError(await machinable(dir, 'dispatch', 'no-such-id'), /no record 'no-such-id' in the index.*machinable ls/);
  });

  it('rebuilds the index with reindex, reporting corrupt records by file', async () => {
    const directory = await project(dir).within(async () => (await get.byId(uuids[2]!)).localDirectory());
    const broken = join(directory, 'model.json');
    writeFileSync(broken, '{ not json');
    const result = await machinable(dir, 'reindex');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^indexed \d+ records in /);
    assert.match(result.stdout, /\n1 corrupt record \(left on disk, not indexed\):\n {2}\S*model\.json: not valid JSON/);
    assert.ok(result.stdout.includes(broken));
    assert.match(result.stdout, /\n0 duplicates\n/);
  });
});

describe('cli: version and help', () => {
  it('prints the versions of the CLI, core and Node', async () => {
    const result = await machinable(process.cwd(), 'version');
    assert.equal(result.code, 0, result.stderr);
    // Each package's main is dist/index.js, next to its package.json.
    const version = (name: string) => (JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve(name)), 'utf8')) as { version: string }).version;
    assert.deepEqual(lines(result.stdout).map((line) => line.split(/\s+/)), [
      ['@machinable/cli', version('@machinable/cli')],
      ['@machinable/core', version('@machinable/core')],
      ['node', process.version],
    ]);
  });

  it('lists the commands with help, and shows a command with its examples', async () => {
    const [root, command] = await Promise.all([machinable(process.cwd(), 'help'), machinable(process.cwd(), 'get', '--help')]);
    assert.equal(root.code, 0, root.stderr);
    for (const name of ['get', 'ls', 'reindex', 'dispatch', 'version', 'help']) assert.match(root.stdout, new RegExp(`\\n {2}${name}\\s`));
    assert.equal(command.code, 0, command.stderr);
    assert.match(command.stdout, /USAGE\n\s+\$ machinable get <module>/);
    assert.match(command.stdout, /EXAMPLES\n/);
    assert.match(command.stdout, /\$ machinable get multiprocess processes=2 train ~adam/);
  });

  it('answers a mistyped command with the nearest one and the list, exit 1', async () => {
    const [typo, unknown] = await Promise.all([machinable(process.cwd(), 'gett', 'train'), machinable(process.cwd(), 'frobnicate')]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /^Error: unknown command 'gett'\. Did you mean 'get'\? machinable help lists the commands: .*\bget\b.*\bls\b/);
    assert.equal(typo.stdout, '');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: unknown command 'frobnicate'\. machinable help lists the commands: /);
    assert.doesNotMatch(unknown.stderr, /Did you mean/);
  });
});

describe('cli: parseGetArgs', () => {
  it('merges consecutive key=value into one object and keeps the order of the version as written', () => {
    const request = parseGetArgs(['train', 'seed=1', 'optimizer.momentum=0.95', '~adam', '{lr: 0.5}', 'layers=[1, 2]', '--launch'], core);
    assert.equal(request.target.module, 'train');
    assert.deepEqual(request.target.version, [{ seed: '1', 'optimizer.momentum': '0.95' }, '~adam', { lr: 0.5 }, { layers: [1, 2] }]);
    assert.deepEqual(request.contexts, []);
  });

  it('reads values starting with a quote as literals, and every other value as its text', () => {
    const { target } = parseGetArgs(['m', `a='[x]'`, 'b=true', 'c=', 'd=a=b'], core);
    assert.deepEqual(target.version, [{ a: '[x]', b: 'true', c: '', d: 'a=b' }]);
  });

  it('types plain-text values as the reference does (samples=150 is 150), except for fields declared strings', () => {
    const request = parseGetArgs(['m', 'samples=150', 'lr=0.5', 'on=true', 'none=null', 'zip=007', 'big=1e5', 'name=12', `quoted='150'`], core);
    assert.deepEqual(typedVersion(request.target, (path) => (path[0] === 'name' ? 'string' : undefined), core), [
      { samples: 150, lr: 0.5, on: true, none: null, zip: '007', big: '1e5', name: '12', quoted: '150' },
    ]);
    assert.deepEqual([core.parseScalar('-3'), core.parseScalar('1.0'), core.parseScalar('False'), core.parseScalar('9007199254740993')], [-3, '1.0', false, '9007199254740993']);
  });

  it('opens every module but the last as a context, and keeps the actions in order', () => {
    const request = parseGetArgs(['multiprocess', 'processes=2', 'train', '~adam', '--status', '--launch', '--loss(2, scale=3)', '--path', '--debug'], core);
    assert.deepEqual(request.contexts.map(({ module, version }) => ({ module, version })), [{ module: 'multiprocess', version: [{ processes: '2' }] }]);
    assert.equal(request.target.module, 'train');
    assert.deepEqual(
      request.actions.map((a) => (a.kind === 'member' ? [a.name, a.args] : [a.kind])),
      [['status', []], ['launch', []], ['loss', [2, { scale: 3 }]], ['path']],
    );
    assert.equal(request.debug, true);
  });

  it('rejects a version before any module and a token that is nothing it knows', () => {
    assert.throws(() => parseGetArgs(['~adam', 'train'], core), UsageError);
    assert.throws(() => parseGetArgs(['train', '[1]'], core), /neither a module name/);
    assert.throws(() => parseGetArgs([], core), /name the module/);
  });
});

describe('cli: toCli', () => {
  it('renders config objects as dotted key=value tokens', async () => {
    const dir = newProject();
    const rendered = await project(dir).within(async () => toCli(await get('train', ['~adam', { seed: 1, optimizer: { momentum: 0.95 } }])));
    assert.equal(rendered, 'machinable get train ~adam seed=1 optimizer.momentum=0.95');
  });

  it('renders a command that finds the same record, whatever the values and the scope', async () => {
    const dir = newProject();
    const runs = await project(dir).within(async () => {
      const plain = await (await get('train', ['~adam', { seed: 1, 'optimizer.momentum': 0.5 }])).materialize();
      const tricky = await scope({ group: 'a b', level: 2 }).within(async () =>
        (
          await get('stats', [
            '~big(n=7)',
            { label: "it's [x]", extra: { a: 1, b: 'two', c: { d: true }, e: '[e]' }, sizes: [1, 2] },
            { device: null, n: 8 },
          ])
        ).materialize(),
      );
      return [plain, tricky].map((run) => ({ uuid: run.uuid, command: toCli(run) }));
    });
    assert.equal(
      runs[1]!.command,
      `machinable get scope 'group=a b' level=2 stats '~big(n=7)' 'label=it'\\''s [x]' extra.a=1 extra.b=two ` +
        `extra.c.d=true 'extra.e='\\''[e]'\\''' 'sizes=[1, 2]' '{device: null}' n=8`,
    );
    const result = await shell(dir, runs.map(({ command }) => `${command} --uuid`).join('\n'));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), runs.map(({ uuid }) => uuid));
  });
});

describe('cli: init', () => {
  it('creates package.json, tsconfig.json (the decorator preset), a first module, .gitignore and README, and prints what to run', async () => {
    const parent = makeProject({});
    const result = await machinable(parent, 'init', 'My Study');
    assert.equal(result.code, 0, result.stderr);
    const dir = join(parent, 'My Study');
    assert.deepEqual(lines(result.stdout), [
      `created package.json, tsconfig.json, estimate_pi.ts, .gitignore, README.md in ${dir}`,
      'next:',
      '  cd "My Study"',
      '  npm install',
      '  npx machinable get estimate_pi samples=10000 --launch --summary',
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; type: string; dependencies: Record<string, string> };
    assert.equal(manifest.name, 'my-study');
    assert.equal(manifest.type, 'module');
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@machinable/cli')), 'utf8')) as { version: string }).version;
    assert.deepEqual(manifest.dependencies, { '@machinable/cli': `^${version}`, '@machinable/core': `^${version}` });
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { extends: string };
    assert.equal(tsconfig.extends, '@machinable/core/tsconfig.json');
    assert.match(readFileSync(join(dir, 'estimate_pi.ts'), 'utf8'), /export default class EstimatePi extends Experiment<EstimatePiConfig>/);
  });

  it('writes nothing into a folder that has one of its files, and says which', async () => {
    const dir = makeProject({ 'package.json': '{"name": "mine"}' });
    const result = await machinable(dir, 'init');
    assertOneLineError(result, new RegExp(`^Error: ${dir} already has package\\.json: nothing was written`));
    assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), '{"name": "mine"}');
    assert.equal(existsSync(join(dir, 'tsconfig.json')), false);
    assert.equal(existsSync(join(dir, 'estimate_pi.ts')), false);
  });

  it('the first module runs where it is created (the project links this workspace)', async () => {
    const parent = makeProject({});
    assert.equal((await machinable(parent, 'init', 'study')).code, 0);
    const dir = linkPackages(join(parent, 'study'));
    const [first, second] = [await machinable(dir, 'get', 'estimate_pi', 'samples=500', '--launch', '--summary'), await machinable(dir, 'get', 'estimate_pi', 'samples=500', '--summary')];
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^After 500 samples, pi is approximately \d\.\d+\.\n$/);
    assert.equal(second.stdout, first.stdout);
  });
});
