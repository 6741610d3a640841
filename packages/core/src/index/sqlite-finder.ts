import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FindRequest, FindResult } from '../ports/index.js';
import { checkFindRequest, type CheckedFindRequest } from './find-request.js';
import { buildFindSql, configPathsOf, findIndexSql, type FindSql, type SqlParam } from './find-sql.js';
import { MAX_FIND_INDEXES } from './sqlite-statements.js';

/**
 * The find algebra of one SQLite index connection: requests checked, compiled to SQL (prepared
 * once per shape) and paged in one read transaction, with an expression index made for each
 * config path a find filters or sorts on.
 */
export class SqliteFinder {
  // Find queries vary with the request's shape; preparing one costs about as much as running it.
  private readonly queries = new Map<string, Database.Statement>();
  /** The expression indexes for finds on config paths, made so far (in this file, by anyone). */
  private readonly findIndexes: Set<string>;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    this.findIndexes = new Set(db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_find_%'").pluck().all());
  }

  /** Drops the find indexes (a rebuild; finds make them again when they ask for them). */
  dropFindIndexes(): void {
    for (const name of this.findIndexes) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
    this.findIndexes.clear();
  }

  page<S, T>(request: FindRequest, columns: string, convert: (row: S, path: string) => T): FindResult<T> {
    const { checked, sql } = this.findSql(request, true);
    const count = this.query<number>(`SELECT COUNT(*) FROM 'index' WHERE ${sql.where}`, false);
    const select = this.query<S>(`SELECT ${columns} FROM 'index' WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`);
    // One read transaction, so the total and the page come from the same snapshot.
    return this.db.transaction((): FindResult<T> => {
      const total = count.get(...sql.whereParams) as number;
      const rows = select.all(...sql.whereParams, BigInt(checked.limit), BigInt(checked.offset));
      return { items: rows.map((row) => convert(row, this.path)), total };
    })();
  }

  /** The checked request and its SQL; `paged`: a page and a count are read (not every row). */
  findSql(request: FindRequest, paged = false): { checked: CheckedFindRequest; sql: FindSql } {
    const checked = checkFindRequest(request);
    this.indexConfigPaths(checked);
    if (paged) this.indexPages(checked);
    return { checked, sql: buildFindSql(checked) };
  }

  /**
   * Makes an expression index (see `findIndexSql`) for each config path a find filters or sorts
   * on, the first time one is asked for: a filtered, sorted find among 100,000 records then
   * takes a few milliseconds instead of a hundred. At most {@link MAX_FIND_INDEXES} are made (each
   * costs a little on every insert); past that, or on an index file that cannot be written,
   * finds scan as before.
   */
  private indexConfigPaths(checked: CheckedFindRequest): void {
    this.makeIndexes(
      configPathsOf(checked).map(({ layer, jsonPath }) => {
        const name = `idx_find_${layer}_${createHash('sha256').update(jsonPath).digest('hex').slice(0, 16)}`;
        return [name, findIndexSql(name, layer, jsonPath)] as const;
      }),
    );
  }

  /**
   * For a page of a find over the whole table (no module, parent or key to start from; a
   * dashboard's "what is new"), an index of the sort column in the find's order holding the flags
   * every find filters on (`bytes_missing`, `hidden`), so the newest page is read from it in order
   * and the total counted from it alone, rather than scanning every row (0.2 s at 100,000); and
   * for a module's records of one kind (`get(m).all()`, a dashboard's counts), one index covering
   * the filter, the flags and the default order. Made on first use, like the config path indexes,
   * and counted among them.
   */
  private indexPages(checked: CheckedFindRequest): void {
    const keys = new Set(checked.equals.map(([key]) => key));
    const wanted: [string, string][] = [];
    // A module's records of one kind, newest first, counted: from one index alone.
    if (keys.has('module') && keys.has('kind') && checked.config === null && !keys.has('parent_id') && !keys.has('identity_key')) {
      wanted.push(['idx_find_module_kind', "CREATE INDEX IF NOT EXISTS idx_find_module_kind ON 'index'(module, kind, hidden, bytes_missing, created_at_ns)"]);
    }
    if (keys.has('module') || keys.has('parent_id') || keys.has('identity_key')) return this.makeIndexes(wanted);
    // Without sort terms a find orders newest first (see buildFindSql).
    const first = checked.sort[0] ?? { column: 'created_at_ns', ascending: false };
    if ('column' in first && checked.sort.length <= 1) {
      const direction = first.ascending ? 'ASC' : 'DESC';
      // In the find's order, with the flags every find filters on: the page is read in order and
      // the total counted from this index alone.
      const name = `idx_find_${first.column}_${direction.toLowerCase()}`;
      wanted.push([name, `CREATE INDEX IF NOT EXISTS ${name} ON 'index'(${first.column} ${direction}, record_id, bytes_missing, hidden)`]);
    }
    this.makeIndexes(wanted);
  }

  /** Makes each wanted find index not made yet, while fewer than {@link MAX_FIND_INDEXES} exist. */
  private makeIndexes(wanted: readonly (readonly [name: string, sql: string])[]): void {
    for (const [name, sql] of wanted) {
      if (this.findIndexes.has(name) || this.findIndexes.size >= MAX_FIND_INDEXES) continue;
      this.findIndexes.add(name);
      try {
        this.db.exec(sql);
      } catch {
        // read-only, or locked for longer than the busy timeout: the find scans, which is correct
      }
    }
  }

  query<R>(sql: string, safeIntegers = true): Database.Statement<SqlParam[], R> {
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      if (this.queries.size >= 128) this.queries.clear();
      statement = this.db.prepare(sql);
      if (safeIntegers) statement.safeIntegers(true);
      else statement.pluck();
      this.queries.set(sql, statement);
    }
    return statement as Database.Statement<SqlParam[], R>;
  }
}
