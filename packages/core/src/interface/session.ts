import type { VersionSpec } from '../config/version.js';
import type { StoredRecord } from '../format/record.js';
import type { IndexRow } from '../ports/index.js';
import type { SchedulerRegistry } from '../ports/scheduler.js';
import type { MaterializeOptions, Materialized, RecordStore } from '../ports/store.js';
import type { Element, ElementClass } from './element.js';

/** What `get()` and `derive()` accept: a module name or an element class. */
export type Target<T extends Element<object>> = string | ElementClass<T>;

/** Where a store's project is, for executions that start processes of their own. */
export interface ProjectPaths {
  readonly directory: string;
  readonly storageRoot: string;
  readonly indexPath: string;
}

/**
 * How interfaces are launched: what `launch()` hands its interface to. The execution layer
 * implements it (`Launcher`); the interface layer knows it only as this port.
 */
export interface LaunchPort<I> {
  /** Materializes `item` and computes it through the current execution (or queues it there); resolves to `item`. */
  launch(item: I): Promise<I>;
  /** Computes materialized interfaces together in the default execution (an aggregate's members). */
  launchAll(items: readonly I[]): Promise<void>;
}

/**
 * How instances of a project's modules are made and bound to records (the hydrator): the one way
 * from a module and a version, or a stored record, to an instance, each made through the
 * project's container. Generic in the instance type so the facade's own module need not be named.
 */
export interface Instances<I> {
  /** An instance of `target` configured with `version`: the stored record holding its key, else a fresh one. */
  configure<T extends Element<object>>(target: Target<T>, version: VersionSpec, parent?: I): Promise<T>;
  /** The stored record with this id, loaded with its module's class. */
  byId(recordId: string): Promise<I | undefined>;
  /** The record at a location of this or any store. */
  fromLocation(location: string): Promise<I>;
  /** Instances of index rows, in order (rows whose directory is gone dropped). */
  fromRows(rows: readonly IndexRow[]): Promise<I[]>;
  /** An instance of a stored record without importing a module: a class loaded already, else its kind's base class. */
  fromStoredNow(stored: StoredRecord): I;
  /** Binds an instance made with `new` to this project's store, at the top level. */
  adopt(instance: I): Promise<void>;
  /**
   * Writes the instance's record, its hooks around it: `created`, `found` when another process
   * stored it first, undefined when it was stored already. `stored` is told the outcome as soon
   * as the record is written, before `onMaterialize()` (which may throw).
   */
  materialize(instance: I, options?: MaterializeOptions & StoredCallback): Promise<Materialized | undefined>;
  /** The module name of a class, as this project registered it. */
  moduleOf(cls: ElementClass): string;
  /** The class of a module of the project (imported on first use). */
  load(module: string): Promise<ElementClass>;
}

/** Told how `materialize()` ended as soon as the record is written. */
export interface StoredCallback {
  readonly stored?: (outcome: Materialized) => void;
}

/**
 * What every interface of a project holds instead of reaching for ambient state: the record
 * store, the hydrator that makes every instance, the launcher, and where the project is. Made
 * once per project by the composition root (`Project`).
 *
 * @example
 * const session = await project.session();
 * const run = await session.instances.configure('train', { lr: 0.1 });
 */
export interface Session<I = unknown> {
  readonly store: RecordStore;
  /** The scheduler backends the project's plugins registered (for cancel and for claims handed to a job). */
  readonly schedulers: SchedulerRegistry;
  readonly instances: Instances<I>;
  readonly launcher: LaunchPort<I>;
  readonly project: ProjectPaths;
}

/** Something that can give a session: a project (see `ambient.ts`). */
export interface SessionSource {
  session(): Promise<Session>;
}

