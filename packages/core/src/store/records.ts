import { isDeepStrictEqual } from 'node:util';
import { syncNow } from '../kernel/sync-now.js';
import { deepMerge } from '../config/layers.js';
import type { PlainObject } from '../config/plain.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { VersionItem, VersionSpec } from '../config/version.js';
import { contextStack } from '../context/context-stack.js';
import { currentScope } from '../context/scope.js';
import type { Dispatcher } from '../context/execution-context.js';
import {
  ConfigurationError,
  CorruptRecordError,
  MachinableError,
  RecordConflictError,
  RecordExistsError,
  RecordNotFoundError,
} from '../kernel/errors.js';
import { edgeLine, edgeLineText, RELATIONS, type EdgeLine, type RelationFn } from '../format/edges.js';
import type { RecordHeader } from '../format/header.js';
import { pyJson, toPlainNumbers, type JsonValue } from '../json/json.js';
import { pathSegment } from '../format/keys.js';
import { CACHED_FILE, EDGE_LOG_FILE, FORMAT_VERSION, HEADER_FILE, MODEL_FILE, SENTINEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import { KIND_FIELDS, modelObject, REFERENCE_KINDS, type JsonObject, type RecordModel } from '../format/model.js';
import type { StoredRecord } from '../format/record.js';
import { isoTimestamp, nowNs, timestampNs } from '../format/timestamp.js';
import { typedConfig } from '../identity/typed-config.js';
import type { Index, IndexRow, RecordLocation } from '../ports/index.js';
import { ingestItem, rowOf } from './index-row.js';
import { currentUser } from '../kernel/host.js';
import {
  configClassOf,
  configureElement,
  Element,
  peekResolution,
  resolutionOf,
  restoreElement,
  type ElementClass,
} from '../interface/element.js';
import { deepFreeze } from '../config/freeze.js';
import { Interface, type RunStatus } from '../interface/interface.js';
import { runStatusAt } from './run-records.js';
import { claimText } from './claims.js';
import { hasFile, type Storage } from '../ports/storage.js';
import { isThenable } from '../kernel/thenable.js';
import type { ModuleSource } from '../ports/module-source.js';
import { readStored } from './read-stored.js';
import { recordFiles } from './record-files.js';
import { RECORD, storedOf } from './record-state.js';
import { CLAIM_FILE } from '../format/reserved-files.js';

/** What `get()` and `derive()` accept: a module name or an element class. */
export type Target<T extends Element<object>> = string | ElementClass<T>;

/** Where a store's project is, for executions that start processes of their own. */
export interface ProjectPaths {
  readonly directory: string;
  readonly storageRoot: string;
  readonly indexPath: string;
}

/** Options of {@link Records.materialize}. */
export interface MaterializeOptions {
  /**
   * Create the record with its claim (`claim.json`) held by this process, for a caller that
   * computes it here next and then takes the claim over, or gives it back if it does not get
   * that far, a failing `onMaterialize()` included (`launch()` outside any execution). A record
   * that exists already is not claimed here.
   */
  readonly claim?: boolean;
}

/** Options of {@link Records}. */
export interface RecordsOptions {
  readonly project: ProjectPaths;
  readonly storage: Storage;
  readonly index: Index;
  readonly modules: ModuleSource;
  /** The project root's row: top-level records are scoped under it. */
  readonly root: IndexRow;
  /** The execution a plain `launch()` uses. */
  readonly defaultExecution: () => Dispatcher<Interface<object>>;
}

/**
 * The records of one store (a storage and its index), and the one path between them and
 * interface instances: asking for an interface finds its stored record or configures a fresh
 * one, materializing writes it, and every stored record becomes an instance through `hydrate()`.
 * Interfaces are facades over this; they hold a `Records` in their record state.
 *
 * @example
 * const records = await Project.current().records();
 * const run = await records.configure('train', { seed: 1 });
 * await records.materialize(run);
 */
export class Records {
  readonly storage: Storage;
  readonly index: Index;
  readonly root: IndexRow;
  readonly modules: ModuleSource;
  readonly project: ProjectPaths;
  readonly #defaultExecution: () => Dispatcher<Interface<object>>;
  #rootStored = false;

  constructor(options: RecordsOptions) {
    this.storage = options.storage;
    this.index = options.index;
    this.root = options.root;
    this.modules = options.modules;
    this.project = options.project;
    this.#defaultExecution = options.defaultExecution;
  }

  /** The execution a plain `launch()` runs in. */
  defaultExecution(): Dispatcher<Interface<object>> {
    return this.#defaultExecution();
  }

  // ---------------------------------------------------------------------------------------------
  // asking for interfaces

  /**
   * An instance of `target` configured with `version`: the stored record when one holds its
   * dedup key (parent, identity, predicate), else a fresh, unmaterialized interface. Elements are
   * configured and returned as they are (never stored).
   */
  async configure<T extends Element<object>>(target: Target<T>, version: VersionSpec, parent?: Interface<object>): Promise<T> {
    // A loaded module's class without an await: a sweep asks for the same module again and again.
    const cls = typeof target === 'string' ? ((this.modules.loaded(target) ?? (await this.modules.load(target))) as ElementClass<T>) : target;
    const module = typeof target === 'string' ? target : this.modules.moduleOf(cls);
    if (typeof target !== 'string') this.modules.register(module, cls);
    const made = this.modules.newInstance(cls);
    const instance = made instanceof Promise ? await made : made;
    configureElement(instance, module, version);
    if (!(instance instanceof Interface)) return instance;
    const state = instance[RECORD];
    state.records = this;
    state.parentId = parent ? parent.uuid : this.root.record_id;
    if (parent) state.ancestorId = parent.uuid;
    state.predicate = predicateOf(instance);
    state.context = contextStack();
    this.locate(instance);
    return instance;
  }

  /** Binds an interface made outside `configure()` (with `new`) to this store, at the top level. */
  adopt(instance: Interface<object>): void {
    const state = instance[RECORD];
    if (state.records) return;
    state.records = this;
    state.parentId = this.root.record_id;
    state.predicate ??= predicateOf(instance);
    state.context ??= contextStack();
    this.locate(instance);
  }

  /**
   * Becomes the stored record holding the instance's dedup key, if there is one. A top-level
   * record is also found where Python machinable puts one made outside `with Project(dir)` (no
   * parent); a derived one also where the reference's `derive()` puts it (at the top level,
   * joined to its ancestor by a derivation edge).
   */
  private locate(instance: Interface<object>): void {
    const state = instance[RECORD];
    const key = { identity_key: instance.identityKey, predicate_key: instance.predicateKey };
    let row = this.index.lookup({ parent_id: state.parentId, ...key }, { orWithoutParent: state.parentId === this.root.record_id });
    if (!row && state.ancestorId !== undefined) {
      row = this.relatedIds(state.ancestorId, RELATIONS.derived.name, false)
        .map((id) => this.index.get(id))
        .find((candidate) => candidate !== undefined && candidate.identity_key === key.identity_key && candidate.predicate_key === key.predicate_key && !candidate.hidden);
    }
    const stored = row && this.readRow(row);
    if (stored) this.bind(instance, stored);
  }

  /**
   * The record a row points to; undefined (and the row dropped) when its directory is gone. A
   * directory that is there but cannot be read is an error, never a reason to make another.
   */
  readRow(row: RecordLocation): StoredRecord | undefined {
    if (!this.storage.exists(row.storage_uri)) {
      this.index.remove(row.record_id);
      return undefined;
    }
    return readStored(this.storage, row.storage_uri);
  }

  // ---------------------------------------------------------------------------------------------
  // stored records to instances

  /**
   * The one way from a stored record to an instance: its module's class (loaded on demand; a
   * record of a module this project does not have, such as one written by Python machinable,
   * loads as a plain `Interface` of its kind with its config as stored), bound to the record.
   */
  async hydrate<T extends Interface<object> = Interface>(stored: StoredRecord): Promise<T> {
    const module = stored.model.module;
    let cls: ElementClass | undefined;
    if (module !== null) {
      try {
        cls = await this.modules.load(module);
      } catch (error) {
        if (!(error instanceof MachinableError)) throw error;
      }
    }
    return this.hydrateAs<T>(stored, cls);
  }

  /** Like `hydrate()`, without loading modules: a class loaded already, else the kind's base class. */
  hydrateSync<T extends Interface<object> = Interface>(stored: StoredRecord): T {
    const module = stored.model.module;
    return this.hydrateAs<T>(stored, module === null ? undefined : this.modules.loaded(module));
  }

  private hydrateAs<T extends Interface<object>>(stored: StoredRecord, cls: ElementClass | undefined): T {
    const fallback = (stored.model.kind === 'Execution' && this.modules.loaded('machinable.execution')) || Interface;
    const own = cls && cls.prototype instanceof Interface ? cls : undefined;
    const instance = new ((own ?? fallback) as unknown as new () => T)();
    const resolution = own ? storedResolution(own, stored) : looseResolution(stored);
    restoreElement(instance, stored.model.module ?? stored.model.kind, resolution);
    const state = instance[RECORD];
    state.records = this;
    this.bind(instance, stored, false);
    return instance;
  }

  /** The stored interface with this record id (through the index), or undefined. */
  async byId<T extends Interface<object> = Interface>(id: string): Promise<T | undefined> {
    const row = this.index.get(id);
    const stored = row && this.readRow(row);
    return stored ? this.hydrate<T>(stored) : undefined;
  }

  /** The interface stored at a location (a directory of this or any store), without the index. */
  fromLocation<T extends Interface<object> = Interface>(location: string): Promise<T> {
    if (!this.storage.exists(location)) {
      throw new RecordNotFoundError(`no record at ${this.storage.directory(location)}: it has no ${SENTINEL_FILE} sentinel`);
    }
    return this.hydrate<T>(readStored(this.storage, location));
  }

  /** Instances of index rows, in order; rows whose directory is gone are dropped. */
  async fromRows<T extends Interface<object> = Interface>(rows: readonly IndexRow[]): Promise<T[]> {
    const out: T[] = [];
    for (const row of rows) {
      const stored = this.readRow(row);
      if (stored) out.push(await this.hydrate<T>(stored));
    }
    return out;
  }

  /**
   * Binds an instance to a stored record; with `resolve`, its config becomes the stored one
   * (keeping a resolution just made when it is the stored one).
   */
  bind(instance: Interface<object>, stored: StoredRecord, resolve = true): void {
    const state = instance[RECORD];
    state.stored = stored;
    state.id = stored.header.uuid;
    state.parentId = stored.header.parent;
    state.predicate = stored.model.predicate;
    state.pending.clear();
    if (!resolve) return;
    // get() found the record by this config's identity: when the stored config is the one just
    // resolved (the usual case), resolving it again would give the same result.
    const own = peekResolution(instance);
    const resolved = toPlainNumbers(stored.model.config.resolved);
    if (own && stored.model.module === instance.module && isDeepStrictEqual(own.resolved, resolved)) {
      restoreElement(instance, instance.module, { ...own, version: toPlainNumbers(stored.model.version) as VersionItem[] });
    } else {
      const cls = instance.constructor as ElementClass;
      restoreElement(instance, stored.model.module ?? instance.module, storedResolution(cls, stored));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // writing records

  /**
   * Writes an interface's record (once): claims its dedup key in the index and creates its
   * directory in one index transaction. If another process stored the same run first, or its
   * directory is already on disk (an index that lost it), the instance becomes that record.
   */
  async materialize(instance: Interface<object>, options: MaterializeOptions = {}): Promise<void> {
    const state = instance[RECORD];
    if (state.stored) return;
    const before = instance.onBeforeMaterialize();
    if (isThenable(before)) await before;
    if (state.stored) return;
    const parentLocation = this.parentLocation(state.parentId);
    const id = instance.uuid;
    const created = nowNs();
    const header: RecordHeader = {
      format: FORMAT_VERSION,
      uuid: id,
      kind: recordKind(instance.constructor as ElementClass),
      identity_key: instance.identityKey,
      predicate_key: instance.predicateKey,
      parent: state.parentId,
    };
    const model = this.modelOf(instance, header, created);
    const updatedAt = isoTimestamp(created);
    const location = this.storage.locate([pathSegment(header.identity_key), pathSegment(header.predicate_key)], parentLocation);
    const edges: EdgeLine[] = state.ancestorId ? [edgeLine('ancestor', state.ancestorId, id)] : [];
    const row = rowOf({ header, model, location, updatedAtNs: timestampNs(updatedAt), storageId: this.storage.id });
    let createdHere = false;
    let holder: IndexRow;
    try {
      const files = recordFiles(header, model, updatedAt, { edges, files: state.pending });
      // Claimed from birth: no other process can claim it between its creation and its computation.
      if (options.claim) files.set(CLAIM_FILE, claimText(null));
      const claim = this.index.claim(row, () => this.storage.create(location, files));
      holder = claim.row;
      createdHere = claim.created;
    } catch (error) {
      if (!(error instanceof RecordExistsError)) throw error;
      holder = this.takeOver(location, header, instance.module);
    }
    if (createdHere) {
      state.stored = { header, model, modelJson: modelObject(model), location, updatedAtNs: row.updated_at_ns };
      state.fresh = true;
      state.claimedAtCreation = options.claim === true;
      if (state.ancestorId) this.recordEdge('derived', state.ancestorId, id, false);
      if (edges.length > 0) this.index.relate(edges.map(relationOf));
    } else {
      const stored = this.readRow(holder);
      if (!stored) throw new RecordNotFoundError(`record ${holder.record_id} is indexed at ${holder.storage_uri} but its directory is gone; run \`machinable reindex\``);
      if (state.pending.size > 0) {
        process.emitWarning(
          `${instance.module}: another process stored this run first; files saved before materialize (${[...state.pending.keys()].join(', ')}) were not written`,
        );
      }
      this.bind(instance, stored);
    }
    state.pending.clear();
    const after = instance.onMaterialize();
    if (isThenable(after)) await after;
  }

  /**
   * A record is already at the location a new record was to be created at, but the index did not
   * know it (it was rebuilt, or another tool wrote the directory): index it and become it, if it is
   * this run's record. One that cannot be read is reported, never shadowed by a second record.
   */
  private takeOver(location: string, header: RecordHeader, module: string): IndexRow {
    const directory = this.storage.directory(location);
    if (!this.storage.exists(location)) {
      const orphan = this.storage.readFile(location, HEADER_FILE) !== undefined;
      throw new RecordConflictError(
        orphan
          ? `the record of this ${module} run at ${directory} has an id.json but no ${SENTINEL_FILE} sentinel (a copy that skipped dot files?), so it is not read and no second record is made; ` +
              `restore the sentinel (write the record id from id.json into ${directory}/${SENTINEL_FILE}) and run \`machinable reindex\`, or move the directory away`
          : `cannot store this ${module} run at ${directory}: something that is not a record is there; move it out of the storage and try again`,
      );
    }
    let stored: StoredRecord;
    try {
      stored = readStored(this.storage, location, { updatedAt: true });
    } catch (error) {
      if (!(error instanceof CorruptRecordError)) throw error;
      throw new CorruptRecordError(error.file, `${error.reason} (the record of this ${module} run is there but cannot be read, so no second record is made; restore the file or move the directory away)`);
    }
    const found = stored.header;
    if (found.parent !== header.parent || found.identity_key !== header.identity_key || found.predicate_key !== header.predicate_key) {
      throw new RecordConflictError(
        `${directory} holds record ${found.uuid} with other keys (parent ${found.parent}, identity ${found.identity_key}, predicate ${found.predicate_key}) ` +
          `than this ${module} run (parent ${header.parent}, identity ${header.identity_key}, predicate ${header.predicate_key}); move it out of the storage`,
      );
    }
    this.index.ingest([ingestItem({ header: found, model: stored.model, location, updatedAtNs: stored.updatedAtNs, storageId: this.storage.id }, [])]);
    return this.index.get(found.uuid)!;
  }

  /** Where records under `parentId` go: under the root's keys for the project root, else inside the parent. */
  parentLocation(parentId: string | null): string | undefined {
    if (parentId === null) return undefined;
    if (parentId === this.root.record_id) {
      this.ensureRoot();
      return this.storage.locate([pathSegment(this.root.identity_key), pathSegment(this.root.predicate_key)]);
    }
    const row = this.index.get(parentId);
    if (!row) throw new RecordNotFoundError(`the parent record ${parentId} is not in the index; run \`machinable reindex\``);
    return row.storage_uri;
  }

  /** The project root's row, inserted once (it has no directory: reindex cannot restore it, this does). */
  private ensureRoot(): void {
    if (this.#rootStored) return;
    this.index.claim(this.root, () => undefined);
    this.#rootStored = true;
  }

  /**
   * The model of a new record of `instance` (its config, module and class), with `header`'s id and
   * kind; the predicate and contexts are the instance's unless given.
   */
  modelOf(
    instance: Interface<object>,
    header: RecordHeader,
    created: bigint,
    overrides: { readonly predicate?: JsonObject; readonly context?: JsonValue[] } = {},
  ): RecordModel {
    const resolution = resolutionOf(instance);
    const { schema } = resolution;
    const state = instance[RECORD];
    const cls = instance.constructor as ElementClass;
    return {
      uuid: header.uuid,
      kind: header.kind,
      module: instance.module,
      version: resolution.version as JsonValue[],
      config: {
        default: typedConfig(resolution.defaults, schema) as JsonObject,
        version: resolution.version as JsonValue[],
        update: resolution.layers.reduce<PlainObject>(deepMerge, {}) as JsonObject,
        resolved: typedConfig(resolution.resolved, schema) as JsonObject,
      },
      predicate: overrides.predicate ?? state.predicate ?? {},
      inherits: this.inheritsOf(cls),
      context: overrides.context ?? ((state.context ?? []) as unknown as JsonValue[]),
      created_at_ns: created,
      created_by: currentUser(),
      label: null,
      extra: kindFields(instance, header.kind),
    };
  }

  /** Base modules of a class, nearest first, up to machinable's `Interface`. */
  private inheritsOf(cls: Function): string[] {
    const out: string[] = [];
    for (let base = Object.getPrototypeOf(cls) as Function; base && base !== Element && base !== Function.prototype; base = Object.getPrototypeOf(base) as Function) {
      out.push(frameworkModuleOf(base) ?? this.registeredModule(base as ElementClass) ?? base.name);
      if (base === Interface) break;
    }
    return out;
  }

  private registeredModule(cls: ElementClass): string | undefined {
    const module = this.modules.moduleOf(cls);
    return module === cls.name ? undefined : module;
  }

  // ---------------------------------------------------------------------------------------------
  // files of a record

  /** A file of a stored interface, or undefined. */
  readFile(instance: Interface<object>, name: string): Buffer | undefined {
    return syncNow(this.storage.readFile(storedOf(instance).location, name));
  }

  /** Writes a file of a stored interface and bumps its `updated_at`. */
  writeFile(instance: Interface<object>, name: string, data: Uint8Array | string): void {
    this.storage.writeFile(storedOf(instance).location, name, data);
    this.touch(instance);
  }

  /** Appends to a file of a stored interface and bumps its `updated_at`. */
  appendFile(instance: Interface<object>, name: string, text: string): void {
    this.storage.appendFile(storedOf(instance).location, name, text);
    this.touch(instance);
  }

  /** Bumps the record's `updated_at` marker: what sync tools and `find` read as "changed". */
  touch(instance: Interface<object>, writeThrough = false): void {
    const { location, header } = storedOf(instance);
    const now = isoTimestamp();
    this.storage.writeFile(location, UPDATED_AT_FILE, now);
    if (writeThrough) this.index.setUpdatedAt(header.uuid, timestampNs(now)!);
  }

  /** The record's files, relative to its directory, without child records. */
  files(instance: Interface<object>): string[] {
    return syncNow(this.storage.files(storedOf(instance).location));
  }

  // ---------------------------------------------------------------------------------------------
  // runs

  /** The row of a record's latest run record (its newest child of kind `Execution`). */
  latestRunRow(recordId: string): IndexRow | undefined {
    return this.index.latest(recordId, 'Execution');
  }

  /**
   * Where a record's computation stands: for a run record, its own status; for another record,
   * its latest run's; without a run, `finished` when it is marked computed, else `pending`. Reads
   * markers only (no module is loaded).
   */
  statusOf(recordId: string, location: string, kind = 'Interface'): RunStatus {
    if (kind === 'Execution') return runStatusAt(this.storage, location);
    const run = this.latestRunRow(recordId);
    if (run && this.storage.exists(run.storage_uri)) return runStatusAt(this.storage, run.storage_uri);
    return syncNow(hasFile(this.storage, location, CACHED_FILE)) ? 'finished' : 'pending';
  }

  // ---------------------------------------------------------------------------------------------
  // cached, label

  /** True when the interface has been computed (its `cached` marker exists). */
  isCached(instance: Interface<object>): boolean {
    const { stored } = instance[RECORD];
    return stored !== undefined && syncNow(hasFile(this.storage, stored.location, CACHED_FILE));
  }

  /** Sets (with a reason, `finished` after a run) or clears the `cached` marker. */
  setCached(instance: Interface<object>, value: boolean, reason = 'user'): void {
    const { location } = storedOf(instance);
    instance[RECORD].fresh = false;
    if (value) this.storage.writeFile(location, CACHED_FILE, reason);
    else this.storage.removeFile(location, CACHED_FILE);
    this.touch(instance);
  }

  /**
   * Sets the label: `model.json` is rewritten (atomically, the rest of it unchanged), the index
   * row updated, and `updated_at` bumped. Config and identity never change.
   */
  setLabel(instance: Interface<object>, label: string | null): void {
    const state = instance[RECORD];
    const stored = storedOf(instance);
    const modelJson = { ...stored.modelJson, label };
    // The model as read, label replaced: fields this version does not know are kept as they were.
    this.storage.writeFile(stored.location, MODEL_FILE, pyJson(modelJson, { ensureAscii: false }));
    state.stored = { ...stored, modelJson, model: { ...stored.model, label } };
    this.index.setLabel(stored.header.uuid, label);
    this.touch(instance, true);
  }

  // ---------------------------------------------------------------------------------------------
  // relations

  /**
   * Records the edge `from` → `to` of a relation in both records' logs (each side's own line) and
   * in the index. Both must be stored. Nothing happens when the edge is there already.
   */
  relate(fn: 'uses', from: Interface<object>, to: Interface<object>): void {
    const relation = RELATIONS[fn].name;
    const fromId = storedOf(from).header.uuid;
    const toId = storedOf(to).header.uuid;
    if (this.index.relations(fromId, { relation }).some((r) => r.related_id === toId)) return;
    this.storage.appendFile(storedOf(from).location, EDGE_LOG_FILE, edgeLineText(edgeLine('uses', fromId, toId)));
    this.touch(from);
    this.storage.appendFile(storedOf(to).location, EDGE_LOG_FILE, edgeLineText(edgeLine('used_by', fromId, toId)));
    this.touch(to);
    this.index.relate([{ relation, record_id: fromId, related_id: toId }]);
  }

  /** Appends one side's line of an edge to that side's log (by record id) and, optionally, the index. */
  private recordEdge(fn: RelationFn, from: string, to: string, index = true): void {
    const owner = fn === 'derived' || fn === 'uses' ? from : to;
    const row = this.index.get(owner);
    if (!row || !this.storage.exists(row.storage_uri)) return;
    this.storage.appendFile(row.storage_uri, EDGE_LOG_FILE, edgeLineText(edgeLine(fn, from, to)));
    this.storage.writeFile(row.storage_uri, UPDATED_AT_FILE, isoTimestamp());
    if (index) this.index.relate([{ relation: RELATIONS[fn].name, record_id: from, related_id: to }]);
  }

  /**
   * Ids related to a record through a relation, oldest edge first: those it points to, or with
   * `inverse` those pointing to it.
   */
  relatedIds(recordId: string, relation: string, inverse = false): string[] {
    return this.index
      .relations(recordId, { relation, inverse })
      .reverse()
      .map((r) => (inverse ? r.record_id : r.related_id));
  }
}

/** The predicate of an interface asked for now: its `onComputePredicate()` and the enclosing scopes. */
function predicateOf(instance: Interface<object>): JsonObject {
  const own = instance.onComputePredicate() as JsonObject;
  return deepFreeze({ ...own, ...(currentScope() as JsonObject) });
}

/** The module name machinable's own classes declare for `inherits` (`machinable.interface`), not inherited. */
function frameworkModuleOf(cls: Function): string | undefined {
  return Object.hasOwn(cls, 'frameworkModule') ? String((cls as { frameworkModule?: unknown }).frameworkModule) : undefined;
}

/** A kind the reference can read (`Experiment` and `Aggregate` are `Interface` records there). */
function recordKind(cls: ElementClass): string {
  return REFERENCE_KINDS.has(cls.kind) ? cls.kind : 'Interface';
}

/** The fields a kind adds to the model (an execution's seed, nickname, resources). */
function kindFields(instance: Interface<object>, kind: string): JsonObject {
  const fields = KIND_FIELDS[kind];
  if (!fields) return {};
  const source = instance as unknown as Record<string, unknown>;
  const out: JsonObject = {};
  for (const field of fields) out[field] = (source[field] ?? null) as JsonValue;
  return out;
}

function relationOf(edge: EdgeLine): { relation: string; record_id: string; related_id: string } {
  return { relation: edge.name, record_id: edge.uuid, related_id: edge.related_uuid };
}

/**
 * The resolution of a stored record through its class: the stored config, re-typed and validated
 * by the current config class (config methods are not run again: their results are stored). A
 * record the class no longer accepts is an error naming the record, not a silent reinterpretation.
 */
function storedResolution<C extends object>(cls: ElementClass, stored: StoredRecord): ResolvedConfig<C> {
  const { model } = stored;
  try {
    const resolved = resolveConfig(configClassOf<C>(cls), [toPlainNumbers(model.config.resolved) as PlainObject]);
    deepFreeze(resolved.config);
    return { ...resolved, version: toPlainNumbers(model.version) as VersionItem[], layers: [toPlainNumbers(model.config.update) as PlainObject] };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError(
      error.issues,
      `the record at ${stored.location} (stored by an earlier ${cls.name}; restore the fields it used or load it with a matching class)`,
    );
  }
}

/** The resolution of a record whose class is not at hand: its config as stored. */
function looseResolution<C extends object>(stored: StoredRecord): ResolvedConfig<C> {
  const { config, version } = stored.model;
  const plain = toPlainNumbers(config.resolved) as PlainObject;
  const base = resolveConfig(configClassOf<C>(Interface as unknown as ElementClass), []);
  return {
    ...base,
    config: deepFreeze(plain) as C,
    defaults: toPlainNumbers(config.default) as PlainObject,
    version: toPlainNumbers(version) as VersionItem[],
    layers: [toPlainNumbers(config.update) as PlainObject],
    resolved: plain,
  };
}
