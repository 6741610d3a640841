import { resolve } from 'node:path';
import type { VersionSpec } from '../config/version.js';
import type { EdgeLine, RelationFn } from '../format/edges.js';
import type { JsonObject } from '../format/model.js';
import type { CancelResult, RunFailure, RunStatus } from '../format/run-status.js';
import type { Markers } from '../format/run-state.js';
import { InterfaceStateError, RelationError } from '../kernel/errors.js';
import { now } from '../kernel/maybe.js';
import { provenanceGraph, type ProvenanceGraph, type ProvenanceOptions } from '../store/provenance-graph.js';
import { ambientSource } from './ambient.js';
import { InterfaceCollection } from './collection.js';
import type { ComputeResources } from './compute-resources.js';
import type { Element } from './element.js';
import { HANDLE } from './handle.js';
import { RecordBase } from './record-base.js';
import { relatedIds } from './related-ids.js';
import type { Session, Target } from './session.js';

/**
 * A unit of research with a stored record: the same module and config always find the same record,
 * so launching it computes once and every later `get()` reloads the result. A facade: its record
 * is read and written by its project's store, its instances made by its project's hydrator, its
 * launches run by its project's launcher (see `Session`).
 *
 * @example
 * export default class Train extends Interface<TrainConfig> { static Config = TrainConfig; async run() { ... } }
 * const run = await get('train', { seed: 1 }); await run.launch();
 */
export class Interface<C extends object = Record<string, unknown>> extends RecordBase<C> {
  static override kind = 'Interface';
  /** @internal how records list this class in `inherits`. */
  static readonly frameworkModule: string = 'machinable.interface';















  /**
   * Hook: what a run needs from a cluster (CPUs, memory, time, GPUs, a partition, other scheduler
   * options). A cluster execution merges it under its own config; local executions ignore it.
   *
   * @example
   * onComputeResources() { return { cpus: this.config.workers, memory: '8G', gres: 'gpu:1' }; }
   */
  onComputeResources(): ComputeResources | undefined {
    return undefined;
  }

  /** Hook: before the record is written. */
  onBeforeMaterialize(): void | Promise<void> {}

  /** Hook: after the record is written (also when it was found stored by another process). */
  onMaterialize(): void | Promise<void> {}

  /** Hook: before `run()`; not called when the launch is cached. */
  onBeforeLaunch(): void | Promise<void> {}

  /** Hook: after `run()` finished successfully. */
  onAfterLaunch(): void | Promise<void> {}

  /** The computation. Save results with `saveFile`; they are what later `get()`s read. */
  run(): void | Promise<void> {}

  /** Writes the record (once). If another process stored the same run first, this interface becomes that record. */
  async materialize(): Promise<this> {
    await ((await this.joined()) as Session<Interface<object>>).instances.materialize(this);
    return this;
  }

  /** Alias of `materialize()`. */
  commit(): Promise<this> {
    return this.materialize();
  }

  /**
   * Materializes, then computes through the current execution unless the record is computed
   * already (a cached no-op). Inside `execution.within(...)` the interface is collected and
   * computed when the block ends; otherwise now, in this process. Each computation is a run
   * record (an `Execution`) under this record; a run that throws stores its error there, leaves
   * the interface uncomputed (a later launch retries) and rejects.
   */
  launch(): Promise<this> {
    // Without an await of its own when the interface has its session: a launch is a hot path.
    const session = this[HANDLE].session as Session<Interface<object>> | undefined;
    const launched = session ? session.launcher.launch(this) : this.joined().then((joined) => (joined as Session<Interface<object>>).launcher.launch(this));
    return launched as Promise<this>;
  }

  /**
   * Finds or configures an interface derived from this one: like `get()`, scoped under this
   * (materialized) record and joined to it by a derivation edge.
   *
   * @example
   * const child = await sweep.derive('train', { lr: 0.01 }); await child.launch();
   */
  async derive<T extends Interface<object> = Interface>(target: Target<T>, version?: VersionSpec): Promise<T> {
    this.requireMaterialized('derive()');
    const child = await (this.session() as Session<Interface<object>>).instances.configure(target, version, this);
    if (!(child instanceof Interface)) {
      throw new RelationError(`cannot derive ${String((child as Element).module)} from ${this.module}: it is an Element, which is never stored; derive an Interface`);
    }
    return child;
  }

