import type { FindRequest, Index } from '@machinable/core';

/** A module of the project and how many (non-hidden) records of a kind it has. */
export interface ModuleCount {
  readonly module: string;
  readonly kind: string;
  readonly count: number;
}

/** The rows counted: every row but hidden ones (those whose bytes are missing included). */
const COUNTED: FindRequest = { include_bytes_missing: true, limit: 1 };

/**
 * The modules the store holds records of, with counts per kind (for the page's module picker),
 * through the `Index` contract alone. A count is a find's `total` (`limit: 1`) per module and
 * kind. The index has no "distinct modules" question, so the pairs are found once by jumping
 * through the rows sorted by module and kind (two finds per pair, see `#discover`). They are
 * kept; each later call counts the known pairs and the rows in all (one find more), and looks for
 * pairs again only when the counts do not add up to that total (a module new since, or one gone).
 *
 * Each find over a SQLite index of many rows scans them (the reference's schema has no index on
 * kind or creation time), so a call costs a scan per pair, and one more.
 *
 * @example
 * await new ModuleCounts(store.index).modules(); // [{ module: 'train', kind: 'Interface', count: 8 }, ...]
 */
export class ModuleCounts {
  readonly #index: Index;
  /** The pairs found, and how many counted rows have no module. */
  #known: { readonly pairs: ReadonlyArray<Omit<ModuleCount, 'count'>>; readonly unnamed: number } | undefined;

  constructor(index: Index) {
    this.#index = index;
  }

  /** The modules with records, by module then kind (hidden records left out). */
  async modules(): Promise<ModuleCount[]> {
    const known = this.#known;
    if (known) {
      const [total, counts] = await Promise.all([this.#count({}), Promise.all(known.pairs.map((pair) => this.#count(pair)))]);
      if (counts.reduce((a, b) => a + b, known.unnamed) === total) return ordered(known.pairs.map((pair, i) => ({ ...pair, count: counts[i]! })));
    }
    return this.#discover();
  }

  /**
   * Finds the pairs from both ends of the rows sorted by module and kind: the first row at an
   * offset names a pair, and its count is how far the next pair starts. Each find sorts as many
   * rows as its offset, so the end with the smaller offset goes next; the ends meet when the pairs
   * found hold every row. Rows without a module sort first ascending: when there are any, only the
   * descending end is used, and it stops at them.
   */
  async #discover(): Promise<ModuleCount[]> {
    const found: ModuleCount[] = [];
    const ends = { desc: 0, asc: 0 };
    let ascending = true;
    let total = Infinity;
    let held = 0;
    while (held < total) {
      const end = ascending && ends.asc < ends.desc ? 'asc' : 'desc';
      const page = await this.#index.find({ ...COUNTED, offset: ends[end], sort: [{ by: 'module', direction: end }, { by: 'kind', direction: end }] });
      total = page.total;
      const row = page.items[0];
      if (row?.module === null && end === 'asc') {
        ascending = false; // rows without a module come first: leave this end
        continue;
      }
      if (!row || row.module === null) break; // past the last pair (or at the rows without a module)
      // A pair found already: the ends met (or rows added between two finds shifted the offsets).
      if (found.some((pair) => pair.module === row.module && pair.kind === row.kind)) break;
      const count = await this.#count({ module: row.module, kind: row.kind });
      found.push({ module: row.module, kind: row.kind, count });
      held += count;
      ends[end] += Math.max(count, 1);
    }
    this.#known = { pairs: found.map(({ module, kind }) => ({ module, kind })), unnamed: Math.max(0, (total === Infinity ? 0 : total) - held) };
    return ordered(found);
  }

  async #count(filter: FindRequest): Promise<number> {
    return (await this.#index.find({ ...COUNTED, ...filter })).total;
  }
}

/** Non-empty pairs by module, then kind. */
function ordered(counts: readonly ModuleCount[]): ModuleCount[] {
  const key = (entry: ModuleCount): string => `${entry.module}\0${entry.kind}`;
  return counts.filter((entry) => entry.count > 0).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
