import { resolve } from 'node:path';
import type { VersionSpec } from '../config/version.js';
import { currentExecution } from '../context/execution-context.js';
import { InterfaceStateError, MachinableError, RelationError } from '../kernel/errors.js';
import { parseEdgeLog, RELATIONS, type EdgeLine, type RelationFn } from '../format/edges.js';
import { EDGE_LOG_FILE, FORMAT_FILES, RELATED_DIRECTORY, UPDATED_AT_FILE } from '../format/layout.js';
import { timestampNs } from '../format/timestamp.js';
import { provenanceGraph, type ProvenanceGraph, type ProvenanceOptions } from '../store/provenance-graph.js';
import { newRecordId, shortId } from '../format/record-id.js';
import type { StoredRecord } from '../format/record.js';
import { predicateKey } from '../format/keys.js';
import type { RunState } from '../format/run-state.js';
import { configIdentity } from '../identity/identity.js';
import { decodeFile, encodeFile } from '../files/file-codecs.js';
import type { JsonObject } from '../format/model.js';
import { toPlainNumbers, type JsonValue } from '../json/json.js';
import { newRecordState, RECORD, takeClaimAtCreation, type RecordState } from '../store/record-state.js';
import { releaseClaim } from '../store/claims.js';
import { CLAIM_FILE, FAILURE_FILE } from '../format/reserved-files.js';
import type { Records, Target } from '../store/records.js';
import { InterfaceCollection } from './collection.js';
import { Element, resolutionOf } from './element.js';
import { deepFreeze } from '../config/freeze.js';
import type { Execution } from '../execution/execution.js';
import type { CancelResult } from '../execution/cancel.js';
import type { ComputeResources } from '../execution/compute-resources.js';

/**
 * Where a run stands. The format's run states (`pending`, `live`, `died`, `finished`), with a run
 * that finished by throwing told apart as `failed`, and one that was cancelled (`cancel()`) as
 * `cancelled`.
 */
export type RunStatus = RunState | 'failed' | 'cancelled';

/** The error a failed run stored (`failure.json` in its run record). */
export interface RunFailure {
  readonly message: string;
  readonly name: string;
  readonly stack?: string;
  readonly at: string;
}


/**
 * A unit of research with a stored record: the same module and config always find the same record,
 * so launching it computes once and every later `get()` reloads the result.
 *
 * @example
 * export default class Train extends Interface<TrainConfig> { static Config = TrainConfig; async run() { ... } }
 * const run = await get('train', { seed: 1 }); await run.launch();
 */
export class Interface<C extends object = Record<string, unknown>> extends Element<C> {
  static override kind = 'Interface';
  /** @internal how records list this class in `inherits`. */
  static readonly frameworkModule: string = 'machinable.interface';

  /** @internal the records layer's slot (see `records/record-state.ts`). */
  readonly [RECORD]: RecordState = newRecordState();

  #identityKey?: string;
  #markers = new Map<string, unknown>();

  /** The record id: 12 characters of base62, known before materialize and kept by it. */
  get uuid(): string {
    const state = this[RECORD];
    return state.stored?.header.uuid ?? (state.id ??= newRecordId());
  }

  /** Short id for display (the record id itself for format-v1 ids). */
  get id(): string {
    return shortId(this.uuid);
  }

  /** True once the record is written (or was found stored). */
  get isMaterialized(): boolean {
    return this[RECORD].stored !== undefined;
  }

  /** The stored record (`id.json`, `model.json`, location), once materialized. */
  get record(): StoredRecord | undefined {
    return this[RECORD].stored;
  }

  /** Hash of module and canonical config: what makes two requests the same run. */
  get identityKey(): string {
    const stored = this[RECORD].stored;
    if (stored) return stored.header.identity_key;
    if (this.#identityKey === undefined) {
      const { resolved, schema } = resolutionOf(this);
      this.#identityKey = configIdentity(this.module, resolved, schema).key;
    }
    return this.#identityKey;
  }

  /** Values beyond the config that distinguish runs: the enclosing scopes and `onComputePredicate()`. */
  get predicate(): JsonObject {
    const state = this[RECORD];
    state.predicate ??= deepFreeze(this.onComputePredicate() as JsonObject);
    return state.predicate;
  }