  /** The interface this one was derived from, or undefined. */
  get ancestor(): Promise<Interface | undefined> {
    return this.related('ancestor').then((found) => found.last());
  }

  /** The interfaces derived from this one (stored ones), oldest first. */
  derived(): Promise<InterfaceCollection<Interface>> {
    return this.related('derived');
  }

  /** The chain of ancestors, nearest first: parent, grandparent, ... (empty for an underived record). */
  async lineage(): Promise<InterfaceCollection<Interface>> {
    const chain: Interface[] = [];
    const seen = new Set<string>([this.uuid]);
    for (let next = await this.ancestor; next && !seen.has(next.uuid); next = await next.ancestor) {
      seen.add(next.uuid);
      chain.push(next);
    }
    return new InterfaceCollection(chain);
  }

  /**
   * Records that this interface uses `other` (a dataset, a trained model), in both records' edge
   * logs and the index; both must be materialized.
   *
   * @example
   * await evaluation.use(trained); (await trained.usedBy()).first()?.uuid === evaluation.uuid; // true
   */
  async use(other: Interface<object>): Promise<this> {
    const stored = this.requireMaterialized('use()');
    if (!other.record) throw new InterfaceStateError(`use() needs a stored record on both sides, but ${other.module} is not materialized; call await materialize() on it first`);
    if (other.uuid === this.uuid) throw new RelationError(`${this.module} (${this.uuid}) cannot use itself`);
    await (this.session() as Session<Interface<object>>).store.relations.relate(stored, other.record);
    return this;
  }

  /** The interfaces this one uses (see `use()`), oldest edge first. */
  uses(): Promise<InterfaceCollection<Interface>> {
    return this.related('uses');
  }

  /** The interfaces that use this one (see `use()`), oldest edge first. */
  usedBy(): Promise<InterfaceCollection<Interface>> {
    return this.related('used_by');
  }

  /** Every related interface, each once: of one relation (`ancestor`, `derived`, `uses`, `used_by`), else of all. */
  async related(relation?: RelationFn): Promise<InterfaceCollection<Interface>> {
    const stored = this.record;
    if (!stored) return new InterfaceCollection();
    const session = (this.session() as Session<Interface<object>>);
    const ids: string[] = [];
    for (const fn of relation === undefined ? (['ancestor', 'derived', 'uses', 'used_by'] as const) : [relation]) ids.push(...(await relatedIds(session.store, stored, fn)));
    const items: Interface[] = [];
    for (const id of new Set(ids)) {
      const item = (await session.instances.byId(id)) as Interface | undefined;
      if (item) items.push(item);
    }
    return new InterfaceCollection(items);
  }

  /** The lines of this record's edge log (`related/metadata.jsonl`), each once, optionally of one side (`uses`, ...). */
  edges(fn?: string): EdgeLine[] {
    const stored = this.record;
    if (!stored) return [];
    const edges = now((this.session() as Session<Interface<object>>).store.relations.edges(stored), 'edges()', 'await run.async.edges()');
    return fn === undefined ? edges : edges.filter((edge) => edge.fn === fn);
  }


  /** The latest run record (the execution computing or having computed this), if any. */
  get execution(): RunRecord | undefined {
    const stored = this.record;
    if (!stored) return undefined;
    const { store, instances } = (this.session() as Session<Interface<object>>);
    const row = now(store.runs.latest(stored.header.uuid), 'execution', 'await run.async.execution()');
    const run = row && now(store.readRow(row), 'execution', 'await run.async.execution()');
    return run ? (instances.fromStoredNow(run) as RunRecord) : undefined;
  }

  /** Every run record of this interface, oldest first. */
  async executions(): Promise<InterfaceCollection<RunRecord>> {
    const stored = this.record;
    if (!stored) return new InterfaceCollection();
    const { store, instances } = (this.session() as Session<Interface<object>>);
    return new InterfaceCollection((await instances.fromRows(await store.runs.all(stored.header.uuid))) as RunRecord[]);
  }

