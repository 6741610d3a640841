import { isDeepStrictEqual } from 'node:util';
import { newUuid } from '../record/uuid.js';
import type { PlainObject } from '../config/plain.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { ConfigurationError, InterfaceStateError, MachinableError, RelationError } from '../errors.js';
import { canonicalJson } from '../identity/canonical-json.js';
import { configIdentity, sha256Hex, IDENTITY_KEY_LENGTH, type ConfigIdentity } from '../identity/identity.js';
import { entryOf, type Index, type IndexEntry } from '../index/index.js';
import { relationsOf } from '../index/reindex.js';
import { Project } from '../project/project.js';
import { decodeFile, encodeFile } from '../record/file-codecs.js';
import { RECORD_FORMAT, STATUS_MARKERS, type RecordId, type RecordModel, type StatusMarker, type StoredRecord } from '../record/record.js';
import type { Storage } from '../storage/storage.js';
import { Element, configClassOf, type ElementClass } from './element.js';
import { deepFreeze } from './freeze.js';
import { BIND, COMPUTE, CONFIGURE, HYDRATE, LOCATE, RELATE, WRITE_RECORD_FILE, WRITE_STATUS } from './internal.js';
import { InterfaceCollection } from './collection.js';
import { configured, hydrated, storedOrForget, type Target } from './instances.js';
import { currentScope } from '../context/scope.js';
import { currentExecution, defaultExecution } from '../context/execution-context.js';
import { hostname } from 'node:os';
import { FAILURE_FILE, PROCESS_FILE, RELATIONS_FILE } from './record-files.js';
import type { VersionSpec } from '../config/version.js';
import type { Execution } from '../execution/execution.js';
import { builtinModule } from '../project/builtins.js';

/** Files a record keeps for itself; user files may not overwrite them. */
const RESERVED = new Set([
  '.machinable', 'id.json', 'model.json', 'updated_at', ...STATUS_MARKERS, FAILURE_FILE, PROCESS_FILE,
]);

/** Seconds between heartbeats while a run computes (`MACHINABLE_HEARTBEAT_SECONDS`, default 15). */
export function heartbeatSeconds(): number {
  const value = Number(process.env['MACHINABLE_HEARTBEAT_SECONDS']);
  return Number.isFinite(value) && value > 0 ? value : 15;
}

/** Where a run's state stands; `died` is a run that started and stopped beating without finishing or failing. */
export type RunStatus = 'pending' | 'running' | 'finished' | 'failed' | 'died';

/** The error a failed run stored. */
export interface RunFailure {
  readonly message: string;
  readonly name: string;
  readonly stack?: string;
  readonly at: string;
}

/** An edge of the record's relation log (`related/metadata.jsonl`). */
export interface RelationEdge {
  readonly relation: string;
  readonly uuid: string;
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

