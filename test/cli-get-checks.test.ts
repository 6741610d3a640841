/**
 * `machinable get` answers at once and says what it did: a positional value in a version call is
 * refused with the keyword form, every --action is checked before anything is computed or
 * stored, a hidden twin is named with the command that unhides it (which works), and a launch
 * says on stderr whether the run was computed or reloaded.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get, project } from '@machinable/core';
import { TRAIN_MODULE, makeProject, recordsOnDisk } from './helpers.js';
import { lines, machinable, shell } from './cli-helpers.js';

const runsOf = (dir: string): string[] =>
  existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8').trim().split('\n') : [];

/** A version whose parameter is positional: it takes `~scaled(0.5)` as Python does. */
const SCALED_MODULE = `
import { Interface, Config, Field, Version } from '@machinable/core';
@Config()
export class ScaledConfig { @Field() lr = 0.1; }
export default class Scaled extends Interface<ScaledConfig> {
  static Config = ScaledConfig;
  @Version() scaled(factor: number) { return { lr: 0.1 * factor }; }
}
`;

describe('cli get: positional version arguments', () => {
  let dir: string;
  before(() => {
    dir = makeProject({ 'train.ts': TRAIN_MODULE, 'scaled.ts': SCALED_MODULE });
  });

  it("refuses '~adam(0.3)' and shows the keyword form, storing nothing", async () => {
    const result = await shell(dir, "machinable get train '~adam(0.3)' seed=1 --launch");
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /version '~adam\(0\.3\)' of Train: ~adam takes keyword arguments, not positional ones/);
    assert.match(result.stderr, /write '~adam\(lr=0\.3\)'/);
    assert.deepEqual(runsOf(dir), []);
    assert.deepEqual(recordsOnDisk(dir), []);
  });

  it('refuses it in core too, where the value was dropped silently', async () => {
    await assert.rejects(
      project(dir).within(() => get('train', ['~adam(0.3)', { seed: 1 }])),
      /~adam takes keyword arguments, not positional ones .*write '~adam\(lr=0\.3\)'/,
    );
  });

  it('passes positional values to a version whose parameters are positional', async () => {
    const run = await project(dir).within(() => get('scaled', '~scaled(0.5)'));
    assert.equal((run.config as { lr: number }).lr, 0.05);
  });

  it('still takes the keyword form', async () => {
    const result = await shell(dir, "machinable get train '~adam(lr=0.3)' seed=1 --config");
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { lr: number }).lr, 0.3);
  });
});

describe('cli get: actions are checked before anything runs', () => {
  let dir: string;
  before(() => {
    dir = makeProject({ 'train.ts': TRAIN_MODULE });
  });

  it('a misspelt --los after --launch is refused with a near match, and nothing is computed or stored', async () => {
    const result = await machinable(dir, 'get', 'train', 'seed=1', '--launch', '--los');
    assert.equal(result.code, 1, result.stderr);
    assert.equal(lines(result.stderr).length, 1, result.stderr);
    assert.match(result.stderr, /has no method or property 'los'\. Did you mean --loss\?/);
    assert.deepEqual(runsOf(dir), []);
    assert.deepEqual(recordsOnDisk(dir), []);
  });

  it('arguments to a property after --launch are refused before the launch', async () => {
    const result = await machinable(dir, 'get', 'train', 'seed=2', '--launch', '--uuid(3)');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /'uuid' of train is a property, not a method; write --uuid without arguments/);
    assert.deepEqual(recordsOnDisk(dir), []);
  });
});

describe('cli get: a hidden run', () => {
  let dir: string;
  before(() => {
    dir = makeProject({ 'train.ts': TRAIN_MODULE });
  });

  it('is not reused, stderr names it with a command that unhides it, and that command works', async () => {
    const first = await machinable(dir, 'get', 'train', 'seed=5', '--launch', '--uuid');
    assert.equal(first.code, 0, first.stderr);
    const id = first.stdout.trim();
    const hidden = await machinable(dir, 'get', 'train', 'seed=5', '--launch', '--hide');
    assert.equal(hidden.code, 0, hidden.stderr);

    const again = await machinable(dir, 'get', 'train', 'seed=5');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^train: not stored yet/);
    const note = lines(again.stderr).find((line) => line.startsWith('note: a hidden run'));
    assert.ok(note, again.stderr);
    assert.ok(note.includes(id), note);
    const command = /To use it again: (.*)$/.exec(note)?.[1];
    assert.equal(command, 'machinable get train seed=5 --unhide');

    const unhidden = await shell(dir, `${command} --uuid`);
    assert.equal(unhidden.code, 0, unhidden.stderr);
    assert.equal(unhidden.stdout.trim(), id);
    const reused = await machinable(dir, 'get', 'train', 'seed=5', '--launch', '--uuid');
    assert.equal(reused.stdout.trim(), id);
    assert.doesNotMatch(reused.stderr, /hidden/);
    assert.equal(runsOf(dir).length, 1, 'computed once');
  });
});

describe('cli get: --launch says whether it computed or reloaded', () => {
  let dir: string;
  before(() => {
    dir = makeProject({ 'train.ts': TRAIN_MODULE });
  });

  it('computed the first time, reloaded the second, on stderr; stdout unchanged', async () => {
    const first = await machinable(dir, 'get', 'train', 'seed=1', '--launch', '--loss');
    assert.equal(first.code, 0, first.stderr);
    const id = runsOf(dir)[0]!.split(' ')[0]!;
    assert.match(first.stderr, new RegExp(`^computed train ${id} in \\d+\\.\\d s$`, 'm'));
    const second = await machinable(dir, 'get', 'train', 'seed=1', '--launch', '--loss');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.match(second.stderr, new RegExp(`^reloaded train ${id} \\(stored \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)$`, 'm'));
    assert.equal(runsOf(dir).length, 1);
  });

  it('says nothing of the kind without --launch', async () => {
    const result = await machinable(dir, 'get', 'train', 'seed=1', '--loss');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
  });
});
