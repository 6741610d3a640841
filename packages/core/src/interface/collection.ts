import { CollectionSizeError } from '../kernel/errors.js';
import { member, rowsToCsv, toRows, type Row, type ToRowsOptions } from './rows.js';

/** A sort key: numbers, strings, bigints, booleans and dates compare naturally; null, undefined and NaN sort last. */
export type SortKey = string | number | bigint | boolean | Date | null | undefined;

/** Options of `sortBy()`. */
export interface SortOptions {
  /** Largest first (default `false`). Items without a key stay last either way. */
  descending?: boolean;
}

/**
 * An ordered, read-only list of interfaces (what `get(...).all()` returns). Iterable, indexable
 * through `at()`, with the helpers a results table needs. Every method that narrows or reorders
 * returns a new collection; the collection itself never changes.
 *
 * Items are usually `Interface`s, but any objects work: the methods that need a member
 * (`findManyById` needs `uuid`, `launch` needs `launch()`, `toRows` reads `uuid`, `module`,
 * `version()`, `cached()` and `config`) skip or leave blank what an item lacks.
 *
 * @example
 * const runs = await get('train').all();
 * for (const run of runs) console.log(run.uuid, run.config.lr);
 */
export class InterfaceCollection<T> implements Iterable<T> {
  readonly #items: readonly T[];

  constructor(items: Iterable<T> = []) {
    this.#items = [...items];
  }

  /**
   * Number of items.
   *
   * @example
   * if ((await get('train').all()).length === 0) console.log('nothing stored yet');
   */
  get length(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items[Symbol.iterator]();
  }

  /**
   * The item at `index`; negative indices count from the end, out of range is `undefined`.
   *
   * @example
   * runs.at(-2); // the second newest
   */
  at(index: number): T | undefined {
    return this.#items.at(index);
  }

  /**
   * The first (oldest, for `get().all()`) item, or `undefined` when empty.
   *
   * @example
   * const oldest = (await get('train').all()).first();
   */
  first(): T | undefined {
    return this.#items[0];
  }

  /**
   * The last (newest, for `get().all()`) item, or `undefined` when empty.
   *
   * @example
   * const latest = (await get('train').all()).last();
   */
  last(): T | undefined {
    return this.#items.at(-1);
  }

