import { hostname } from 'node:os';
import { Config } from '../config/config.decorator.js';
import type { PlainObject } from '../config/plain.js';
import type { VersionSpec } from '../config/version.js';
import { setDefaultExecution, withinExecution, type Dispatcher } from '../context/execution-context.js';
import { Interface, heartbeatSeconds } from '../interface/interface.js';
import { COMPUTE, CONFIGURE, RELATE, WRITE_RECORD_FILE, WRITE_STATUS } from '../interface/internal.js';
import { FAILURE_FILE, PROCESS_FILE } from '../interface/record-files.js';
import { registerBuiltin } from '../project/builtins.js';
import { Project } from '../project/project.js';
import { nickname } from './nickname.js';

type AnyInterface = Interface<object>;

@Config()
class ExecutionConfig {}

/**
 * Runs interfaces and keeps a record of having done so (with a nickname). The default runs each
 * in this process; subclasses (`Multiprocess`, cluster backends) override `execute()`.
 *
 * @example
 * await new Execution().within(async () => { await run1.launch(); await run2.launch(); }); // both run at the end
 */
export class Execution<C extends object = object> extends Interface<C> implements Dispatcher<AnyInterface> {
  static override kind = 'Execution';
  static override module = 'machinable.execution';
  static override Config: unknown = ExecutionConfig;

  #queued: AnyInterface[] = [];
  #started = false;

  /** `new Execution(version?)`: an execution is configured on construction (`{ processes: 4 }`). */
  constructor(...args: [version?: VersionSpec]) {
    super();
    const module = (this.constructor as typeof Execution).module ?? 'machinable.execution';
    if (args.length > 0) this[CONFIGURE](module, args[0]);
  }

  /** A memorable name (`chocolate_mosquito`), stored with the record. */
  get nickname(): string {
    return String(this.predicate['nickname'] ?? '');
  }

  /** Every execution is a new record: its predicate holds a fresh nickname and timestamp. */
  override onComputePredicate(): PlainObject {
    return { nickname: nickname(), created: new Date().toISOString(), execution: this.uuid };
  }

  /** Runs `fn` with this execution current; interfaces launched inside are computed when it ends. */
  async within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    const result = await withinExecution(this, fn);
    const queued = this.#queued;
    this.#queued = [];
    await this.dispatch(queued);
    return result;
  }

  /** @internal collects an interface launched inside `within`. */
  queue(item: AnyInterface): void {
    this.#queued.push(item);
  }

  /** Computes the interfaces that are not computed yet; rejects with the first failure after all ran. */
  async dispatch(items: AnyInterface[]): Promise<void> {
    const seen = new Set<string>();
    const todo = items.filter((item) => !item.cached() && !seen.has(item.uuid) && seen.add(item.uuid));
    if (todo.length === 0) return;
    await this.materialize();
    for (const item of todo) {
      item[WRITE_STATUS]('dispatched_at');
      item[RELATE]('execution', this.uuid);
    }
    // The process-wide local execution (behind every plain launch()) is one record for all of
    // them: it is marked started at its first dispatch and finished after each, which spares a
    // sweep two of its four bookkeeping writes per launch. Other executions mark every dispatch.
    if (!this.#started || !isLocal(this)) this[WRITE_STATUS]('started_at');
    this.#started = true;
    try {
      await this.execute(todo);
    } finally {
      this[WRITE_STATUS]('finished_at');
    }
  }

  /** Computes the interfaces; the default runs them one by one in this process. */
  protected async execute(items: AnyInterface[]): Promise<void> {
    const failures: unknown[] = [];
    for (const item of items) {
      try {
        await computeInterface(item);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

/**
 * The compute protocol every execution follows, in whichever process: mark started (with pid and
 * host), beat every `heartbeatSeconds()`, run the hooks and `run()`, then mark finished, or store
 * the error and rethrow.
 */
export async function computeInterface(item: AnyInterface): Promise<void> {
  item[WRITE_RECORD_FILE](PROCESS_FILE, { pid: process.pid, host: hostname() });
  item[WRITE_STATUS]('started_at', 'heartbeat_at');
  const beat = setInterval(() => item[WRITE_STATUS]('heartbeat_at'), heartbeatSeconds() * 1000);
  beat.unref();
  try {
    await item[COMPUTE]();
    item[WRITE_STATUS]('finished_at');
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    item[WRITE_RECORD_FILE](FAILURE_FILE, {
      name: failure.name,
      message: failure.message,
      stack: failure.stack,
      at: new Date().toISOString(),
    });
    throw error;
  } finally {
    clearInterval(beat);
  }
}

registerBuiltin(Execution);

// A launch outside any `within` runs in the project's process-wide local execution: one record
// per process and project, not one per launch (a sweep of 1,000 launches makes one execution).
const local = new WeakMap<Project, Execution>();
const locals = new WeakSet<Execution>();
const isLocal = (execution: Execution): boolean => locals.has(execution);
setDefaultExecution(async () => {
  const project = Project.current();
  let execution = local.get(project);
  if (!execution) {
    local.set(project, (execution = new Execution()));
    locals.add(execution);
  }
  return execution;
});
