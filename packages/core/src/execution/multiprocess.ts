import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../config/config.decorator.js';
import { Field } from '../config/field.decorator.js';
import { OUTPUT_FILE } from '../format/reserved-files.js';
import type { RunRecord } from '../interface/interface.js';
import { MachinableError } from '../kernel/errors.js';
import { Execution } from './execution.js';
import type { Launch } from './launch.js';

@Config()
export class MultiprocessConfig {
  /** Child processes running at once. */
  @Field({ type: 'int' }) processes = 1;
}

/**
 * The child-process entry that continues a run record (`node dispatch-main.js <project> <record>
 * <run>`): core's own, a path rather than an import, since it opens a project (the layer above).
 */
export const DISPATCH_ENTRY = fileURLToPath(new URL('../api/dispatch-main.js', import.meta.url));

/**
 * A process pool: each interface gets its run record here (marked `dispatched_at`), then runs in
 * a child Node process that continues that record through `dispatch()`, at most `processes` at a
 * time. The child opens the same project, so its modules get the providers the project declares
 * (`machinable.config.ts`).
 *
 * @example
 * await new Multiprocess({ processes: 4 }).within(async () => { for (const seed of [1, 2, 3, 4]) await (await get('train', { seed })).launch(); });
 */
export class Multiprocess extends Execution<MultiprocessConfig> {
  static override module = 'machinable.multiprocess';
  static override readonly frameworkModule: string = 'machinable.multiprocess';
  static override Config: unknown = MultiprocessConfig;

  protected override async execute(launches: Launch[]): Promise<void> {
    const processes = Math.max(1, this.config.processes);
    const failures: Error[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < launches.length) {
        const launch = launches[next++]!;
        this.report(launch, 'running');
        const failure = await this.runChild(launch);
        this.report(launch, failure ? 'failed' : 'finished');
        if (failure) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: Math.min(processes, launches.length) }, worker));
    if (failures.length > 0) throw failures[0];
  }

  private async runChild(launch: Launch): Promise<Error | undefined> {
    let failure: Error | undefined;
    await launch.protocol.underClaim(launch, async () => {
      const run = await launch.protocol.startRun(launch, this, { dispatched: true });
      // The claim names the run record it is handed on with, so the child takes it over (and a
      // child of an older dispatch, or a claim someone else holds, is told apart).
      await launch.session.store.claims.handOn(launch.location, run.uuid);
      failure = await this.spawnChild(launch, run);
    });
    return failure;
  }

  /** Computes the run record `run` of a launch in a child process; resolves with its failure, if any. */
  private spawnChild(launch: Launch, run: RunRecord): Promise<Error | undefined> {
    const { item, session } = launch;
    const { project } = session;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [DISPATCH_ENTRY, project.directory, item.localDirectory(), run.localDirectory()], {
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
        void Promise.resolve(session.store.runs.failure(run.record!.location)).then(
          (failure) => {
            const reason = failure ? `${failure.name}: ${failure.message}` : (stderr.trim().split('\n').at(-1) || `exit ${code ?? signal}`);
            resolve(new MachinableError(`${item.module} ${item.uuid} failed in a child process: ${reason} (its output: ${join(run.localDirectory(), OUTPUT_FILE)})`));
          },
          (error: unknown) => resolve(error instanceof Error ? error : new Error(String(error))),
        );
      });
    });
  }
}
