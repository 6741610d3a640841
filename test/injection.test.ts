/**
 * Dependency injection, as a project's modules see it: every instance of a module is made by its
 * project's container, however it is reached (asked for by config, loaded by id or from index rows,
 * found through a relation, computed in a process pool's child), so a module's constructor gets the
 * providers the project declares (`machinable.config.ts`, or `ProjectOptions.config` in code), and
 * each project has a container of its own.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Multiprocess, STORAGE, get, project, type Interface, type Storage } from '@machinable/core';
import { CORE_URL, REPO, makeProject, runScript } from './helpers.js';

/** A module whose constructor takes a provider by token and the project's storage. */
const GREETER = `
import { Interface, Config, Field, STORAGE, inject, injectable, type Storage } from '@machinable/core';
@Config() class C { @Field({ type: 'int' }) seed = 0; }
@injectable()
export default class Greeter extends Interface<C> {
  static Config = C;
  constructor(@inject('greeting') readonly greeting: string, @inject(STORAGE) readonly storage: Storage) { super(); }
  run() { this.saveFile('greeting.json', { greeting: this.greeting, pid: process.pid }); }
}`;

/** A module that derives and uses greeters. */
const PARENT = `
import { Interface } from '@machinable/core';
export default class Parent extends Interface {}`;

const CONFIG = (greeting: string): string => `
import { defineProject } from '@machinable/core';
export default defineProject({ providers: [{ provide: 'greeting', useValue: ${JSON.stringify(greeting)} }] });`;

type Greeter = Interface & { greeting: string; storage: Storage };

function greeterProject(greeting = 'hello from machinable.config'): string {
  return makeProject({ 'greeter.ts': GREETER, 'parent.ts': PARENT, 'machinable.config.ts': CONFIG(greeting) });
}

describe('injection: every way to an instance goes through the project\'s container', () => {
  it('get(), get.byId(), get(m).all() and find().all() make modules with their providers', async () => {
    const dir = greeterProject();
    await project(dir).within(async () => {
      const asked = (await get('greeter', { seed: 1 })) as Greeter;
      assert.equal(asked.greeting, 'hello from machinable.config');
      assert.equal(asked.storage.root, join(dir, 'storage'), 'the project\'s own storage, by its token');
      await asked.launch();
      const byId = (await get.byId(asked.uuid)) as Greeter;
      assert.equal(byId.greeting, 'hello from machinable.config');
      const all = [...(await get('greeter').all())] as Greeter[];
      assert.deepEqual(all.map((run) => run.greeting), ['hello from machinable.config']);
      const found = [...(await project(dir).find({ module: 'greeter' }).all())] as Greeter[];
      assert.deepEqual(found.map((run) => run.greeting), ['hello from machinable.config']);
      assert.deepEqual(asked.loadFile('greeting.json'), { greeting: 'hello from machinable.config', pid: process.pid });
    });
  });

  it('records reached through relations (derived, ancestor, uses, used by) are made the same way', async () => {
    const dir = greeterProject();
    await project(dir).within(async () => {
      const parent = await (await get('parent')).materialize();
      const child = await parent.derive<Greeter>('greeter', { seed: 2 });
      await child.materialize();
      await parent.use(child);
      const derived = [...(await parent.derived())] as Greeter[];
      assert.deepEqual(derived.map((run) => run.greeting), ['hello from machinable.config']);
      const used = [...(await parent.uses())] as Greeter[];
      assert.deepEqual(used.map((run) => run.greeting), ['hello from machinable.config']);
      const again = (await get.byId(child.uuid)) as Greeter;
      assert.equal((await again.ancestor)?.uuid, parent.uuid);
      assert.equal(((await again.usedBy()).first() as Interface | undefined)?.uuid, parent.uuid);
    });
  });

  it('a process pool\'s child reads the declaration too: the run computed there gets the provider', async () => {
    const dir = greeterProject('hello, child process');
    await project(dir).within(async () => {
      await new Multiprocess({ processes: 2 }).within(async () => {
        for (const seed of [3, 4]) await (await get('greeter', { seed })).launch();
      });
      for (const seed of [3, 4]) {
        const run = (await get('greeter', { seed })) as Greeter;
        const written = run.loadFile<{ greeting: string; pid: number }>('greeting.json');
        assert.equal(written.greeting, 'hello, child process');
        assert.notEqual(written.pid, process.pid, 'computed in a child process');
      }
    });
  });

  it('two projects in one process have a container each', async () => {
    const first = greeterProject('from the first project');
    const second = greeterProject('from the second project');
    const a = (await project(first).get('greeter', { seed: 5 })) as Greeter;
    const b = (await project(second).get('greeter', { seed: 5 })) as Greeter;
    assert.equal(a.greeting, 'from the first project');
    assert.equal(b.greeting, 'from the second project');
  });

  it('providers declared in code (ProjectOptions.config) reach the instances of this process, after the file\'s', async () => {
    const dir = makeProject({ 'greeter.ts': GREETER });
    const opened = project(dir, { config: { providers: [{ provide: 'greeting', useFactory: (container) => `made for ${(container.resolve(STORAGE) as Storage).root}` }] } });
    const run = (await opened.get('greeter', { seed: 6 })) as Greeter;
    assert.equal(run.greeting, `made for ${join(dir, 'storage')}`, 'a factory gets the project\'s container');
  });

  it('a module that asks for a provider the project does not declare is an error naming the token', async () => {
    const dir = makeProject({ 'greeter.ts': GREETER });
    await assert.rejects(project(dir).get('greeter', { seed: 7 }), /cannot make Greeter: .*"greeting".*declare a provider .* machinable.config.ts/);
  });

  it('the example of the README runs: a dataset and a logger injected into a module', async () => {
    const dir = makeProject(
      Object.fromEntries(['machinable.config.ts', 'corpus.ts', 'log.ts', 'words.ts'].map((file) => [file, readFileSync(join(REPO, 'examples', 'injection', file), 'utf8')])),
    );
    const script = `
      const { project } = await import(${JSON.stringify(CORE_URL)});
      const words = await project(process.cwd()).get('words', { short: 6 });
      await words.launch();
      console.log(words.summary());`;
    const result = await runScript(dir, script);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\[log\] 1 of 3 sentences have at most 6 words$/m);
    assert.match(result.stdout, /^1 of 3 sentences are short \(at most 6 words\)$/m);
  });
});