  /** 32 hex characters of the predicate's hash (for a run record: its dispatch time). */
  get predicateKey(): string {
    return this[RECORD].stored?.header.predicate_key ?? predicateKey(this.predicate);
  }

  /** The human-facing label (see `setLabel()`); null when none is set. */
  get label(): string | null {
    return this[RECORD].stored?.model.label ?? null;
  }

  /** Who created the record (the OS user name). */
  get createdBy(): string | null {
    return this[RECORD].stored?.model.created_by ?? null;
  }

  /** When the record was created. */
  get createdAt(): Date | undefined {
    const ns = this[RECORD].stored?.model.created_at_ns;
    return ns === null || ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** When the record last changed through machinable (its `updated_at` marker, read now). */
  get updatedAt(): Date | undefined {
    const { stored, records } = this[RECORD];
    const text = stored && records?.storage.readFile(stored.location, UPDATED_AT_FILE)?.toString('utf8');
    const ns = text ? timestampNs(text) : undefined;
    return ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** Hook: extra values (not config) that make runs distinct, e.g. `{ dataset: hashOf(files) }`. */
  onComputePredicate(): Record<string, unknown> {
    return {};
  }

  /**
   * Hook: what a run of this interface needs from a cluster (CPUs, memory, time, GPUs, a
   * partition, any other sbatch option). A cluster execution (`Slurm`) merges it under its own
   * config, so an explicit `new Slurm({ time: '1:00:00' })` wins over it, and records the result
   * in the run record's predicate (`resources`). Local executions ignore it.
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

  /**
   * Writes the record (once): its directory in the storage and its row in the index. If another
   * process stored the same run first, this interface becomes that record.
   */
  async materialize(): Promise<this> {
    const records = this[RECORD].records ?? (await this.records());
    await records.materialize(this);
    return this;
  }

  /** Alias of `materialize()`. */
  commit(): Promise<this> {
    return this.materialize();
  }

  /**
   * Materializes, then computes through the current execution unless the record is computed
   * already (a cached no-op). Inside `execution.within(...)` the interface is collected and
   * computed when the block ends; otherwise it is computed now, in this process. Each
   * computation is a run record (an `Execution`) under this record; a run that throws stores
   * its error there, leaves the interface uncomputed (a later launch retries) and rejects.
   */
  async launch(): Promise<this> {
    const execution = currentExecution<Interface<object>>();
    if (execution) {
      await this.materialize();
      execution.queue(this);
      return this;
    }
    // Computed here and now: a record this launch creates is created claimed (no other process
    // can claim it in between); one that exists is claimed by the computation, if not cached.
    const records = this[RECORD].records ?? (await this.records());
    try {
      await records.materialize(this, { claim: true });
      await records.defaultExecution().dispatch([this]);
    } finally {
      // A claim the computation did not take over (a hook threw, or it never started) is given back.
      if (takeClaimAtCreation(this)) releaseClaim(records, this);
    }
    return this;
  }

  /**
   * Finds or configures an interface derived from this one: like `get()`, but the record is
   * scoped under this one (nested in its directory, `parent` in its header) and joined to it by a
   * derivation edge, so the same config derived from two interfaces is two records, and deriving
   * again finds the same one. This interface must be materialized.
   *
   * @example
   * const child = await sweep.derive('train', { lr: 0.01 });
   * await child.launch(); // (await child.ancestor)?.uuid === sweep.uuid
   */
  async derive<T extends Interface<object> = Interface>(target: Target<T>, version?: VersionSpec): Promise<T> {
    this.requireMaterialized('derive()');
    const child = await this.records().then((r) => r.configure(target, version, this));
    if (!(child instanceof Interface)) {
      throw new RelationError(`cannot derive ${String((child as Element).module)} from ${this.module}: it is an Element, which is never stored; derive an Interface`);
    }
    return child;
  }

  /**
   * The interface this one was derived from, or undefined.
   *
   * @example
   * (await (await sweep.derive('train', { lr: 0.01 })).ancestor)?.uuid === sweep.uuid; // true
   */
  get ancestor(): Promise<Interface | undefined> {
    const id = this.relatedIds('ancestor').at(-1);
    return id === undefined ? Promise.resolve(undefined) : this[RECORD].records!.byId(id);
  }

  /**
   * The interfaces derived from this one (stored ones), oldest first.
   *
   * @example
   * await (await sweep.derive('train', { lr: 0.01 })).materialize();
   * (await sweep.derived()).length; // 1
   */
  derived(): Promise<InterfaceCollection<Interface>> {
    return this.relatedBy('derived');
  }

  /**
   * The chain of ancestors, nearest first: parent, grandparent, ... (empty for an underived record).
   *
   * @example
   * (await grandchild.lineage()).map((i) => i.module); // ['a', 'root']
   */
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
   * Records that this interface uses `other` (a dataset, a trained model): the edge goes into both
   * records' edge logs and the index. Both must be materialized; using the same interface again
   * does nothing.
   *
   * @example
   * await evaluation.use(trained);
   * (await trained.usedBy()).first()?.uuid === evaluation.uuid; // true
   */
  async use(other: Interface<object>): Promise<this> {
    this.requireMaterialized('use()');
    if (!other.isMaterialized) {
      throw new InterfaceStateError(`use() needs a stored record on both sides, but ${other.module} is not materialized; call await materialize() on it first`);
    }
    if (other.uuid === this.uuid) throw new RelationError(`${this.module} (${this.uuid}) cannot use itself`);
    this[RECORD].records!.relate('uses', this, other);
    return this;
  }

  /** The interfaces this one uses (see `use()`), oldest edge first. */
  uses(): Promise<InterfaceCollection<Interface>> {
    return this.relatedBy('uses');
  }

  /** The interfaces that use this one (see `use()`), oldest edge first. */
  usedBy(): Promise<InterfaceCollection<Interface>> {
    return this.relatedBy('used_by');
  }

  /**
   * Every related interface, each once: with a relation (`'ancestor'`, `'derived'`, `'uses'`,
   * `'used_by'`) only those, else all of them, in that order.
   */
  async related(relation?: RelationFn): Promise<InterfaceCollection<Interface>> {
    const wanted: RelationFn[] = relation === undefined ? ['ancestor', 'derived', 'uses', 'used_by'] : [relation];
    return this.load(wanted.flatMap((fn) => this.relatedIds(fn)));
  }

  /**
   * The lines of this record's edge log (`related/metadata.jsonl`), each once, optionally only
   * those one side wrote (`'uses'`, `'used_by'`, `'derived'`, `'ancestor'`).
   *
   * @example
   * run.edges('uses').map((edge) => edge.related_uuid); // ids of what run uses
   */
  edges(fn?: string): EdgeLine[] {
    if (!this.isMaterialized) return [];
    const text = this[RECORD].records!.readFile(this, EDGE_LOG_FILE)?.toString('utf8') ?? '';
    const edges = parseEdgeLog(text);
    return fn === undefined ? edges : edges.filter((edge) => edge.fn === fn);
  }

  private relatedBy(fn: RelationFn): Promise<InterfaceCollection<Interface>> {
    return this.load(this.relatedIds(fn));
  }

  /**
   * Ids related through one side of a relation, oldest edge first: as this record's edge log
   * lists them (the log is append-only, so its order is the order of creation), then any the index
   * knows from other records' logs.
   */
  private relatedIds(fn: RelationFn): string[] {
    if (!this.isMaterialized) return [];
    const { name, inverse } = RELATIONS[fn];
    const own = this.uuid;
    const other = (edge: { uuid: string; related_uuid: string }): string => (inverse ? edge.uuid : edge.related_uuid);
    const logged = this.edges(fn).filter((edge) => (inverse ? edge.related_uuid : edge.uuid) === own).map(other);
    const indexed = this[RECORD].records!.relatedIds(own, name, inverse);
    return [...new Set([...logged, ...indexed])].filter((id) => id !== own);
  }

  private async load(ids: readonly string[]): Promise<InterfaceCollection<Interface>> {
    const items: Interface[] = [];
    for (const id of new Set(ids)) {
      const item = await this[RECORD].records!.byId(id);
      if (item) items.push(item);
    }
    return new InterfaceCollection(items);
  }

  /** The contexts (scopes, executions) the record was made in, outermost first: `[[module, version], ...]`. */
  get context(): JsonValue[] {
    const state = this[RECORD];
    return toPlainNumbers(state.stored ? state.stored.model.context : ((state.context ?? []) as unknown as JsonValue[]));
  }

  /** The latest run record (the execution computing or having computed this), if any. */
  get execution(): Execution | undefined {
    const state = this[RECORD];
    if (!state.stored) return undefined;
    const row = state.records!.latestRunRow(this.uuid);
    const stored = row && state.records!.readRow(row);
    return stored ? state.records!.hydrateSync<Execution>(stored) : undefined;
  }

  /** Every run record of this interface, oldest first. */
  async executions(): Promise<InterfaceCollection<Execution>> {
    const state = this[RECORD];
    if (!state.stored) return new InterfaceCollection<Execution>();
    const rows = state.records!.index.all({ parent_id: this.uuid, kind: 'Execution', include_hidden: true, sort: [{ by: 'created_at_ns', direction: 'asc' }] });
    return new InterfaceCollection(await state.records!.fromRows<Execution>(rows));
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

  /** The error stored by the latest run, if it failed. */
  failure(): RunFailure | undefined {
    return this.execution?.failure();
  }

  /**
   * How this result came to be, as plain JSON (the reference's provenance graph): this record,
   * what it derives from and uses, its run records, and the manifest of the code state each ran
   * at (git commit, uncommitted changes, package versions). Needs a stored record.
   *
   * @example
   * const graph = (await get('train', { lr: 0.1 })).provenance();
   * graph.links.filter((l) => l.rel === 'manifest'); // run → code state
   */
  provenance(options?: ProvenanceOptions): ProvenanceGraph {
    this.requireMaterialized('provenance()');
    return provenanceGraph(this[RECORD].records!, this.uuid, options);
  }

  /**
   * What the latest run printed to stdout and stderr (its run record's `output.log`), as far as
   * it got; undefined before a run printed anything.
   */
  output(): string | undefined {
    return this.execution?.output();
  }

  /**
   * Cancels the latest run, which must not be finished: a Slurm job is cancelled (`scancel`), a
   * run computing in a process of this host is sent SIGTERM, and the run record is marked
   * `cancelled` (see `Execution.cancel()`). A later launch computes it anew.
   *
   * @example
   * run.cancel(); // { run: 'r4Nd0mRunId1', was: 'pending', job: '1234', already: false }
   * run.status(); // 'cancelled'
   */
  cancel(): CancelResult {
    const run = this.execution;
    if (!run) throw new InterfaceStateError(`${this.module} ${this.uuid} has no run to cancel: it was never launched`);
    return run.cancel();
  }

  /** True while the latest run computes (started, not finished, heartbeat fresh). */
  isLive(): boolean {
    return this.status() === 'live';
  }

  /**
   * `pending`, `live`, `died`, `finished`, `failed` or `cancelled`: the latest run's state. Without a run, an
   * interface marked computed reads as `finished`, else `pending`.
   */
  status(): RunStatus {
    const state = this[RECORD];
    return state.stored ? state.records!.statusOf(this.uuid, state.stored.location, state.stored.header.kind) : 'pending';
  }

  /** True when the record has been computed (its `cached` marker is set). */
  cached(): boolean;
  /** `cached(true)` marks the record computed without running it; `cached(false)` makes the next launch compute it. */
  cached(value: boolean): this;
  cached(value?: boolean): boolean | this {
    const state = this[RECORD];
    if (value === undefined) return state.stored !== undefined && state.records!.isCached(this);
    this.requireMaterialized(`cached(${value})`);
    state.records!.setCached(this, value);
    return this;
  }

  /**
   * Sets the human-facing label (`null` removes it): stored in `model.json` and the index; config
   * and identity never change.
   *
   * @example
   * run.setLabel('baseline'); (await find({ label: 'baseline' })).total; // 1
   */
  setLabel(label: string | null): this {
    this.requireMaterialized('setLabel()');
    this[RECORD].records!.setLabel(this, label);
    return this;
  }

  /**
   * True when this index hides the record (from `find`, `ls` and `get()`'s lookups, unless asked
   * for). Hiding is this index owner's own judgment: it is kept in the index overlay only, never
   * written to the record, so it does not travel when the record is shared.
   */
  get hidden(): boolean {
    const state = this[RECORD];
    return state.stored !== undefined && state.records!.index.get(this.uuid)?.hidden === true;
  }

  /** Hides the record in this index (see `hidden`); `reason` goes into the overlay's private notes. */
  hide(reason = 'user'): this {
    this.requireMaterialized('hide()');
    const { index } = this[RECORD].records!;
    index.setHidden(this.uuid, true);
    index.setPrivate(this.uuid, { hidden_reason: reason });
    return this;
  }

  /** Shows a hidden record again. */
  unhide(): this {
    this.requireMaterialized('unhide()');
    const { index } = this[RECORD].records!;
    index.setHidden(this.uuid, false);
    index.setPrivate(this.uuid, { hidden_reason: null });
    return this;
  }

  /** Declares a change made to the record's files by other means: bumps its `updated_at`. */
  touch(): this {
    this.requireMaterialized('touch()');
    this[RECORD].records!.touch(this, true);
    return this;
  }

  /** The record's directory (joined with `parts`); the record must be materialized. */
  localDirectory(...parts: string[]): string {
    this.requireMaterialized('localDirectory()');
    const state = this[RECORD];
    const base = state.records!.storage.directory(state.stored!.location);
    return parts.length ? [base, ...parts].join('/') : base;
  }

  /** The record's own files (paths relative to its directory; child records left out). */
  files(): string[] {
    this.requireMaterialized('files()');
    return this[RECORD].records!.files(this);
  }

  /**
   * Saves a file, encoded by extension (`.json`, `.jsonl`, `.npy`, `.bin`, text otherwise).
   * Before materialize it is buffered and written with the record. Returns the path (or name).
   */
  saveFile(name: string, data: unknown): string {
    checkFileName(name);
    const bytes = encodeFile(name, data);
    const state = this[RECORD];
    if (!state.stored) {
      state.pending.set(name, bytes);
      return name;
    }
    state.records!.writeFile(this, name, bytes);
    return this.localDirectory(name);
  }

  /** Loads a file saved with `saveFile`; `fallback` (if given) when it does not exist, else an error. */
  loadFile<T = unknown>(name: string, fallback?: T): T {
    const state = this[RECORD];
    const bytes = state.stored ? state.records!.readFile(this, name) : state.pending.get(name);
    if (bytes === undefined) {
      if (arguments.length > 1) return fallback as T;
      const where = state.stored ? this.localDirectory() : `${this.module} (not materialized yet)`;
      throw new MachinableError(`no file '${name}' in ${where}; save it with saveFile('${name}', ...) or pass a fallback`);
    }
    return decodeFile(name, bytes) as T;
  }

  /** Sets an in-memory marker (not stored). */
  mark(name: string, value: unknown = true): this {
    this.#markers.set(name, value);
    return this;
  }

  /** Reads an in-memory marker. */
  marker<T = unknown>(name: string): T | undefined {
    return this.#markers.get(name) as T | undefined;
  }

  /** Loads the record stored in a directory (of this project's storage or any other), importing its module. */
  static async fromDirectory(path: string): Promise<Interface> {
    const { Project } = await import('../project/project.js');
    const records = await Project.current().records();
    return records.fromLocation(records.storage.locate([], path.includes('://') ? path : `file://${resolve(path)}`));
  }

  /** @internal The store this interface belongs to; one made with `new` joins the current project's. */
  protected async records(): Promise<Records> {
    const state = this[RECORD];
    if (!state.records) {
      const { Project } = await import('../project/project.js');
      (await Project.current().records()).adopt(this);
    }
    return state.records!;
  }

  protected requireMaterialized(what: string): void {
    if (!this[RECORD].stored) {
      throw new InterfaceStateError(`${what} needs a stored record, but ${this.module} is not materialized; call await materialize() (or launch()) first`);
    }
  }
}

function checkFileName(name: string): void {
  const first = name.split('/')[0] ?? '';
  if (FORMAT_FILES.has(name) || first === RELATED_DIRECTORY || name === FAILURE_FILE || name === CLAIM_FILE) {
    throw new MachinableError(`'${name}' is kept by machinable for the record itself; save your data under another name`);
  }
}