  // Made on first use: an instance that turns out to be a stored record (a cached get) takes
  // the record's uuid and never needs one of its own.
  #ownUuid: string | undefined;
  get #uuid(): string {
    return (this.#ownUuid ??= newUuid());
  }
  set #uuid(uuid: string) {
    this.#ownUuid = uuid;
  }
  #record?: StoredRecord;
  #project?: Project;
  #storage?: Storage;
  #index?: Index;
  #identity?: ConfigIdentity;
  #predicate?: PlainObject;
  #pending = new Map<string, Uint8Array>();
  #markers = new Map<string, unknown>();
  #recompute = false;
  #parent: string | null = null;

  /** Globally unique id (a time-ordered v7 uuid); the record directory's name. */
  get uuid(): string {
    return this.#uuid;
  }

  /** Short id for display: the last 6 characters of the uuid (the time-ordered prefix would repeat). */
  get id(): string {
    return this.#uuid.slice(-6);
  }

  /** True once the record is written. */
  get isMaterialized(): boolean {
    return this.#record !== undefined;
  }

  /** The stored record (id.json, model.json, location), once materialized. */
  get record(): StoredRecord | undefined {
    return this.#record;
  }

  /** Hash of module and canonical config: what makes two requests the same run. */
  get identityKey(): string {
    return this.#record?.id.identity_key ?? this.identity.key;
  }

  /** Values beyond the config that distinguish runs: the enclosing scope and `onComputePredicate()`. */
  get predicate(): PlainObject {
    this.#predicate ??= this.computePredicate();
    return this.#predicate;
  }

  /** @internal configures, and captures the scope the interface was asked for in. */
  override [CONFIGURE](module: string, version: VersionSpec): this {
    super[CONFIGURE](module, version);
    this.#predicate = this.computePredicate();
    return this;
  }

  private computePredicate(): PlainObject {
    const scope = currentScope();
    return deepFreeze({ ...(Object.keys(scope).length > 0 ? { scope } : {}), ...this.onComputePredicate() });
  }

  get predicateKey(): string {
    return this.#record?.id.predicate_key ?? predicateKey(this.predicate);
  }

  /** Hook: extra values (not config) that make runs distinct, e.g. `{ dataset: hashOf(files) }`. */
  onComputePredicate(): PlainObject {
    return {};
  }

  /** Hook: before the record is written. */
  onBeforeMaterialize(): void | Promise<void> {}

  /** Hook: after the record is written (also when it was found stored). */
  onMaterialize(): void | Promise<void> {}

  /** Hook: before `run()`; not called when the launch is cached. */
  onBeforeLaunch(): void | Promise<void> {}

  /** Hook: after `run()` finished successfully. */
  onAfterLaunch(): void | Promise<void> {}

  /** The computation. Save results with `saveFile`; they are what later `get()`s read. */
  run(): void | Promise<void> {}

  /**
   * Writes the record (once): `id.json`, `model.json` and any files saved so far. If another
   * process stored the same run first, this interface becomes that record.
   */
  async materialize(): Promise<this> {
    if (this.#record) return this;
    const [storage, index] = await this.providers();
    await this.onBeforeMaterialize();
    const id: RecordId = {
      format: RECORD_FORMAT,
      uuid: this.#uuid,
      kind: (this.constructor as ElementClass).kind,
      identity_key: this.identity.key,
      predicate_key: predicateKey(this.predicate),
      parent: this.#parent,
    };
    const model = this.model();
    let created: StoredRecord | undefined;
    const claim = index.claim(entryOf(id, model, new Date().toISOString()), () => {
      created = storage.create(id, model, this.#pending);
    });
    // create() hands back the record as a reader would see it, so it is not read again.
    const stored = claim.created ? (created ?? storage.find(id.uuid)) : storage.find(claim.entry.uuid);
    if (!stored) throw new MachinableError(`record ${claim.entry.uuid} is indexed but missing from ${storage.root}; run \`machinable reindex\``);
    if (!claim.created) {
      if (this.#pending.size > 0) {
        process.emitWarning(`${this.module}: another process stored this run first; files saved before materialize (${[...this.#pending.keys()].join(', ')}) were not written`);
      }
      this[HYDRATE](stored, storage, index);
    } else {
      this.#record = stored;
    }
    this.#pending.clear();
    await this.onMaterialize();
    return this;
  }

  /** Alias of `materialize()`. */
  commit(): Promise<this> {
    return this.materialize();
  }

  /**
   * Materializes, then computes through the current execution unless the record is already
   * computed (a cached no-op). Inside `execution.within(...)` the interface is collected and
   * computed when the block ends; otherwise a local execution computes it now. A run that throws
   * stores its error, stays uncomputed (a later launch retries) and rejects the launch.
   */
  async launch(): Promise<this> {
    await this.materialize();
    const execution = currentExecution<Interface<object>>();
    if (execution) {
      execution.queue(this);
      return this;
    }
    if (this.cached()) return this;
    await (await defaultExecution<Interface<object>>()).dispatch([this]);
    return this;
  }

  /** @internal the compute step an execution runs: hooks around `run()`. */
  async [COMPUTE](): Promise<void> {
    await this.onBeforeLaunch();
    await this.run();
    this.#recompute = false;
    await this.onAfterLaunch();
  }

  /** @internal writes status markers (now), and `updated_at` once after them. */
  [WRITE_STATUS](...markers: StatusMarker[]): void {
    this.writeMarker(...markers);
  }

  /** @internal writes a file of the record itself (failure.json, process.json). */
  [WRITE_RECORD_FILE](name: string, data: unknown): void {
    this.storageOrThrow().writeFile(this.#uuid, name, encodeFile(name, data));
  }

  /** @internal appends an edge to the relation log. */
  [RELATE](relation: string, uuid: string): void {
    const edge: RelationEdge = { relation, uuid, at: new Date().toISOString() };
    // The log first: it is the truth, and `reindex()` restores an index entry lost after it.
    this.storageOrThrow().appendLine(this.#uuid, RELATIONS_FILE, JSON.stringify(edge));
    this.#index?.relate([{ from: this.#uuid, relation, to: uuid, createdAt: edge.at }]);
  }

  /**
   * Finds or configures a child of this interface: like `get()`, but the child's record has this
   * one as its `parent`, so the same config derived from two parents is two records, and deriving
   * again finds the same child. This interface must be materialized; the child is returned
   * unmaterialized unless it was stored before.
   *
   * @example
   * const child = await sweep.derive('train', { lr: 0.01 });
   * await child.launch(); // (await child.ancestor)?.uuid === sweep.uuid
   */
  async derive<T extends Interface = Interface>(target: Target<T>, version?: VersionSpec): Promise<T> {
    this.requireMaterialized('derive()');
    const project = this.#project ?? Project.current();
    const child = await configured(project, target, version);
    if (!(child instanceof Interface)) {
      throw new RelationError(`cannot derive ${String((child as Element).module)} from ${this.module}: it is an Element, which is never stored; derive an Interface`);
    }
    return child[LOCATE](project, this.storageOrThrow(), this.#index!, this.#uuid) as T;
  }

  /**
   * The interface this one was derived from (its record's `parent`), or undefined for a
   * top-level record.
   *
   * @example
   * const child = await sweep.derive('train', { lr: 0.01 });
   * (await child.ancestor)?.uuid === sweep.uuid; // true
   */
  get ancestor(): Promise<Interface | undefined> {
    return this.#parent === null ? Promise.resolve(undefined) : this.load(this.#parent);
  }

  /**
   * The interfaces derived from this one (stored children only), oldest first.
   *
   * @example
   * await (await sweep.derive('train', { lr: 0.01 })).materialize();
   * (await sweep.derived()).length; // 1
   */
  async derived(): Promise<InterfaceCollection<Interface>> {
    if (!this.#record) return new InterfaceCollection<Interface>();
    return this.loadAll(this.#index!.findByParent(this.#uuid));
  }

  /**
   * The chain of ancestors, nearest first: parent, grandparent, ... (empty for a top-level record).
   *
   * @example
   * const grandchild = await (await (await root.derive('a')).materialize()).derive('b');
   * (await grandchild.lineage()).map((i) => i.module); // ['a', ...root.module]
   */
  async lineage(): Promise<InterfaceCollection<Interface>> {
    const chain: Interface[] = [];
    const seen = new Set<string>([this.#uuid]);
    for (let next = await this.ancestor; next && !seen.has(next.uuid); next = await next.ancestor) {
      seen.add(next.uuid);
      chain.push(next);
    }
    return new InterfaceCollection(chain);
  }

  /**
   * Records that this interface uses `other` (a dataset, a pretrained model, ...): a `uses` edge
   * in this record's log and a `used_by` edge in the other's, both indexed. Both must be
   * materialized; using the same interface again does nothing.
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
    if (other.uuid === this.#uuid) throw new RelationError(`${this.module} (${this.#uuid}) cannot use itself`);
    if (!this.relations('uses').some((edge) => edge.uuid === other.uuid)) this[RELATE]('uses', other.uuid);
    if (!other.relations('used_by').some((edge) => edge.uuid === this.#uuid)) other[RELATE]('used_by', this.#uuid);
    return this;
  }

  /**
   * The interfaces this one uses (see `use()`), oldest edge first.
   *
   * @example
   * await evaluation.use(trained);
   * (await evaluation.uses()).map((i) => i.uuid); // [trained.uuid]
   */
  uses(): Promise<InterfaceCollection<Interface>> {
    return this.related('uses');
  }

  /**
   * The interfaces that use this one (see `use()`), oldest edge first.
   *
   * @example
   * await evaluation.use(trained);
   * (await trained.usedBy()).map((i) => i.uuid); // [evaluation.uuid]
   */
  usedBy(): Promise<InterfaceCollection<Interface>> {
    return this.related('used_by');
  }

  /**
   * Every related interface, each once, from the index: the relations of the edge log (`uses`,
   * `used_by`, `execution`, ...) plus the `ancestor` and the `derived` children. With a
   * relation name, only those (`'ancestor'` and `'derived'` name the parent links).
   *
   * @example
   * const all = await run.related();           // any relation
   * const users = await run.related('used_by'); // same as usedBy()
   */
  async related(relation?: string): Promise<InterfaceCollection<Interface>> {
    if (!this.#record) return new InterfaceCollection<Interface>();
    const index = this.#index!;
    const uuids: string[] = [];
    if ((relation === undefined || relation === 'ancestor') && this.#parent !== null) uuids.push(this.#parent);
    if (relation === undefined || relation === 'derived') uuids.push(...index.findByParent(this.#uuid).map((e) => e.uuid));
    if (relation !== 'ancestor' && relation !== 'derived') uuids.push(...index.related(this.#uuid, relation).map((r) => r.to));
    const items: Interface[] = [];
    for (const uuid of new Set(uuids)) {
      const found = await this.load(uuid);
      if (found) items.push(found);
    }
    return new InterfaceCollection(items);
  }

  /** A stored interface by uuid, with its module's class, or undefined when the record is gone. */
  private async load(uuid: string): Promise<Interface | undefined> {
    const storage = this.storageOrThrow();
    const record = storage.find(uuid);
    if (!record) return undefined;
    return hydrated(this.#project ?? Project.current(), storage, this.#index!, record);
  }

  private async loadAll(entries: IndexEntry[]): Promise<InterfaceCollection<Interface>> {
    const storage = this.storageOrThrow();
    const items: Interface[] = [];
    for (const entry of entries) {
      const record = storedOrForget(entry, storage, this.#index!);
      if (record) items.push(await hydrated(this.#project ?? Project.current(), storage, this.#index!, record));
    }
    return new InterfaceCollection(items);
  }

  /** The execution that computed (or is computing) this run, if any. */
  get execution(): Execution | undefined {
    const edge = this.relations('execution').at(-1);
    const record = edge && this.storageOrThrow().find(edge.uuid);
    if (!record) return undefined;
    const cls = builtinModule(record.model.module) ?? Interface;
    return (new cls() as Interface)[HYDRATE](record, this.storageOrThrow(), this.#index!) as unknown as Execution;
  }

  /** Edges of the relation log, oldest first (optionally of one relation). */
  relations(relation?: string): RelationEdge[] {
    if (!this.#record) return [];
    // Parsed like reindex() does, so a torn last line (a crash mid-append) is skipped here too.
    const edges: RelationEdge[] = relationsOf(this.storageOrThrow(), this.#uuid).map((r) => ({ relation: r.relation, uuid: r.to, at: r.createdAt }));
    return relation === undefined ? edges : edges.filter((e) => e.relation === relation);
  }

  /** When the run started computing (the latest attempt). */
  startedAt(): Date | undefined {
    return this.statusAt('started_at');
  }

  /** When the run finished computing. */
  finishedAt(): Date | undefined {
    return this.statusAt('finished_at');
  }

  isStarted(): boolean {
    return this.startedAt() !== undefined;
  }

  isFinished(): boolean {
    return this.finishedAt() !== undefined;
  }

  /** The error stored by the latest attempt, if it failed. */
  failure(): RunFailure | undefined {
    if (!this.#record || this.isFinished()) return undefined;
    const failure = this.loadFile<RunFailure | null>(FAILURE_FILE, null);
    const started = this.startedAt();
    return failure && (!started || Date.parse(failure.at) >= started.getTime()) ? failure : undefined;
  }

  /**
   * True while the run computes: started, neither finished nor failed, and its process alive
   * (checked directly on this host, through the heartbeat elsewhere).
   */
  isLive(): boolean {
    if (!this.isStarted() || this.isFinished() || this.failure()) return false;
    const owner = this.loadFile<{ pid: number; host: string } | null>(PROCESS_FILE, null);
    if (owner && owner.host === hostname()) return processAlive(owner.pid);
    const beat = this.statusAt('heartbeat_at') ?? this.startedAt();
    return beat !== undefined && Date.now() - beat.getTime() < 2.5 * heartbeatSeconds() * 1000;
  }

  /** `pending`, `running`, `finished`, `failed`, or `died` (started, then stopped without finishing). */
  status(): RunStatus {
    if (this.isFinished()) return 'finished';
    if (!this.isStarted()) return 'pending';
    if (this.failure()) return 'failed';
    return this.isLive() ? 'running' : 'died';
  }

  /** True when the record has been computed (`finished_at` exists). */
  cached(): boolean;
  /** `cached(true)` marks the record computed without running it; `cached(false)` makes the next launch recompute. */
  cached(value: boolean): this;
  cached(value?: boolean): boolean | this {
    if (value === undefined) {
      if (!this.#record || this.#recompute) return false;
      // As statusAt() reads it: an empty marker (its write cut short by a crash) is unset.
      return this.statusAt('finished_at') !== undefined;
    }
    if (value) {
      this.requireMaterialized('cached(true)');
      this.writeMarker('finished_at');
      this.#recompute = false;
    } else {
      this.#recompute = true;
    }
    return this;
  }

  /** A status marker's time, if set. */
  statusAt(marker: StatusMarker): Date | undefined {
    if (!this.#record) return undefined;
    const text = this.storageOrThrow().readFile(this.#uuid, marker)?.toString('utf8').trim();
    return text ? new Date(text) : undefined;
  }

  /** The record's directory (joined with `parts`); the record must be materialized. */
  localDirectory(...parts: string[]): string {
    this.requireMaterialized('localDirectory()');
    const base = this.storageOrThrow().directory(this.#uuid);
    return parts.length ? [base, ...parts].join('/') : base;
  }

  /**
   * Saves a file, encoded by extension (`.json`, `.jsonl`, `.npy`, `.bin`, text otherwise).
   * Before materialize it is buffered and written with the record. Returns the path (or name).
   */
  saveFile(name: string, data: unknown): string {
    checkFileName(name);
    const bytes = encodeFile(name, data);
    if (!this.#record) {
      this.#pending.set(name, bytes);
      return name;
    }
    this.storageOrThrow().writeFile(this.#uuid, name, bytes);
    return this.localDirectory(name);
  }

  /** Loads a file saved with `saveFile`; `fallback` (if given) when it does not exist, else an error. */
  loadFile<T = unknown>(name: string, fallback?: T): T {
    const bytes = this.#record ? this.storageOrThrow().readFile(this.#uuid, name) : this.#pending.get(name);
    if (bytes === undefined) {
      if (arguments.length > 1) return fallback as T;
      const where = this.#record ? this.localDirectory() : `${this.module} (not materialized yet)`;
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

  /** Loads the record stored in a directory (of this or any storage), importing its module. */
  static async fromDirectory(path: string): Promise<Interface> {
    const project = Project.current();
    const storage = await project.storage();
    const record = storage.read(path);
    const cls = await project.load(record.model.module);
    const instance = (await project.instantiate(cls)) as Interface;
    instance[HYDRATE](record, storage, await project.index());
    return instance;
  }

  /** @internal binds this interface to a stored record. */
  [HYDRATE](record: StoredRecord, storage: Storage, index: Index): this {
    this.#uuid = record.id.uuid;
    this.#record = record;
    this.#parent = record.id.parent;
    this.#predicate = deepFreeze(record.model.predicate);
    this.#storage = storage;
    this.#index = index;
    this.#pending.clear();
    // get() found the record by this config's identity: when the stored resolved config is the
    // very one just resolved (the usual case), resolving it again would give the same result.
    const own = this.peekResolution();
    const { model } = record;
    const resolution =
      own && model.module === this.module && isDeepStrictEqual(own.resolved, model.config.resolved)
        ? { ...own, version: model.version, layers: model.config.version }
        : storedResolution<C>(this.constructor as ElementClass, record);
    this.setResolution(model.module, resolution);
    return this;
  }

  /**
   * @internal binds providers and the parent, then becomes the stored record holding this
   * interface's dedup key `(parent, identity_key, predicate_key)`, if there is one.
   */
  [LOCATE](project: Project, storage: Storage, index: Index, parent: string | null): this {
    this[BIND](project, storage, index);
    this.#parent = parent;
    const entry = index.find({ parent, identityKey: this.identityKey, predicateKey: this.predicateKey });
    const record = entry && storedOrForget(entry, storage, index);
    return record ? this[HYDRATE](record, storage, index) : this;
  }

  /** @internal binds providers (done by `get()`). */
  [BIND](project: Project, storage: Storage, index: Index): void {
    this.#project = project;
    this.#storage = storage;
    this.#index = index;
  }

  private get identity(): ConfigIdentity {
    this.#identity ??= configIdentity(this.module, this.resolution.resolved, this.resolution.schema);
    return this.#identity;
  }

  private model(): RecordModel {
    const r = this.resolution;
    const inherits: string[] = [];
    for (let c: unknown = this.constructor; typeof c === 'function' && c !== Object && c.name; c = Object.getPrototypeOf(c)) {
      inherits.push(c.name);
    }
    return {
      module: this.module,
      config: { default: r.defaults, version: r.layers, update: {}, resolved: r.resolved },
      version: r.version,
      predicate: this.predicate,
      context: {},
      inherits,
    };
  }

  private async providers(): Promise<[Storage, Index]> {
    if (!this.#storage || !this.#index) {
      this.#project ??= Project.current();
      this.#storage = await this.#project.storage();
      this.#index = await this.#project.index();
    }
    return [this.#storage, this.#index];
  }

  private storageOrThrow(): Storage {
    if (!this.#storage) throw new InterfaceStateError(`${this.module} has no storage yet; call materialize() first`);
    return this.#storage;
  }

  private requireMaterialized(what: string): void {
    if (!this.#record) {
      throw new InterfaceStateError(`${what} needs a stored record, but ${this.module} is not materialized; call await materialize() (or launch()) first`);
    }
  }

  private writeMarker(...markers: StatusMarker[]): void {
    const now = new Date().toISOString();
    const storage = this.storageOrThrow();
    for (const marker of markers) storage.writeFile(this.#uuid, marker, now);
    storage.writeFile(this.#uuid, 'updated_at', now);
  }
}

/** Key of a predicate: like the identity key, a 24-hex sha256 of its canonical JSON. */
export function predicateKey(predicate: PlainObject): string {
  const json = canonicalJson(predicate);
  let key = predicateKeys.get(json);
  if (key === undefined) {
    key = sha256Hex(json).slice(0, IDENTITY_KEY_LENGTH);
    if (predicateKeys.size >= 256) predicateKeys.clear();
    predicateKeys.set(json, key);
  }
  return key;
}

// A sweep asks for thousands of runs under one or a few predicates (usually `{}`): each is hashed once.
const predicateKeys = new Map<string, string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function checkFileName(name: string): void {
  const first = name.split('/')[0] ?? '';
  if (RESERVED.has(name) || first === 'related') {
    throw new MachinableError(`'${name}' is kept by machinable for the record itself; save your data under another name`);
  }
}

/**
 * The resolution of a stored record: its resolved config as stored (config methods already
 * computed, so no host), re-typed by the current config class. A record the current class no
 * longer accepts is an error naming the record, not a silent reinterpretation.
 */
function storedResolution<C extends object>(cls: ElementClass, record: StoredRecord): ResolvedConfig<C> {
  const { model } = record;
  try {
    const resolved = resolveConfig(configClassOf<C>(cls), [model.config.resolved]);
    deepFreeze(resolved.config);
    return { ...resolved, version: model.version, layers: model.config.version };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError(
      error.issues,
      `the record at ${record.location} (stored by an earlier ${cls.name}; restore the fields it used or load it with a matching class)`,
    );
  }
}
