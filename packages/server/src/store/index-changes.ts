import type { FindRequest, Index, IndexSummary } from '@machinable/core';

/** What the feed learns of a record added to the index: its find summary (id, kind, module, parent, location). */
export type AddedRecord = IndexSummary;

/** Rows read per look: the newest first. */
const PAGE = 200;
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
 * A look whose count did not grow past what it found reads one page: cheap for 100,000 records
 * as far as a find can be (the SQLite index sorts by `created_at_ns` without an index on it: about
 * 0.1 s at 100,000 rows, which is why the feed spaces its looks by their cost). What it cannot see:
 * a late row below the first page in a look where as many rows were removed (the count did not
 * grow), until a later look reads down that far.
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
    const { items, total } = await this.#page(0);
    for (const row of items) this.#seen.set(row.record_id, row.created_at_ns);
    // A full page: older rows were not read, so they count as seen (below the floor).
    this.#floor = items.length === PAGE ? items.at(-1)!.created_at_ns : -1n;
    this.#total = total;
  }

  /** The records added since the last look (or `start()`), oldest first. */
  async added(): Promise<AddedRecord[]> {
    const fresh: AddedRecord[] = [];
    const first = await this.#page(0);
    const grown = first.total - this.#total;
    let items = first.items;
    for (let offset = 0; ; ) {
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
      if (belowFloor || items.length < PAGE || (fresh.length >= grown && !allFresh)) break;
      offset += PAGE;
      items = (await this.#page(offset)).items;
    }
    this.#total = first.total;
    this.#forgetOldest();
    return fresh.sort((a, b) => (a.created_at_ns < b.created_at_ns ? -1 : a.created_at_ns > b.created_at_ns ? 1 : a.record_id < b.record_id ? -1 : 1));
  }

  /** A page of rows, newest first, hidden ones and those whose bytes are missing included (every row the index gained). */
  async #page(offset: number): Promise<{ items: AddedRecord[]; total: number }> {
    const request: FindRequest = { include_hidden: true, include_bytes_missing: true, sort: [{ by: 'created_at_ns', direction: 'desc' }], limit: PAGE, offset };
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