  /** When the latest run started computing. */
  startedAt(): Date | undefined {
    return this.execution?.startedAt();
  }

  /** When the latest run finished (successfully). */
  finishedAt(): Date | undefined {
    return this.status() === 'finished' ? this.execution?.finishedAt() : undefined;
  }

  isStarted(): boolean {
    return this.startedAt() !== undefined;
  }

  /** True when the latest run finished without error. */
  isFinished(): boolean {
    return this.status() === 'finished';
  }

  /** True while the latest run computes (started, not finished, heartbeat fresh). */
  isLive(): boolean {
    return this.status() === 'live';
  }

  /** The error stored by the latest run, if it failed. */
  failure(): RunFailure | undefined {
    return this.execution?.failure();
  }

  /**
   * How this result came to be, as plain JSON (the reference's provenance graph): this record,
   * what it derives from and uses, its run records, and the code state each ran at.
   *
   * @example
   * (await get('train', { lr: 0.1 })).provenance().links.filter((l) => l.rel === 'manifest'); // run → code state
   */
  provenance(options?: ProvenanceOptions): ProvenanceGraph {
    const stored = this.requireMaterialized('provenance()');
    return now(provenanceGraph((this.session() as Session<Interface<object>>).store.index, stored.header.uuid, options), 'provenance()', 'await provenanceGraph(index, id)');
  }

  /** What the latest run printed to stdout and stderr (its run record's `output.log`), as far as it got. */
  output(): string | undefined {
    return this.execution?.output();
  }

  /**
   * Cancels the latest run, which must not be finished: a scheduler's job is cancelled, a run
   * computing in a process of this host is sent SIGTERM, and the run record is marked `cancelled`
   * (see `Execution.cancel()`). A later launch computes it anew. A process busy in synchronous
   * code takes the signal only when it next awaits: `machinable cancel` sends SIGKILL after a
   * grace period; here, `result.pid` names the process to end by other means if it must.
   *
   * @example
   * run.cancel(); // { run: 'r4Nd0mRunId1', was: 'pending', job: '1234', already: false }
   */
  cancel(): CancelResult {
    const run = this.execution;
    if (!run) throw new InterfaceStateError(`${this.module} ${this.uuid} has no run to cancel: it was never launched`);
    return run.cancel();
  }

  /**
   * `pending`, `live`, `died`, `finished`, `failed` or `cancelled`: the latest run's state.
   * Without a run, an interface marked computed reads as `finished`, else `pending`.
   */
  status(): RunStatus {
    const stored = this.record;
    if (!stored) return 'pending';
    return now((this.session() as Session<Interface<object>>).store.runs.statusOf(stored.header.uuid, stored.location, stored.header.kind), 'status()', 'await run.async.status()');
  }













  /** Loads the record stored in a directory (of this project's storage or any other), importing its module. */
  static async fromDirectory(path: string): Promise<Interface> {
    const session = (await ambientSource().session()) as Session<Interface<object>>;
    return session.instances.fromLocation(path.includes('://') ? path : `file://${resolve(path)}`) as Promise<Interface>;
  }



}


/**
 * A run record as an interface's `execution` gives it: an `Execution` record, with the markers of
 * its computation. (Declared here, where `Interface` is, so the facade names its run records
 * without importing the execution layer above it.)
 */
export interface RunRecord extends Interface<object> {
  /** The seed of the run. */
  readonly seed: number;
  /** A memorable name (`chocolate_mosquito`). */
  readonly nickname: string;
  /** Resources of the run, as recorded. */
  readonly resources: JsonObject | null;
  /** The run's status markers as they are on disk. */
  markers(): Markers;
  dispatchedAt(): Date | undefined;
  heartbeatAt(): Date | undefined;
  resumedAt(): Date | undefined;
  /** True when the run was started before and is being (or was) continued. */
  isResumed(): boolean;
  cancelledAt(): Date | undefined;
  /** The run state, with a failed run told apart as `failed` and a cancelled one as `cancelled`. */
  status(now?: Date): RunStatus;
}
