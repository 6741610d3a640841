import { randomInt } from 'node:crypto';
import { Config } from '../config/config.decorator.js';
import type { VersionSpec } from '../config/version.js';
import { withinContext } from '../context/context-stack.js';
import { withinExecution, type Dispatcher } from '../context/execution-context.js';
import type { JsonObject } from '../format/model.js';
import { CANCELLED_FILE, FAILURE_FILE, OUTPUT_FILE } from '../format/reserved-files.js';
import type { Markers } from '../format/run-state.js';
import type { CancelResult, RunFailure, RunStatus } from '../format/run-status.js';
import { parseTimestamp } from '../format/timestamp.js';
import { configureElement } from '../interface/element.js';
import { Interface, type RunRecord } from '../interface/interface.js';
import type { Session } from '../interface/session.js';
import type { JsonValue } from '../json/json.js';
import { InterfaceStateError } from '../kernel/errors.js';
import { now } from '../kernel/maybe.js';
import { isThenable } from '../kernel/thenable.js';
import { cancelRun } from './cancel.js';
import { computeRun } from './compute.js';
import type { Launch } from './launch.js';
import { nickname } from './nickname.js';
import { SweepProgress, type RunProgress } from './progress.js';

@Config()
class ExecutionConfig {}

/** Options of an execution besides its config. */
export interface ExecutionOptions {
  /** The seed its runs record (and may read, `this.execution.seed`); random when not given. */
  readonly seed?: number;
  /** Resources its runs record (cluster executions fill these in). */
  readonly resources?: JsonObject | null;
}

/**
 * How interfaces are computed, and the record of each computation. As a mechanism (`new
 * Execution()`, `new Multiprocess({ processes: 4 })`) it runs the interfaces launched inside
 * `within()`; every computation it makes is a run record, a child record of the interface of kind
 * `Execution` holding the status markers (`started_at`, `heartbeat_at`, `finished_at`, ...), the
 * host and, for a failure, the error. `run.execution` is that record, as an `Execution`.
 *
 * A subclass computes elsewhere by overriding `execute(launches)`, taking each launch through the
 * protocol's steps (`launch.protocol.underClaim`, `startRun`, then `computeRun` here or in the
 * process it hands the run to).
 *
 * @example
 * await new Execution().within(async () => { await run1.launch(); await run2.launch(); }); // both run at the end
 * run1.execution?.status(); // 'finished'
 */
export class Execution<C extends object = object> extends Interface<C> implements Dispatcher<Launch>, RunRecord {
  static override kind = 'Execution';
  static override module = 'machinable.execution';
  static override readonly frameworkModule: string = 'machinable.execution';
  static override Config: unknown = ExecutionConfig;

  #queued: Launch[] = [];
  #progress: SweepProgress | undefined;
  readonly #seed: number;
  readonly #nickname: string;
  readonly #resources: JsonObject | null;

  /** `new Execution(version?, options?)`: an execution is configured on construction (`{ processes: 4 }`). */
  constructor(...args: [version?: VersionSpec, options?: ExecutionOptions]) {
    super();
    const [version, options = {}] = args;
    this.#seed = options.seed ?? randomInt(2 ** 31 - 1);
    this.#nickname = nickname();
    this.#resources = options.resources ?? null;
    if (args.length > 0) configureElement(this, (this.constructor as typeof Execution).module ?? 'machinable.execution', version);
  }

  /** The seed of the run (stored with each run record). */
  get seed(): number {
    const stored = this.record;
    return stored ? Number(stored.model.extra['seed'] ?? 0) : this.#seed;
  }

  /** A memorable name (`chocolate_mosquito`), stored with each run record. */
  get nickname(): string {
    const stored = this.record;
    return stored ? String(stored.model.extra['nickname'] ?? '') : this.#nickname;
  }

  /** Resources of the run, as recorded. */
  get resources(): JsonObject | null {
    const stored = this.record;
    return stored ? ((stored.model.extra['resources'] ?? null) as JsonObject | null) : this.#resources;
  }

