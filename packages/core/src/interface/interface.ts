import { resolve } from 'node:path';
import type { VersionSpec } from '../config/version.js';
import { decodeFile, encodeFile } from '../files/file-codecs.js';
import { type EdgeLine, type RelationFn } from '../format/edges.js';
import { FORMAT_FILES, RELATED_DIRECTORY } from '../format/layout.js';
import { predicateKey } from '../format/keys.js';
import type { JsonObject } from '../format/model.js';
import { newRecordId, shortId } from '../format/record-id.js';
import type { StoredRecord } from '../format/record.js';
import { CLAIM_FILE, FAILURE_FILE } from '../format/reserved-files.js';
import type { CancelResult, RunFailure, RunStatus } from '../format/run-status.js';
import type { Markers } from '../format/run-state.js';
import { configIdentity } from '../identity/identity.js';
import { toPlainNumbers, type JsonValue } from '../json/json.js';
import { InterfaceStateError, MachinableError, RelationError } from '../kernel/errors.js';
import { now } from '../kernel/maybe.js';
import { deepFreeze } from '../config/freeze.js';
import { ambientSource } from './ambient.js';
import { AsyncView } from './async-view.js';
import { InterfaceCollection } from './collection.js';
import { Element, resolutionOf } from './element.js';
import { HANDLE, newHandle, type Handle } from './handle.js';
import { relatedIds } from './related-ids.js';
import type { Session, Target } from './session.js';
import type { ComputeResources } from './compute-resources.js';

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
export class Interface<C extends object = Record<string, unknown>> extends Element<C> {
  static override kind = 'Interface';
  /** @internal how records list this class in `inherits`. */
  static readonly frameworkModule: string = 'machinable.interface';

  /** @internal the project session and record slot (see `handle.ts`). */
  readonly [HANDLE]: Handle = newHandle();
  #markers = new Map<string, unknown>();

  /** The record id: 12 characters of base62, known before materialize and kept by it. */
  get uuid(): string {
    const { slot } = this[HANDLE];
    return slot.stored?.header.uuid ?? (slot.id ??= newRecordId());
  }

  /** Short id for display (the record id itself for format-v1 ids). */
  get id(): string {
    return shortId(this.uuid);
  }

  /** True once the record is written (or was found stored). */
  get isMaterialized(): boolean {
    return this[HANDLE].slot.stored !== undefined;
  }

  /** The stored record (`id.json`, `model.json`, location), once materialized. */
  get record(): StoredRecord | undefined {
    return this[HANDLE].slot.stored;
  }

  /** Hash of module and canonical config: what makes two requests the same run. */
  get identityKey(): string {
    const handle = this[HANDLE];
    if (handle.slot.stored) return handle.slot.stored.header.identity_key;
    if (handle.identityKey === undefined) {
      const { resolved, schema } = resolutionOf(this);
      handle.identityKey = configIdentity(this.module, resolved, schema).key;
    }
    return handle.identityKey;
  }

  /** Values beyond the config that distinguish runs: the enclosing scopes and `onComputePredicate()`. */
  get predicate(): JsonObject {
    const { slot } = this[HANDLE];
    slot.predicate ??= deepFreeze(this.onComputePredicate() as JsonObject);
    return slot.predicate;
  }

  /** 32 hex characters of the predicate's hash (for a run record: its dispatch time). */
  get predicateKey(): string {
    return this[HANDLE].slot.stored?.header.predicate_key ?? predicateKey(this.predicate);
  }

  /** The human-facing label (see `setLabel()`); null when none is set. */
  get label(): string | null {
    return this.record?.model.label ?? null;
  }

  /** Who created the record (the OS user name). */
  get createdBy(): string | null {
    return this.record?.model.created_by ?? null;
  }

