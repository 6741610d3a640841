import type { VersionSpec } from '../config/version.js';
import { currentScope } from '../context/scope.js';
import type { Session, Target } from '../interface/session.js';
import { FindQuery, type WhereOperator } from './find.js';
import type { JsonValue } from '../json/json.js';
import type { JsonObject } from '../format/model.js';
import type { FindRequest } from '../ports/index.js';
import { InterfaceCollection } from '../interface/collection.js';
import type { Row } from '../interface/rows.js';
import type { Element, ElementClass } from '../interface/element.js';
import { Interface } from '../interface/interface.js';

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
    /** The session of the project asked (given by the entry point: `get()` reads the current project). */
    private readonly session: () => Promise<Session<Interface<object>>>,
    private readonly refine: ReadonlyArray<(query: FindQuery) => FindQuery> = [],
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

  /**
   * The stored records of the module (with a version: of the same identity, however spelt) in the
   * enclosing scope, oldest first, narrowed, sorted and paged as the calls before asked (in SQL:
   * only the matching page is loaded).
   *
   * @example
   * await get('train').where('lr>0.01').sort('-lr').limit(20).all();
   */
  async all(): Promise<InterfaceCollection<T>> {
    const found = await this.query();
    return (found ? await found.query.all() : new InterfaceCollection()) as unknown as InterfaceCollection<T>;
  }

  /** A results table of the stored records (see `FindQuery.rows`), without loading their modules. */
  async rows(columns?: readonly string[]): Promise<Row[]> {
    const found = await this.query();
    return found ? found.query.rows(columns) : [];
  }

  /** How many stored records match (all of them, whatever `limit` says). */
  async count(): Promise<number> {
    const found = await this.query();
    return found ? (await found.query.limit(1)).total : 0;
  }

  /** Only records whose config (or predicate, or column) satisfies a condition; see `FindQuery.where`. */
  where(condition: string, op?: WhereOperator, value?: JsonValue): GetQuery<T> {
    return this.then2((query) => query.where(condition, op, value));
  }

  /** Sorts the records (`'-lr'`, `'result.json:loss'`, `'created'`); see `FindQuery.sort`. */
  sort(...terms: string[]): GetQuery<T> {
    return this.then2((query) => query.sort(...terms));
  }

  /** At most `n` records. */
  limit(n: number): GetQuery<T> {
    return this.then2((query) => query.limit(n));
  }

  /** Skips the first `n` records. */
  offset(n: number): GetQuery<T> {
    return this.then2((query) => query.offset(n));
  }

  /** Includes hidden records. */
  includeHidden(include = true): GetQuery<T> {
    return this.then2((query) => query.includeHidden(include));
  }

  private then2(step: (query: FindQuery) => FindQuery): GetQuery<T> {
    return new GetQuery(this.target, this.version, this.session, [...this.refine, step]);
  }

  /**
   * The find behind `all()`: the module (and the identity, with a version), the enclosing scope's
   * values in the predicate, as the reference's `all()` matches them; undefined for an Element.
   * (Wrapped in an object: a `FindQuery` is a thenable, which an async function would resolve.)
   */
  private async query(): Promise<{ query: FindQuery } | undefined> {
    const session = await this.session();
    const { instances } = session;
    const cls = typeof this.target === 'string' ? ((await instances.load(this.target)) as ElementClass<T>) : this.target;
    if (!(cls.prototype instanceof Interface)) return undefined;
    // Without a version every record of the module matches, so the (maybe incomplete) defaults are never resolved.
    const probe = this.version === undefined ? undefined : ((await instances.configure(this.target, this.version)) as unknown as Interface<object>);
    const module = probe?.module ?? (typeof this.target === 'string' ? this.target : instances.moduleOf(cls));
    const scope = currentScope() as JsonObject;
    const request: FindRequest = {
      module,
      kind: cls.kind === 'Execution' ? 'Execution' : 'Interface',
      ...(probe ? { identity_key: probe.identityKey } : {}),
      ...(Object.keys(scope).length > 0 ? { predicate: scope } : {}),
      sort: [{ by: 'created_at_ns', direction: 'asc' }],
    };
    return { query: this.refine.reduce((query, step) => step(query), new FindQuery(request, { session: () => Promise.resolve(session) })) };
  }

  private one(): Promise<T> {
    this.#one ??= this.session().then((session) => session.instances.configure(this.target, this.version));
    return this.#one;
  }
}
