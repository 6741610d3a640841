import type { VersionSpec } from '../config/version.js';
import { RecordNotFoundError } from '../errors.js';
import { Project } from '../project/project.js';
import { InterfaceCollection } from './collection.js';
import { Element, type ElementClass } from './element.js';
import { configured, hydrated, storedOrForget, type Target } from './instances.js';
import { Interface } from './interface.js';
import { BIND, HYDRATE, LOCATE } from './internal.js';

/**
 * What `get()` returns: a promise of the one interface, which also offers `.all()` for every
 * stored match. Lazy: nothing is resolved until it is awaited, so `get('train').all()` never
 * resolves the (possibly incomplete) default config.
 */
export class GetQuery<T extends Element> implements Promise<T> {
  readonly [Symbol.toStringTag] = 'GetQuery';
  #one?: Promise<T>;

  constructor(
    private readonly target: Target<T>,
    private readonly version: VersionSpec,
  ) {}

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.one().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.one().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.one().finally(onFinally);
  }

  /** Every stored record of the module (with a version: of the same identity, however spelt), oldest first. */
  all(): Promise<InterfaceCollection<T>> {
    return findAll(this.target, this.version);
  }

  private one(): Promise<T> {
    this.#one ??= findOrCreate(this.target, this.version);
    return this.#one;
  }
}

/**
 * Finds the stored record with the same module, config and predicate, or returns a fresh,
 * unmaterialized interface configured with `version`.
 *
 * @example
 * const run = await get('train', ['~adam', { seed: 1 }]);
 * await run.launch(); // computes once; later get()s reload it
 */
export function get<T extends Element = Interface>(target: Target<T>, version?: VersionSpec): GetQuery<T> {
  return new GetQuery(target, version);
}

/** Loads a stored interface by uuid. */
get.byId = async function byId<T extends Interface = Interface>(uuid: string): Promise<T> {
  const project = Project.current();
  const [storage, index] = await Promise.all([project.storage(), project.index()]);
  const record = storage.find(uuid);
  if (!record) throw new RecordNotFoundError(`no record with uuid '${uuid}' in ${storage.root}`);
  return hydrated<T>(project, storage, index, record);
};

/** Loads the record stored in a directory. */
get.fromDirectory = (path: string): Promise<Interface> => Interface.fromDirectory(path);

/** Top-level records have no parent; `derive()` asks with the deriving interface's uuid instead. */
async function findOrCreate<T extends Element>(target: Target<T>, version: VersionSpec): Promise<T> {
  const project = Project.current();
  const instance = await configured(project, target, version);
  if (!(instance instanceof Interface)) return instance; // an Element: never stored
  const [storage, index] = await Promise.all([project.storage(), project.index()]);
  return instance[LOCATE](project, storage, index, null) as unknown as T;
}

async function findAll<T extends Element>(target: Target<T>, version: VersionSpec): Promise<InterfaceCollection<T>> {
  const project = Project.current();
  const [storage, index] = await Promise.all([project.storage(), project.index()]);
  const cls = typeof target === 'string' ? ((await project.load(target)) as ElementClass<T>) : target;
  if (!(cls.prototype instanceof Interface)) return new InterfaceCollection<T>();
  // Without a version every record of the module matches, so the (maybe incomplete) defaults are never resolved.
  const probe = version === undefined ? undefined : ((await configured(project, target, version)) as unknown as Interface);
  const module = probe?.module ?? (typeof target === 'string' ? target : project.moduleOf(cls));
  const entries = index.findByModule(module, probe?.identityKey);
  const items: T[] = [];
  for (const entry of entries) {
    const record = storedOrForget(entry, storage, index);
    if (!record) continue;
    const instance = (await project.instantiate(cls)) as unknown as Interface;
    instance[BIND](project, storage, index);
    items.push(instance[HYDRATE](record, storage, index) as unknown as T);
  }
  return new InterfaceCollection(items);
}
