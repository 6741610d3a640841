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
    const { checked, sql } = this.findSql(request);
    const count = this.query<number>(`SELECT COUNT(*) FROM 'index' WHERE ${sql.where}`, false);
    const select = this.query<S>(`SELECT ${columns} FROM 'index' WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ? OFFSET ?`);
    // One read transaction, so the total and the page come from the same snapshot.
    return this.db.transaction((): FindResult<T> => {
      const total = count.get(...sql.whereParams) as number;
      const rows = select.all(...sql.whereParams, BigInt(checked.limit), BigInt(checked.offset));
      return { items: rows.map((row) => convert(row, this.path)), total };
    })();
  }

  findSql(request: FindRequest): { checked: CheckedFindRequest; sql: FindSql } {
    const checked = checkFindRequest(request);
    this.indexConfigPaths(checked);
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
    for (const { layer, jsonPath } of configPathsOf(checked)) {
      const name = `idx_find_${layer}_${createHash('sha256').update(jsonPath).digest('hex').slice(0, 16)}`;
      if (this.findIndexes.has(name) || this.findIndexes.size >= MAX_FIND_INDEXES) continue;
      this.findIndexes.add(name);
      try {
        this.db.exec(findIndexSql(name, layer, jsonPath));
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
