/**
 * The plugin as a project sets it up: the `Slurm` execution under `machinable.slurm` (the
 * command line's `slurm` context) and the scheduler backend core asks about handed claims and
 * cancels through, reading a run record's `slurm.json`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CANCELLED_FILE, SchedulerError, type ElementClass, type ModuleOptions, type PluginContext, type SchedulerBackend, type Storage } from '@machinable/core';
import slurmPlugin, { SLURM_JOB_FILE, Slurm, SlurmError, slurm, slurmScheduler } from '@machinable/slurm';

/** A storage of one run record's files (what the backend reads), answering at once or with promises. */
function storageOf(files: Record<string, string>, async = false): Storage {
  const read = (path: string): Buffer | undefined => (files[path] === undefined ? undefined : Buffer.from(files[path]!));
  return {
    readFile: (_location: string, path: string) => (async ? Promise.resolve(read(path)) : read(path)),
  } as unknown as Storage;
}

describe('slurm plugin: setup', () => {
  it('registers the Slurm execution as machinable.slurm (the slurm context) and the slurm scheduler', () => {
    const modules: [string, ElementClass, ModuleOptions | undefined][] = [];
    const schedulers: SchedulerBackend[] = [];
    const context = {
      directory: '/project',
      registerModule: (module: string, cls: ElementClass, options?: ModuleOptions) => modules.push([module, cls, options]),
      registerScheduler: (backend: SchedulerBackend) => schedulers.push(backend),
    } as unknown as PluginContext;
    void slurmPlugin.setup(context);
    assert.equal(slurmPlugin.name, '@machinable/slurm');
    assert.equal(slurm(), slurmPlugin, 'slurm() is the plugin');
    assert.equal(modules.length, 1);
    const [module, cls, options] = modules[0]!;
    assert.equal(module, 'machinable.slurm');
    assert.equal(cls, Slurm);
    assert.equal(options?.context, 'slurm');
    assert.match(options?.description ?? '', /partition=.*dry=true.*wait=true/);
    assert.deepEqual(schedulers, [slurmScheduler]);
    assert.equal(slurmScheduler.name, 'slurm');
  });

  it('SlurmError is a SchedulerError', () => {
    const error = new SlurmError('sbatch failed', ['sbatch', 'x.sh'], 'no partition');
    assert.ok(error instanceof SchedulerError);
    assert.equal(error.name, 'SlurmError');
  });
});

describe('slurm plugin: the scheduler backend', () => {
  const job = JSON.stringify({ job_id: 1234, cmd: ['#SBATCH --partition=debug'], script: '#!/usr/bin/env bash\n' });

  it('finds a run record\'s job in its slurm.json, synchronously with a synchronous storage', () => {
    assert.equal(slurmScheduler.jobOf(storageOf({ [SLURM_JOB_FILE]: job }), 'file:///run'), '1234');
    assert.equal(slurmScheduler.jobOf(storageOf({ [SLURM_JOB_FILE]: JSON.stringify({ job_id: null, cmd: [], script: '' }) }), 'file:///run'), undefined, 'dry: no job');
    assert.equal(slurmScheduler.jobOf(storageOf({}), 'file:///run'), undefined);
    assert.equal(slurmScheduler.jobOf(storageOf({ [SLURM_JOB_FILE]: '{"job_id": 12' }), 'file:///run'), undefined, 'cut short: no job');
  });

  it('answers with a promise when the storage does', async () => {
    const answer = slurmScheduler.jobOf(storageOf({ [SLURM_JOB_FILE]: job }, true), 'file:///run');
    assert.ok(answer instanceof Promise);
    assert.equal(await answer, '1234');
  });

  it('a run record without a job has no queued job to ask about; a cancelled one is over', async () => {
    assert.equal(slurmScheduler.isQueuedAlive(storageOf({}), 'file:///run'), undefined);
    assert.equal(await slurmScheduler.isQueuedAlive(storageOf({ [SLURM_JOB_FILE]: job, [CANCELLED_FILE]: 'x' }, true), 'file:///run'), false);
  });

  it('names a job as messages do', () => {
    assert.equal(slurmScheduler.describe('1234'), 'Slurm job 1234');
  });
});
