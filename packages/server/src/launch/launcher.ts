import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Execution, InterfaceStateError, RecordNotFoundError, SchedulerError, type CancelResult, type Interface, type Project, type VersionSpec } from '@machinable/core';
import { HttpError } from '../errors.js';
import type { StoreReader } from '../store/store-reader.js';
import { executionInfo, type ExecutionInfo } from '../views/execution-info.js';

/** One interface of a launch request (the reference's `DispatchInterface`; `context` is not supported here). */
export interface DispatchInterface {
  readonly target: string;
  readonly version?: VersionSpec[];
  readonly context?: unknown[];
}

/** The body of `POST /v1/executions` (the reference's `DispatchRequest`; one interface). */
export interface DispatchRequest {
  readonly interfaces: DispatchInterface[];
}

/** The answer of a launch: the run record's `ExecutionInfo`, or, for a record computed already, `cached: true`. */
export type LaunchResult = ExecutionInfo | { readonly uuid: string; readonly cached: true; readonly interface_uuid: string };

const ENTRY = fileURLToPath(new URL('./launch-main.js', import.meta.url));
/** How long a launch waits for its run record to appear, as the reference waits for its execution. */
const START_TIMEOUT_MS = 10_000;

/**
 * Launches runs for the page (only when the server was started with `allowLaunch`): the record
 * is found or materialized here (its module is loaded in the server to compute the identity),
 * and computed in a child process (`launch-main.js`, core's `dispatch`), so a long run never
 * blocks the server. Answers once the run record exists. Children are stopped when the server
 * closes. A run that has not finished is cancelled through core's `cancel()` (its Slurm job
 * `scancel`ed, or the process computing it on this host, a launch of this server's included, sent
 * SIGTERM; the run record marked `cancelled`).
 *
 * @example
 * await launcher.launch({ interfaces: [{ target: 'train', version: [{ lr: 0.1 }] }] });
 */
export class Launcher {
  readonly #children = new Set<ChildProcess>();

  constructor(
    private readonly project: Project,
    private readonly reader: StoreReader,
  ) {}

  /** Launches the one interface of a request; a 400 for a request of another shape. */
  async launch(body: unknown): Promise<LaunchResult> {
    const item = dispatchItem(body);
    const run: Interface = await this.project.get(item.target, item.version ?? []);
    await run.materialize();
    const before = (await this.reader.runs(run.uuid, 1))[0]?.record_id;
    if (await run.async.cached()) return { uuid: before ?? run.uuid, cached: true, interface_uuid: run.uuid };
    const child = spawn(process.execPath, [ENTRY, this.project.directory, run.uuid], {
      cwd: this.project.directory,
      env: { ...process.env, MACHINABLE_STORAGE: this.project.storageRoot, MACHINABLE_INDEX: this.project.indexPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    let exited: number | null | undefined;
    child.on('exit', (code) => {
      exited = code;
      this.#children.delete(child);
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const latest = (await this.reader.runs(run.uuid, 1))[0];
      if (latest && latest.record_id !== before) return executionInfo(this.reader, latest);
      if (exited !== undefined) {
        if (exited === 0 && (await this.reader.cached(await this.reader.rowOrThrow(run.uuid)))) return { uuid: run.uuid, cached: true, interface_uuid: run.uuid };
        throw new HttpError(500, `the launch of ${item.target} (${run.uuid}) failed: ${stderr.trim().split('\n').at(-1) ?? `exit code ${exited}`}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new HttpError(500, `the launch of ${item.target} (${run.uuid}) did not start a run within ${START_TIMEOUT_MS / 1000} s`);
  }

  /**
   * Cancels the run record `uuid` (core's `Execution.cancel()`): a 404 when no run record has
   * that id, a 409 when it finished or computes on another host (the message says which), a 502 when
   * `scancel` failed.
   */
  async cancel(uuid: string): Promise<CancelResult> {
    const record = await this.project.byId(uuid).catch((error: unknown) => {
      throw error instanceof RecordNotFoundError ? new HttpError(404, `Execution not found: ${error.message}`) : error;
    });
    if (!(record instanceof Execution)) throw new HttpError(404, `Execution not found: ${uuid} is a ${record.module} record, not a run record; cancel one of its executions`);
    try {
      return record.cancel();
    } catch (error) {
      if (error instanceof InterfaceStateError) throw new HttpError(409, error.message);
      // scancel failed: the cluster's answer, not the request, is at fault.
      if (error instanceof SchedulerError) throw new HttpError(502, error.message);
      throw error;
    }
  }

  /** Stops the runs launched from the page that are still going. */
  close(): void {
    for (const child of this.#children) child.kill('SIGTERM');
    this.#children.clear();
  }
}

function dispatchItem(body: unknown): DispatchInterface {
  const request = body as Partial<DispatchRequest> | null;
  const items = request && typeof request === 'object' ? request.interfaces : undefined;
  if (!Array.isArray(items) || items.length !== 1) throw new HttpError(400, 'the body is { "interfaces": [{ "target": "<module>", "version": [...] }] } with one interface');
  const item = items[0] as Partial<DispatchInterface>;
  if (typeof item?.target !== 'string' || item.target === '') throw new HttpError(400, 'interfaces[0].target: the module to launch, e.g. "train"');
  if (item.version !== undefined && !Array.isArray(item.version)) throw new HttpError(400, 'interfaces[0].version: a list of ~versions and config objects');
  if (item.context !== undefined && (!Array.isArray(item.context) || item.context.length > 0)) throw new HttpError(400, 'interfaces[0].context: contexts are not supported by this server; launch from the command line');
  return item as DispatchInterface;
}
