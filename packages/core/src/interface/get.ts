import type { VersionSpec } from '../config/version.js';
import { RecordNotFoundError } from '../errors.js';
import { Project } from '../project/project.js';
import type { Target } from '../records/records.js';
import { InterfaceCollection } from './collection.js';
import type { Element, ElementClass } from './element.js';
import { Interface } from './interface.js';

/**
 * What `get()` returns: a promise of the one interface, which also offers `.all()` for every
 * stored match. Lazy: nothing is resolved until it is awaited, so `get('train').all()` never
 * resolves the (possibly incomplete) default config.
 */
export class GetQuery<T extends Element<object>> implements Promise<T> {
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
    this.#one ??= Project.current()
      .records()
      .then((records) => records.configure(this.target, this.version));
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
export function get<T extends Element<object> = Interface>(target: Target<T>, version?: VersionSpec): GetQuery<T> {
  return new GetQuery(target, version);
}

/** Loads a stored interface by record id. */
get.byId = async function byId<T extends Interface<object> = Interface>(id: string): Promise<T> {
  const records = await Project.current().records();
  const found = await records.byId<T>(id);
  if (!found) throw new RecordNotFoundError(`no record '${id}' in the index of ${records.storage.root}; check the id with \`machinable ls\`, or run \`machinable reindex\``);
  return found;
};

/** Loads the record stored in a directory. */
get.fromDirectory = (path: string): Promise<Interface> => Interface.fromDirectory(path);

async function findAll<T extends Element<object>>(target: Target<T>, version: VersionSpec): Promise<InterfaceCollection<T>> {
  const project = Project.current();
  const records = await project.records();
  const cls = typeof target === 'string' ? ((await project.load(target)) as ElementClass<T>) : target;
  if (!(cls.prototype instanceof Interface)) return new InterfaceCollection<T>();
  // Without a version every record of the module matches, so the (maybe incomplete) defaults are never resolved.
  const probe = version === undefined ? undefined : ((await records.configure(target, version)) as unknown as Interface<object>);
  const module = probe?.module ?? (typeof target === 'string' ? target : project.moduleOf(cls));
  const rows = records.index.all({
    module,
    ...(probe ? { identity_key: probe.identityKey } : {}),
    sort: [{ by: 'created_at_ns', direction: 'asc' }],
  });
  return new InterfaceCollection(await records.fromRows(rows.filter((row) => row.kind !== 'Execution'))) as unknown as InterfaceCollection<T>;
}
