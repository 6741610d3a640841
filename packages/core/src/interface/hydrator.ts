import { isDeepStrictEqual } from 'node:util';
import { deepFreeze } from '../config/freeze.js';
import type { PlainObject } from '../config/plain.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { VersionItem, VersionSpec } from '../config/version.js';
import { contextStack } from '../context/context-stack.js';
import { currentScope } from '../context/scope.js';
import type { JsonObject } from '../format/model.js';
import type { StoredRecord } from '../format/record.js';
import { toPlainNumbers } from '../json/json.js';
import { ConfigurationError, MachinableError } from '../kernel/errors.js';
import { isThenable } from '../kernel/thenable.js';
import type { IndexRow } from '../ports/index.js';
import type { Instantiate, ModuleSource } from '../ports/module-source.js';
import type { MaterializeOptions, Materialized } from '../ports/store.js';
import { bindSlot } from '../store/slot.js';
import { draftOf } from './draft.js';
import { configClassOf, configureElement, Element, peekResolution, restoreElement, type ElementClass } from './element.js';
import { HANDLE } from './handle.js';
import { Interface } from './interface.js';
import type { Instances, Session, StoredCallback, Target } from './session.js';

/** The module of a project's run records when none of theirs is loaded (`machinable.execution`). */
export const EXECUTION_MODULE = 'machinable.execution';

/**
 * The one way to an instance of a project's module, and the one place instances are bound to
 * records: asking for a module and a version finds its stored record or configures a fresh
 * instance; every stored record becomes an instance here (by id, at a location, from index rows,
 * as a run record), each made by the project's `instantiate` (its container), so a module's
 * constructor gets its providers whichever way it is reached.
 *
 * @example
 * const run = await hydrator.configure('train', { seed: 1 });
 * const again = await hydrator.byId(run.uuid);
 */
export class Hydrator implements Instances<Interface<object>> {
  constructor(
    private readonly session: Session<Interface<object>>,
    private readonly modules: ModuleSource<ElementClass>,
    private readonly instantiate: Instantiate,
  ) {}

  async configure<T extends Element<object>>(target: Target<T>, version: VersionSpec, parent?: Interface<object>): Promise<T> {
    // A loaded module's class without an await: a sweep asks for the same module again and again.
    const cls = typeof target === 'string' ? ((this.modules.loaded(target) ?? (await this.modules.load(target))) as ElementClass<T>) : target;
    const module = typeof target === 'string' ? target : this.modules.moduleOf(cls);
    if (typeof target !== 'string') this.modules.register(module, cls);
    const instance = this.instantiate(cls);
    configureElement(instance, module, version);
    if (!(instance instanceof Interface)) return instance;
    const handle = instance[HANDLE];
    handle.session = this.session;
    handle.slot.parentId = parent ? parent.uuid : this.session.store.root.record_id;
    if (parent) handle.slot.ancestorId = parent.uuid;
    handle.slot.predicate = predicateOf(instance);
    handle.slot.context = contextStack();
    // Awaited only when the store answers later (each await makes a promise; get() is a hot path).
    const found = this.session.store.lookup(handle.slot, instance.identityKey, instance.predicateKey);
    const stored = isThenable(found) ? await found : found;
    if (stored) this.bind(instance, stored);
    return instance;
  }

  async adopt(instance: Interface<object>): Promise<void> {
    const handle = instance[HANDLE];
    if (handle.session) return;
    handle.session = this.session;
    handle.slot.parentId = this.session.store.root.record_id;
    handle.slot.predicate ??= predicateOf(instance);
    handle.slot.context ??= contextStack();
    const stored = await this.session.store.lookup(handle.slot, instance.identityKey, instance.predicateKey);
    if (stored) this.bind(instance, stored);
  }

  async materialize(instance: Interface<object>, options: MaterializeOptions & StoredCallback = {}): Promise<Materialized | undefined> {
    const { slot } = instance[HANDLE];
    if (slot.stored) return undefined;
    const before = instance.onBeforeMaterialize();
    if (isThenable(before)) await before;
    if (slot.stored) return undefined;
    const made = this.session.store.materialize(slot, draftOf(instance, (cls) => this.modules.moduleOf(cls), Interface), options);
    const outcome = isThenable(made) ? await made : made;
    options.stored?.(outcome);
    // Another process stored it first: its config (as stored) becomes this instance's.
    if (outcome === 'found') this.bindConfig(instance, slot.stored!);
    const after = instance.onMaterialize();
    if (isThenable(after)) await after;
    return outcome;
  }