  /** Runs `fn` with this execution current; interfaces launched inside are computed when it ends. */
  async within<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    const result = await withinContext([this.module, this.version() as JsonValue[]], () => withinExecution(this, fn));
    const queued = this.#queued;
    this.#queued = [];
    await this.dispatch(queued);
    return result;
  }

  /** @internal collects a launch made inside `within`. */
  queue(launch: Launch): void {
    this.#queued.push(launch);
  }

  /**
   * Computes the launches whose interfaces are not computed yet; rejects with the first failure
   * after all ran. Several at once show their progress (see `SweepProgress`).
   */
  async dispatch(launches: Launch[]): Promise<void> {
    const seen = new Set<string>();
    const todo: Launch[] = [];
    for (const launch of launches) {
      const id = launch.item.uuid;
      if (seen.has(id)) continue;
      seen.add(id);
      // A record materialize() just created is not computed yet, unless another process computed
      // it since: the claim finds that out (it looks at `cached` once it holds the claim).
      if (launch.created) {
        todo.push(launch);
        continue;
      }
      const cached = launch.session.store.files.isCached(launch.location);
      if (!(isThenable(cached) ? await cached : cached)) todo.push(launch);
    }
    if (todo.length === 0) return;
    const progress = todo.length > 1 ? new SweepProgress(sweepLabel(todo), todo.length) : undefined;
    this.#progress = progress;
    try {
      await this.execute(todo);
    } finally {
      this.#progress = undefined;
      progress?.close();
    }
  }

  /** Tells the sweep's progress what happened to a run (for executions that compute elsewhere). */
  protected report(launch: Launch, state: RunProgress): void {
    this.#progress?.report(launch.item.uuid, state);
  }

  /**
   * Computes the launches; the default runs them one by one in this process, each under its claim
   * (a run computing elsewhere is waited for, not computed twice) and in a run record.
   */
  protected async execute(launches: Launch[]): Promise<void> {
    const failures: unknown[] = [];
    for (const launch of launches) {
      try {
        this.report(launch, 'running');
        await launch.protocol.underClaim(launch, async () => {
          const started = launch.protocol.startRun(launch, this);
          if (isThenable(started)) await started;
          await computeRun(launch);
        });
        this.report(launch, 'finished');
      } catch (error) {
        this.report(launch, 'failed');
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  // ---------------------------------------------------------------------------------------------
  // a run record's status

  /** The run's status markers as they are on disk (empty when this is not a stored run record). */
  markers(): Markers {
    const stored = this.record;
    return stored ? now(this.session().store.runs.markersAt(stored.location), 'markers()', 'await store.runs.markersAt(location)') : {};
  }

  /** When the run was handed to another process or a scheduler. */
  dispatchedAt(): Date | undefined {
    return parseTimestamp(this.markers().dispatched_at as string | undefined);
  }

  override startedAt(): Date | undefined {
    return parseTimestamp(this.markers().started_at as string | undefined);
  }

  /** The latest heartbeat. */
  heartbeatAt(): Date | undefined {
    return parseTimestamp(this.markers().heartbeat_at as string | undefined);
  }

  /** When the run was last resumed (it started before and was continued). */
  resumedAt(): Date | undefined {
    const text = this.markers().resumed_at as string | undefined;
    return parseTimestamp(text?.trim().split('\n').at(-1));
  }

  /** When the run ended, successfully or not. */
  override finishedAt(): Date | undefined {
    return parseTimestamp(this.markers().finished_at as string | undefined);
  }

  override isStarted(): boolean {
    return this.startedAt() !== undefined;
  }

  override isFinished(): boolean {
    return this.status() === 'finished';
  }

  override isLive(): boolean {
    return this.status() === 'live';
  }

  /** The error this run stored, if it failed. */
  override failure(): RunFailure | undefined {
    if (!this.isMaterialized) return undefined;
    return this.loadFile<RunFailure | null>(FAILURE_FILE, null) ?? undefined;
  }

  /** What this run printed to stdout and stderr (its `output.log`), as far as it got. */
  override output(): string | undefined {
    if (!this.isMaterialized) return undefined;
    return this.loadFile<string | null>(OUTPUT_FILE, null) ?? undefined;
  }

  /**
   * True when this run was started before and is being (or was) continued: a run that died and
   * was launched again. A run can read it to continue from its own checkpoints:
   * `if (this.execution?.isResumed()) state = this.loadFile('checkpoint.json')`.
   */
  isResumed(): boolean {
    return this.resumedAt() !== undefined;
  }

  /** When the run was cancelled (see `cancel()`). */
  cancelledAt(): Date | undefined {
    if (!this.isMaterialized) return undefined;
    return parseTimestamp(this.loadFile<string | null>(CANCELLED_FILE, null) ?? undefined);
  }

  /**
   * Cancels this run, unless it finished: its scheduler's job is cancelled, or the process
   * computing it on this host is sent SIGTERM; then the run record is marked cancelled (the
   * `cancelled` marker, the reason in `failure.json`, `finished_at`), so it reads as `cancelled`
   * and a later launch computes the interface in a new run record. Cancelling again does nothing
   * (`already`). A run computing on another host is an error (signal it there).
   *
   * @example
   * run.execution?.cancel(); // { run: 'r4Nd0mRunId1', was: 'live', job: '1234', already: false }
   */
  override cancel(): CancelResult {
    if (!this.isMaterialized) throw new InterfaceStateError(`${this.module}: not a stored run record, so there is nothing to cancel`);
    return cancelRun(this, this.session() as Session<Interface<object>>);
  }

  /** The run state (`pending`, `live`, `died`, `finished`), a failed run told apart as `failed`, a cancelled one as `cancelled`. */
  override status(at: Date = new Date()): RunStatus {
    const stored = this.record;
    return stored ? now(this.session().store.runs.statusAt(stored.location, at), 'status()', 'await run.async.status()') : 'pending';
  }

  /** A run record has no runs of its own. */
  override get execution(): RunRecord | undefined {
    return undefined;
  }
}

/** What a sweep is called in its progress line: its module, or how many modules it has. */
function sweepLabel(launches: readonly Launch[]): string {
  const modules = [...new Set(launches.map((launch) => launch.item.module))];
  return modules.length === 1 ? `${modules[0]} ×${launches.length}` : `${launches.length} runs of ${modules.length} modules`;
}