  /**
   * The only item. Throws `CollectionSizeError` (saying how many there are) when the collection
   * is empty or holds more than one, so code that assumes a unique run fails loudly instead of
   * silently picking one.
   *
   * @example
   * const run = (await get('train', { seed: 1 }).all()).singleton();
   */
  singleton(): T {
    if (this.#items.length !== 1) {
      const modules = [...new Set(this.#items.map((item) => member(item, 'module')).filter((m): m is string => typeof m === 'string'))];
      throw new CollectionSizeError(this.#items.length, modules);
    }
    return this.#items[0] as T;
  }

  /**
   * A new collection of the items for which `predicate` is true, in order. A type guard narrows
   * the item type.
   *
   * @example
   * const finished = runs.filter((run) => run.cached());
   */
  filter<S extends T>(predicate: (item: T, index: number) => item is S): InterfaceCollection<S>;
  filter(predicate: (item: T, index: number) => boolean): InterfaceCollection<T>;
  filter(predicate: (item: T, index: number) => boolean): InterfaceCollection<T> {
    return new InterfaceCollection(this.#items.filter((item, index) => predicate(item, index)));
  }

  /**
   * A plain array of `fn` applied to each item: what is mapped to is usually not an interface
   * (a loss, a row), so it gets the full array API instead of a collection.
   *
   * @example
   * const losses = runs.map((run) => run.loss());
   */
  map<U>(fn: (item: T, index: number) => U): U[] {
    return this.#items.map((item, index) => fn(item, index));
  }

  /**
   * A new collection sorted by `key(item)`, ascending unless `{ descending: true }`. The sort is
   * stable (ties keep their order, e.g. oldest first) and items whose key is `null`/`undefined`
   * go last. Strings compare by code unit, not locale, so the order is the same on every machine.
   *
   * @example
   * const best = runs.sortBy((run) => run.loss()).first();
   */
  sortBy(key: (item: T) => SortKey, options: SortOptions = {}): InterfaceCollection<T> {
    const sign = options.descending ? -1 : 1;
    const keyed = this.#items.map((item) => ({ item, key: comparable(key(item)) }));
    keyed.sort((a, b) => {
      if (a.key === undefined || b.key === undefined) return (a.key === undefined ? 1 : 0) - (b.key === undefined ? 1 : 0);
      return sign * compare(a.key, b.key);
    });
    return new InterfaceCollection(keyed.map(({ item }) => item));
  }

  /**
   * The items whose `uuid` is in `uuids`, in the order of `uuids`. Unknown ids (and items without
   * a string `uuid`) are skipped; an id given twice yields its item once.
   *
   * @example
   * const picked = runs.findManyById(['0190a1…', '0190b2…']);
   */
  findManyById(uuids: Iterable<string>): InterfaceCollection<T> {
    const byId = new Map<string, T>();
    for (const item of this.#items) {
      const uuid = member(item, 'uuid');
      // The first item wins, as a lookup by id would find it.
      if (typeof uuid === 'string' && !byId.has(uuid)) byId.set(uuid, item);
    }
    const found: T[] = [];
    for (const uuid of new Set(uuids)) {
      const item = byId.get(uuid);
      if (item !== undefined) found.push(item);
    }
    return new InterfaceCollection(found);
  }

  /**
   * Launches every item that has a `launch()` method, one after the other, and resolves to this
   * collection. Sequential on purpose: runs share the current execution and project, and one
   * failure stops the rest instead of leaving many half-started (the error propagates). Cached
   * runs are a no-op, so relaunching a collection only computes what is missing.
   *
   * @example
   * await (await get('train').all()).filter((run) => !run.cached()).launch();
   */
  async launch(): Promise<this> {
    for (const item of this.#items) {
      const launch = member(item, 'launch');
      if (typeof launch === 'function') await (launch as () => unknown).call(item);
    }
    return this;
  }

  /**
   * One flat row per item, ready for `console.table` or a CSV writer: `uuid`, `module`,
   * `version` (as `~adam {"seed":1}`), `cached`, then the config flattened to dotted columns
   * (`config.optimizer.name`, `config.layers[0].size`). Rows share the union of their columns;
   * a column an item does not have is `undefined`. `{ config: false }` leaves the config out,
   * `{ arrays: 'json' }` keeps each array in one JSON column. See `toRows()` in `rows.ts` for
   * the exact rules.
   *
   * @example
   * console.table(runs.toRows());
   * runs.toRows({ config: false }); // [{ uuid, module, version, cached }, ...]
   */
  toRows(options: ToRowsOptions = {}): Row[] {
    return toRows(this.#items, options);
  }

  /**
   * `toRows()` as RFC 4180 CSV: a header line, CRLF line endings, fields with commas, quotes or
   * line breaks quoted, `undefined` as an empty field.
   *
   * @example
   * writeFileSync('runs.csv', runs.toCsv());
   */
  toCsv(options: ToRowsOptions = {}): string {
    return rowsToCsv(this.toRows(options), options.columns);
  }

  /**
   * `toRows()` as JSON text: an array of row objects (a missing value is `null`).
   *
   * @example
   * writeFileSync('runs.json', runs.toJson({ columns: ['id', 'config.lr', 'result.json:loss'] }));
   */
  toJson(options: ToRowsOptions = {}): string {
    return JSON.stringify(this.toRows(options).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? null]))));
  }

  /**
   * A copy of the items as a plain array.
   *
   * @example
   * const [a, b] = runs.toArray();
   */
  toArray(): T[] {
    return [...this.#items];
  }
}

type Comparable = string | number | bigint | boolean;

/** Dates compare by time; `null`, `undefined`, `NaN` and invalid dates have no key (they sort last). */
function comparable(key: SortKey): Comparable | undefined {
  if (key === null || key === undefined) return undefined;
  if (key instanceof Date) return Number.isNaN(key.getTime()) ? undefined : key.getTime();
  return typeof key === 'number' && Number.isNaN(key) ? undefined : key;
}

function compare(a: Comparable, b: Comparable): number {
  // Mixed kinds (a number and a string) order by kind, so the sort stays consistent.
  if (typeof a !== typeof b && !(isNumeric(a) && isNumeric(b))) return typeof a < typeof b ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumeric(value: Comparable): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}
