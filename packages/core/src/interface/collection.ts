/**
 * An ordered, read-only list of interfaces (what `get(...).all()` returns). Iterable, indexable
 * through `at()`, with the helpers a results table needs.
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

  get length(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items[Symbol.iterator]();
  }

  at(index: number): T | undefined {
    return this.#items.at(index);
  }

  first(): T | undefined {
    return this.#items[0];
  }

  last(): T | undefined {
    return this.#items.at(-1);
  }

  toArray(): T[] {
    return [...this.#items];
  }
}