  /** When the record was created. */
  get createdAt(): Date | undefined {
    const ns = this.record?.model.created_at_ns;
    return ns === null || ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** When the record last changed through machinable (its `updated_at` marker, read now). */
  get updatedAt(): Date | undefined {
    const stored = this.record;
    const ns = stored && now(this.session().store.files.updatedAt(stored), 'updatedAt', 'await run.async.updatedAt()');
    return ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** The awaitable forms of the conveniences that read the record now, for a storage that answers asynchronously. */
  get async(): AsyncView {
    return new AsyncView(this[HANDLE], this.module, checkFileName);
  }

  /** Hook: extra values (not config) that make runs distinct, e.g. `{ dataset: hashOf(files) }`. */
  onComputePredicate(): Record<string, unknown> {
    return {};
  }

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
    await (await this.joined()).instances.materialize(this);
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
  async launch(): Promise<this> {
    await (await this.joined()).launcher.launch(this);
    return this;
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
    const child = await this.session().instances.configure(target, version, this);
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
    await this.session().store.relations.relate(stored, other.record);
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
    const session = this.session();
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
    const edges = now(this.session().store.relations.edges(stored), 'edges()', 'await run.async.edges()');
    return fn === undefined ? edges : edges.filter((edge) => edge.fn === fn);
  }

  /** The contexts (scopes, executions) the record was made in, outermost first: `[[module, version], ...]`. */
  get context(): JsonValue[] {
    const { slot } = this[HANDLE];
    return toPlainNumbers(slot.stored ? slot.stored.model.context : ((slot.context ?? []) as unknown as JsonValue[]));
  }

  /** The latest run record (the execution computing or having computed this), if any. */
  get execution(): RunRecord | undefined {
    const stored = this.record;
    if (!stored) return undefined;
    const { store, instances } = this.session();
    const row = now(store.runs.latest(stored.header.uuid), 'execution', 'await run.async.execution()');
    const run = row && now(store.readRow(row), 'execution', 'await run.async.execution()');
    return run ? (instances.fromStoredNow(run) as RunRecord) : undefined;
  }

  /** Every run record of this interface, oldest first. */
  async executions(): Promise<InterfaceCollection<RunRecord>> {
    const stored = this.record;
    if (!stored) return new InterfaceCollection();
    const { store, instances } = this.session();
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

  /** What the latest run printed to stdout and stderr (its run record's `output.log`), as far as it got. */
  output(): string | undefined {
    return this.execution?.output();
  }

  /**
   * Cancels the latest run, which must not be finished: a scheduler's job is cancelled, a run
   * computing in a process of this host is sent SIGTERM, and the run record is marked `cancelled`
   * (see `Execution.cancel()`). A later launch computes it anew.
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
    return now(this.session().store.runs.statusOf(stored.header.uuid, stored.location, stored.header.kind), 'status()', 'await run.async.status()');
  }

  /** True when the record has been computed (its `cached` marker is set). */
  cached(): boolean;
  /** `cached(true)` marks the record computed without running it; `cached(false)` makes the next launch compute it. */
  cached(value: boolean): this;
  cached(value?: boolean): boolean | this {
    const stored = this.record;
    if (value === undefined) return stored !== undefined && now(this.session().store.files.isCached(stored.location), 'cached()', 'await run.async.cached()');
    this.requireMaterialized(`cached(${value})`);
    now(this.session().store.files.setCached(stored!, value), `cached(${value})`, `await run.async.setCached(${value})`);
    return this;
  }

  /** Sets the human-facing label (`null` removes it): in `model.json` and the index; config and identity never change. */
  setLabel(label: string | null): this {
    const stored = this.requireMaterialized('setLabel()');
    this[HANDLE].slot.stored = now(this.session().store.files.setLabel(stored, label), 'setLabel()', 'await run.async.setLabel()');
    return this;
  }

  /** True when this index hides the record (from `find`, `ls` and lookups, unless asked for); an overlay, never written to the record. */
  get hidden(): boolean {
    const stored = this.record;
    return stored !== undefined && now(this.session().store.files.isHidden(stored.header.uuid), 'hidden', 'await run.async.hidden()');
  }

  /** Hides the record in this index (see `hidden`); `reason` goes into the overlay's private notes. */
  hide(reason = 'user'): this {
    const stored = this.requireMaterialized('hide()');
    now(this.session().store.files.setHidden(stored.header.uuid, true, reason), 'hide()', 'await run.async.hide()');
    return this;
  }

  /** Shows a hidden record again. */
  unhide(): this {
    const stored = this.requireMaterialized('unhide()');
    now(this.session().store.files.setHidden(stored.header.uuid, false), 'unhide()', 'await run.async.unhide()');
    return this;
  }

  /** Declares a change made to the record's files by other means: bumps its `updated_at`. */
  touch(): this {
    const stored = this.requireMaterialized('touch()');
    now(this.session().store.files.touch(stored, true), 'touch()', 'await run.async.touch()');
    return this;
  }

  /** The record's directory (joined with `parts`); the record must be materialized. */
  localDirectory(...parts: string[]): string {
    const base = this.session().store.storage.directory(this.requireMaterialized('localDirectory()').location);
    return parts.length ? [base, ...parts].join('/') : base;
  }

  /** The record's own files (paths relative to its directory; child records left out). */
  files(): string[] {
    return now(this.session().store.files.list(this.requireMaterialized('files()')), 'files()', 'await run.async.files()');
  }

  /**
   * Saves a file, encoded by extension (`.json`, `.jsonl`, `.npy`, `.bin`, text otherwise).
   * Before materialize it is buffered and written with the record. Returns the path (or name).
   */
  saveFile(name: string, data: unknown): string {
    checkFileName(name);
    const bytes = encodeFile(name, data);
    const { slot } = this[HANDLE];
    if (!slot.stored) {
      slot.pending.set(name, bytes);
      return name;
    }
    now(this.session().store.files.writeFile(slot.stored, name, bytes), `saveFile('${name}')`, `await run.async.saveFile('${name}', data)`);
    return this.localDirectory(name);
  }

  /** Loads a file saved with `saveFile`; `fallback` (if given) when it does not exist, else an error. */
  loadFile<T = unknown>(name: string, fallback?: T): T {
    const { slot } = this[HANDLE];
    const bytes = slot.stored ? now(this.session().store.files.readFile(slot.stored, name), `loadFile('${name}')`, `await run.async.loadFile('${name}')`) : slot.pending.get(name);
    if (bytes === undefined) {
      if (arguments.length > 1) return fallback as T;
      const where = slot.stored ? this.localDirectory() : `${this.module} (not materialized yet)`;
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
    const session = (await ambientSource().session()) as Session<Interface<object>>;
    return session.instances.fromLocation(path.includes('://') ? path : `file://${resolve(path)}`) as Promise<Interface>;
  }

  /** The session of this interface's project; an error for one that never joined a project (made with `new`, not materialized). */
  protected session(): Session<Interface<object>> {
    const { session } = this[HANDLE];
    if (!session) throw new InterfaceStateError(`${this.module} belongs to no project yet: ask for it with get(...), or materialize() it first`);
    return session as Session<Interface<object>>;
  }

  /** The session, joining the current project's first when this interface was made with `new`. */
  protected async joined(): Promise<Session<Interface<object>>> {
    const handle = this[HANDLE];
    if (!handle.session) {
      const session = (await ambientSource().session()) as Session<Interface<object>>;
      await session.instances.adopt(this);
    }
    return handle.session as Session<Interface<object>>;
  }

  protected requireMaterialized(what: string): StoredRecord {
    const stored = this[HANDLE].slot.stored;
    if (!stored) throw new InterfaceStateError(`${what} needs a stored record, but ${this.module} is not materialized; call await materialize() (or launch()) first`);
    return stored;
  }
}

function checkFileName(name: string): void {
  const first = name.split('/')[0] ?? '';
  if (FORMAT_FILES.has(name) || first === RELATED_DIRECTORY || name === FAILURE_FILE || name === CLAIM_FILE) {
    throw new MachinableError(`'${name}' is kept by machinable for the record itself; save your data under another name`);
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
