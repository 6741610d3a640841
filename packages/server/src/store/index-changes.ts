import type { FindRequest, Index, IndexSummary } from '@machinable/core';

/** What the feed learns of a record added to the index: its find summary (id, kind, module, parent, location). */
export type AddedRecord = IndexSummary;

/** Rows a look reads first, newest first: an idle look reads no more (a few ms at 1,000 records). */
const FIRST = 50;
/** Rows per further read, when a look reads on (a burst, a late row): fewer, larger reads, as each sorts the rows anew. */
const PAGE = 500;
/** How many of the newest rows are remembered as seen; a row created before all of them is not reported. */
const WINDOW = 2_000;

/**
 * The records added to the index since the last look, through the `Index` contract alone
 * (`find`, newest first), so the feed works over any index adapter, and sees records added by
 * any process, Python's included.
 *
 * How: the index has no "added since" question, and records are not always added in the order
 * of their creation time (`created_at_ns` is taken before a record is written, by processes on
 * machines whose clocks differ), so a cursor on the newest time seen would miss a record that
 * comes in late with an older time. Instead each look reads the newest rows and reports those not
 * seen before; the ids of the newest {@link WINDOW} rows seen are remembered (a bounded set), and
 * a row created before all of them (`#floor`) is never reported, however late it comes (so an
 * import of old records is not announced). The find's `total` says how many rows the index gained
 * since the last look: while fewer new rows were found on the first page (a late row further
 * down) or the page was new throughout (a burst), the look reads on, down to the floor at most.
 * A look whose count did not grow past what it found reads one page of {@link FIRST} rows: as
 * cheap as a find of the newest rows can be (`bench/server-index.mjs`: 1.5 ms at 1,000 records,
 * 71 ms at 100,000, where the SQLite index sorts every row, its schema, the reference's, having no
 * index on `created_at_ns`; the feed spaces its looks by their cost). What it misses: a late row
 * below the first page in a look where as many rows were removed as added (the count did not
 * grow), and rows created before the remembered window.
 *
 * @example
 * const changes = new IndexChanges(store.index);
 * await changes.start();
 * for (const row of await changes.added()) console.log(row.record_id);
 */
export class IndexChanges {
  readonly #index: Index;
  /** Record ids seen, with their creation times: the newest rows, at most about `WINDOW`. */
  readonly #seen = new Map<string, bigint>();
  /** Rows created at or before this are never reported (older than every row remembered). */
  #floor = -1n;
  /** How many rows the index held at the last look. */
  #total = 0;

  constructor(index: Index) {
    this.#index = index;
  }

  /** Takes what the index holds now as seen: only records added after this are reported. */
  async start(): Promise<void> {
    this.#seen.clear();
    const { items, total } = await this.#page(0, FIRST);
    for (const row of items) this.#seen.set(row.record_id, row.created_at_ns);
    // A full page: older rows were not read, so they count as seen (below the floor).
    this.#floor = items.length === FIRST ? items.at(-1)!.created_at_ns : -1n;
    this.#total = total;
  }

  /** The records added since the last look (or `start()`), oldest first. */
  async added(): Promise<AddedRecord[]> {
    const fresh: AddedRecord[] = [];
    const first = await this.#page(0, FIRST);
    const grown = first.total - this.#total;
    let items = first.items;
    for (let offset = 0, size = FIRST; ; ) {
      let allFresh = items.length > 0;
      let belowFloor = false;
      for (const row of items) {
        if (row.created_at_ns <= this.#floor) {
          belowFloor = true; // newest first: the rest are older still
          break;
        }
        if (this.#seen.has(row.record_id)) {
          allFresh = false;
          continue;
        }
        this.#seen.set(row.record_id, row.created_at_ns);
        fresh.push(row);
      }
      if (belowFloor || items.length < size || (fresh.length >= grown && !allFresh)) break;
      offset += size;
      size = PAGE;
      items = (await this.#page(offset, size)).items;
    }
    this.#total = first.total;
    this.#forgetOldest();
    return fresh.sort((a, b) => (a.created_at_ns < b.created_at_ns ? -1 : a.created_at_ns > b.created_at_ns ? 1 : a.record_id < b.record_id ? -1 : 1));
  }

  /** A page of rows, newest first, hidden ones and those whose bytes are missing included (every row the index gained). */
  async #page(offset: number, limit: number): Promise<{ items: AddedRecord[]; total: number }> {
    const request: FindRequest = { include_hidden: true, include_bytes_missing: true, sort: [{ by: 'created_at_ns', direction: 'desc' }], limit, offset };
    return this.#index.find(request);
  }

  /** Keeps the set bounded: past `WINDOW` ids, the oldest are dropped and the floor rises to them. */
  #forgetOldest(): void {
    if (this.#seen.size <= WINDOW) return;
    const times = [...this.#seen.values()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
    // Down to three quarters, so the sort is paid once per WINDOW / 4 new rows, not per look.
    const floor = times[Math.floor((WINDOW * 3) / 4)]!;
    for (const [id, time] of this.#seen) if (time <= floor) this.#seen.delete(id);
    if (floor > this.#floor) this.#floor = floor;
  }
}
