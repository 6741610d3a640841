import type Database from 'better-sqlite3';
import { now, type Index } from '@machinable/core';

/** A module of the project and how many (non-hidden) records of a kind it has. */
export interface ModuleCount {
  readonly module: string;
  readonly kind: string;
  readonly count: number;
}

/**
 * Questions the find algebra does not answer, asked of the index file directly: which records
 * were added since a point (for the live feed), and which modules the store holds (for the page's
 * module picker). It opens the SQLite index read-only (format v1's schema: table `index`, whose
 * rowids grow as rows are inserted), so it can never write it. A project whose index is not a
 * SQLite file (a registered `Index` adapter) gets the same answers, more slowly, through `Index`.
 *
 * @example
 * const changes = new IndexChanges(openReadonlyIndex(project.indexPath), index);
 * const { ids, cursor } = changes.added(changes.cursor());
 */
export class IndexChanges {
  readonly #db: Database.Database | undefined;
  readonly #index: Index;
  readonly #seen = new Set<string>();

  /** `db`: a read-only connection to the index file (see `openReadonlyIndex`), if it is SQLite. */
  constructor(db: Database.Database | undefined, index: Index) {
    this.#db = db;
    this.#index = index;
  }

  /** Where the index is now: records added after it are what `added()` reports. */
  cursor(): number {
    if (this.#db) return Number((this.#db.prepare("SELECT coalesce(max(rowid), 0) AS n FROM 'index'").get() as { n: number }).n);
    for (const row of now(this.#index.find({ limit: 1000, include_hidden: true }), 'the dashboard', 'a synchronous index').items) this.#seen.add(row.record_id);
    return 0;
  }

  /** Ids of the records added since `cursor` (at most `limit`), oldest first, and the cursor after them. */
  added(cursor: number, limit = 500): { ids: string[]; cursor: number } {
    if (this.#db) {
      const rows = this.#db.prepare("SELECT rowid AS n, record_id AS id FROM 'index' WHERE rowid > ? ORDER BY rowid LIMIT ?").all(cursor, limit) as Array<{ n: number; id: string }>;
      return { ids: rows.map((row) => row.id), cursor: rows.at(-1)?.n ?? cursor };
    }
    const ids = now(this.#index.find({ limit, include_hidden: true }), 'the dashboard', 'a synchronous index')
      .items.map((row) => row.record_id)
      .filter((id) => !this.#seen.has(id))
      .reverse();
    for (const id of ids) this.#seen.add(id);
    return { ids, cursor };
  }

  /** The modules the store holds records of, with counts per kind (hidden records left out). */
  modules(): ModuleCount[] {
    if (this.#db) {
      return this.#db
        .prepare("SELECT module, kind, count(*) AS count FROM 'index' WHERE hidden = 0 AND module IS NOT NULL GROUP BY module, kind ORDER BY module, kind")
        .all() as ModuleCount[];
    }
    const counts = new Map<string, ModuleCount>();
    for (const row of now(this.#index.find({ limit: 1000 }), 'the dashboard', 'a synchronous index').items) {
      if (row.module === null) continue;
      const key = `${row.module}\0${row.kind}`;
      const count = counts.get(key)?.count ?? 0;
      counts.set(key, { module: row.module, kind: row.kind, count: count + 1 });
    }
    return [...counts.values()].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  }

}
