import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../config/config.decorator.js';
import { Field } from '../config/field.decorator.js';
import { MachinableError } from '../kernel/errors.js';
import type { Interface, RunFailure } from '../interface/interface.js';
import { FAILURE_FILE, OUTPUT_FILE } from '../format/reserved-files.js';
import { RECORD } from '../store/record-state.js';
import { startRun, wasMinted } from '../store/run-records.js';
import { recordManifest } from '../provenance/record-manifest.js';
import { handOnClaim, underClaim } from '../store/claims.js';
import { Execution } from './execution.js';

@Config()
export class MultiprocessConfig {
  /** Child processes running at once. */
  @Field({ type: 'int' }) processes = 1;
}

const ENTRY = fileURLToPath(new URL('./dispatch-main.js', import.meta.url));

/**
 * A process pool: each interface gets its run record here (marked `dispatched_at`), then runs in
 * a child Node process that continues that record through `dispatch()`, at most `processes` at
 * a time.
 *
 * @example
 * await new Multiprocess({ processes: 4 }).within(async () => { for (const seed of [1, 2, 3, 4]) await (await get('train', { seed })).launch(); });
 */
export class Multiprocess extends Execution<MultiprocessConfig> {
  static override module = 'machinable.multiprocess';
  static override readonly frameworkModule: string = 'machinable.multiprocess';
  static override Config: unknown = MultiprocessConfig;

  protected override async execute(items: Interface<object>[]): Promise<void> {
    const processes = Math.max(1, this.config.processes);
    const failures: Error[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next++]!;
        this.report(item, 'running');
        const failure = await this.runChild(item);
        this.report(item, failure ? 'failed' : 'finished');
        if (failure) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: Math.min(processes, items.length) }, worker));
    if (failures.length > 0) throw failures[0];
  }

  private async runChild(item: Interface<object>): Promise<Error | undefined> {
    const records = item[RECORD].records!;
    let failure: Error | undefined;
    await underClaim(records, item, async () => {
      const run = startRun(records, item, this, { dispatched: true });
      if (wasMinted(run)) await recordManifest(records, run);
      // The claim names the run record it is handed on with, so the child takes it over (and a
      // child of an older dispatch, or a claim someone else holds, is told apart).
      handOnClaim(records, item, run.uuid);
      failure = await this.spawnChild(item, run);
    });
    return failure;
  }

  /** Computes the run record `run` of `item` in a child process; resolves with its failure, if any. */
  private spawnChild(item: Interface<object>, run: Interface<object>): Promise<Error | undefined> {
    const { project } = item[RECORD].records!;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [ENTRY, project.directory, item.localDirectory(), run.localDirectory()], {
        env: { ...process.env, MACHINABLE_STORAGE: project.storageRoot, MACHINABLE_INDEX: project.indexPath },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Through this process's streams (not inherited), so a live progress line can step aside.
      child.stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        process.stderr.write(chunk);
      });
      child.on('error', (error) => resolve(error));
      child.on('close', (code, signal) => {
        if (code === 0) return resolve(undefined);
        const failure = storedFailure(run);
        const reason = failure ? `${failure.name}: ${failure.message}` : (stderr.trim().split('\n').at(-1) || `exit ${code ?? signal}`);
        resolve(new MachinableError(`${item.module} ${item.uuid} failed in a child process: ${reason} (its output: ${join(run.localDirectory(), OUTPUT_FILE)})`));
      });
    });
  }
}

/** The error a run stored in its run record's `failure.json`, if it did. */
function storedFailure(run: Interface<object>): RunFailure | undefined {
  const stored = run[RECORD].stored;
  const text = stored ? run[RECORD].records!.storage.readFile(stored.location, FAILURE_FILE) : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text.toString('utf8')) as RunFailure;
  } catch {
    return undefined; // a failure.json cut short: the child's stderr says what it can
  }
}