  async byId<T extends Interface<object> = Interface>(recordId: string): Promise<T | undefined> {
    const stored = await this.session.store.byId(recordId);
    return stored ? this.hydrate<T>(stored) : undefined;
  }

  async fromLocation<T extends Interface<object> = Interface>(location: string): Promise<T> {
    return this.hydrate<T>(await this.session.store.readAt(location));
  }

  async fromRows<T extends Interface<object> = Interface>(rows: readonly IndexRow[]): Promise<T[]> {
    const out: T[] = [];
    for (const row of rows) {
      const stored = await this.session.store.readRow(row);
      if (stored) out.push(await this.hydrate<T>(stored));
    }
    return out;
  }

  /**
   * A stored record as an instance of its module's class (loaded on demand; a record of a module
   * this project does not have, such as one Python machinable wrote, loads as a plain instance of
   * its kind with its config as stored).
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

  fromStoredNow<T extends Interface<object> = Interface>(stored: StoredRecord): T {
    const module = stored.model.module;
    return this.hydrateAs<T>(stored, module === null ? undefined : this.modules.loaded(module));
  }

  /**
   * A new instance of `cls` bound to a record just made for it (a run record the launcher created
   * for an execution), with the resolution it was made from.
   */
  bindNew<T extends Interface<object>>(cls: new () => T, module: string, resolution: ResolvedConfig<object>, stored: StoredRecord): T {
    const instance = this.instantiate(cls);
    restoreElement(instance, module, resolution);
    instance[HANDLE].session = this.session;
    bindSlot(instance[HANDLE].slot, stored);
    return instance;
  }

  moduleOf(cls: ElementClass): string {
    return this.modules.moduleOf(cls);
  }

  load(module: string): Promise<ElementClass> {
    return this.modules.load(module);
  }

  private hydrateAs<T extends Interface<object>>(stored: StoredRecord, cls: ElementClass | undefined): T {
    const fallback = (stored.model.kind === 'Execution' && this.modules.loaded(EXECUTION_MODULE)) || Interface;
    const own = cls && cls.prototype instanceof Interface ? cls : undefined;
    const instance = this.instantiate((own ?? fallback) as unknown as new () => T);
    restoreElement(instance, stored.model.module ?? stored.model.kind, own ? storedResolution(own, stored) : looseResolution(stored));
    instance[HANDLE].session = this.session;
    bindSlot(instance[HANDLE].slot, stored);
    return instance;
  }

  /** Binds an instance asked for by config to the stored record holding its key. */
  private bind(instance: Interface<object>, stored: StoredRecord): void {
    bindSlot(instance[HANDLE].slot, stored);
    this.bindConfig(instance, stored);
  }

  /** The instance's config becomes the stored one (keeping a resolution just made when it is the same). */
  private bindConfig(instance: Interface<object>, stored: StoredRecord): void {
    // Found by this config's identity: when the stored config is the one just resolved (the usual
    // case), resolving it again would give the same result.
    const own = peekResolution(instance);
    const resolved = toPlainNumbers(stored.model.config.resolved);
    if (own && stored.model.module === instance.module && isDeepStrictEqual(own.resolved, resolved)) {
      restoreElement(instance, instance.module, { ...own, version: toPlainNumbers(stored.model.version) as VersionItem[] });
    } else {
      restoreElement(instance, stored.model.module ?? instance.module, storedResolution(instance.constructor as ElementClass, stored));
    }
  }
}

/** The predicate of an interface asked for now: its `onComputePredicate()` and the enclosing scopes. */
function predicateOf(instance: Interface<object>): JsonObject {
  const own = instance.onComputePredicate() as JsonObject;
  return deepFreeze({ ...own, ...(currentScope() as JsonObject) });
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
    throw new ConfigurationError(error.issues, `the record at ${stored.location} (stored by an earlier ${cls.name}; restore the fields it used or load it with a matching class)`);
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
