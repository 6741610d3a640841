/**
 * `machinable find --sort=-<term>`: a descending sort term starts with `-`, which oclif would take
 * for a short flag (`-created` for `-c`, `--columns`) and answer "Flag --sort expects a value".
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, project } from '@machinable/core';
import { TRAIN_MODULE, makeProject } from './helpers.js';
import { machinable } from './cli-helpers.js';

describe('find --sort with a descending term', () => {
  it('--sort=-created and --sort -created list the newest first; --sort=created the oldest', async () => {
    const dir = makeProject({ 'train.ts': TRAIN_MODULE });
    const launched: string[] = [];
    await project(dir).within(async () => {
      for (const seed of [1, 2, 3]) launched.push((await (await get('train', { seed })).launch()).uuid);
    });
    const ids = async (...args: string[]): Promise<string[]> => {
      const found = await machinable(dir, 'find', 'train', ...args, '--columns', 'id,created', '--json');
      assert.equal(found.code, 0, found.stderr);
      return (JSON.parse(found.stdout) as Array<{ id: string }>).map((row) => row.id);
    };
    assert.deepEqual(await ids('--sort=created'), launched);
    assert.deepEqual(await ids('--sort=-created'), [...launched].reverse());
    assert.deepEqual(await ids('--sort', '-created'), [...launched].reverse());
    assert.deepEqual(await ids('--sort=-label', '--sort=-created'), [...launched].reverse(), 'several descending terms');
  });
});
