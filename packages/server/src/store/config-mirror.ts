import { buildFindSql, checkFindRequest, parseJson, toPlainNumbers, type CheckedFindRequest, type FindRequest } from '@machinable/core';
import type Database from 'better-sqlite3';
import { sqlMatches, sqlValueOf, type MirrorOp, type SqlValue } from './sqlite-compare.js';

/** A filter the mirror evaluates: a path of plain keys, an operator and its parameters. */
interface MirrorFilter {
  readonly keys: readonly string[];
  readonly op: MirrorOp;
  readonly params: readonly (number | string)[];
}

/** The resolved configs of one module's rows, by rowid (a config never changes: it is the record's identity). */
interface ModuleConfigs {
  readonly rowids: number[];
  readonly ids: string[];
  readonly configs: unknown[];
  maxRowid: number;
}

/** More candidates than this, and the index's own query is as fast: the mirror steps aside. */
export const MIRROR_CANDIDATE_LIMIT = 5000;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * An in-memory copy of the resolved configs of the modules searched, so that a search with
 * config filters does not make SQLite parse the config JSON of every row of the module (50,000
 * rows take it 35–45 ms; the filters here take 2–3 ms). Only the config filters are evaluated
 * here, with SQLite's semantics (`sqlMatches`); the rows they leave go back to SQL for the rest of
 * the request, with core's own SQL for it: the other conditions (hidden, label, kind, ...), the
 * order (config paths included) and the page and total. So the answer is the index's, row for
 * row, and rows added, hidden or relabelled since are seen. A config is read once per row: rows
 * added later are read by rowid, and a rowid that now holds another record resets the module.
 * Requests the mirror does not cover (no module, `contains`, booleans, null or objects as values,
 * array indexes in paths, a layer other than `resolved`, more than {@link MIRROR_CANDIDATE_LIMIT}
 * candidates) answer undefined: the caller asks the index.
 *
 * @example
 * const page = mirror.search({ module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0.01 }] } });
 * // { ids: [...], total: 12 }, or undefined
 */
export class ConfigMirror {
  readonly #modules = new Map<string, ModuleConfigs>();
  readonly #newRows: Database.Statement<[string, number], { rowid: number; record_id: string; config_resolved_json: string }>;

  constructor(private readonly db: Database.Database) {
    this.#newRows = db.prepare("SELECT rowid, record_id, config_resolved_json FROM 'index' WHERE module = ? AND rowid > ? ORDER BY rowid");
  }

  /** The record ids of a page of matches and the total, as `Index.find` would answer; undefined when the request is not one the mirror covers. */
  search(request: FindRequest): { ids: string[]; total: number } | undefined {
    const checked = checkFindRequest(request);
    const module = checked.equals.find(([key]) => key === 'module')?.[1];
    const filters = mirrorFilters(checked, request);
    if (module === undefined || filters === undefined || filters.length === 0) return undefined;
    const configs = this.configs(module);
    const candidates: number[] = [];
    const ids: string[] = [];
    try {
      for (let i = 0; i < configs.rowids.length; i++) {
        if (!filters.every((filter) => matches(configs.configs[i], filter))) continue;
        candidates.push(configs.rowids[i]!);
        ids.push(configs.ids[i]!);
        if (candidates.length > MIRROR_CANDIDATE_LIMIT) return undefined;
      }
    } catch (error) {
      if (error instanceof NotCovered) return undefined;
      throw error;
    }
    // The rest of the request in SQL, over the candidates only.
    const rest = buildFindSql({ ...checked, config: null });
    const order = buildFindSql(checked);
    const scope = `rowid IN (SELECT value FROM json_each(?))`;
    const rows = this.db
      .prepare(`SELECT rowid, record_id, count(*) OVER () AS total FROM 'index' WHERE ${scope} AND ${rest.where} ORDER BY ${order.orderBy} LIMIT ? OFFSET ?`)
      .all(JSON.stringify(candidates), ...rest.whereParams, ...order.orderParams, checked.limit, checked.offset) as Array<{ rowid: number; record_id: string; total: number }>;
    const expected = new Map(candidates.map((rowid, i) => [rowid, ids[i]!]));
    if (rows.some((row) => expected.get(row.rowid) !== row.record_id)) {
      // A rowid now holds another record (its row was replaced): read the module again.
      this.#modules.delete(module);
      return undefined;
    }
    const total = rows.length > 0 ? rows[0]!.total : (this.db.prepare(`SELECT count(*) AS n FROM 'index' WHERE ${scope} AND ${rest.where}`).get(JSON.stringify(candidates), ...rest.whereParams) as { n: number }).n;
    return { ids: rows.map((row) => row.record_id), total };
  }

  /** The module's configs, with the rows added since the last call read in. */
  private configs(module: string): ModuleConfigs {
    let entry = this.#modules.get(module);
    if (!entry) this.#modules.set(module, (entry = { rowids: [], ids: [], configs: [], maxRowid: 0 }));
    for (const row of this.#newRows.iterate(module, entry.maxRowid)) {
      entry.rowids.push(row.rowid);
      entry.ids.push(row.record_id);
      entry.configs.push(readConfig(row.config_resolved_json));
      entry.maxRowid = row.rowid;
    }
    return entry;
  }
}

/** A config as parsed for filtering; one that does not parse matches nothing (`undefined`). */
function readConfig(text: string): unknown {
  try {
    return toPlainNumbers(parseJson(text));
  } catch {
    return undefined;
  }
}

/** The request's config filters as the mirror evaluates them, or undefined when one is beyond it. */
function mirrorFilters(checked: CheckedFindRequest, request: FindRequest): MirrorFilter[] | undefined {
  if (checked.config === null) return [];
  if (checked.config.layer !== 'resolved') return undefined;
  const given = request.config?.filters ?? [];
  const out: MirrorFilter[] = [];
  for (const [i, filter] of checked.config.filters.entries()) {
    if (filter.op === 'contains') return undefined;
    const keys = (given[i]?.path ?? '').split('.').filter((key) => key !== '');
    if (keys.length === 0 || !keys.every((key) => PLAIN_KEY.test(key)) || filter.jsonPath !== `$.${keys.join('.')}`) return undefined;
    const values = filter.op === 'in' ? (Array.isArray(filter.value) ? filter.value : [filter.value]) : [filter.value];
    const params: (number | string)[] = [];
    for (const value of values) {
      if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER)) params.push(value);
      else return undefined;
    }
    if (filter.op === 'in' && params.length === 0) return undefined;
    out.push({ keys, op: filter.op, params });
  }
  return out;
}

/** Whether a config meets a filter as `json_extract(config, path) <op> ?` would. */
function matches(config: unknown, filter: MirrorFilter): boolean {
  let value: unknown = config;
  for (const key of filter.keys) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
      value = undefined;
      break;
    }
    value = (value as Record<string, unknown>)[key];
  }
  const sql: SqlValue | undefined = sqlValueOf(value);
  // An object or array is JSON text to SQLite, and a big integer a 64-bit one: the mirror does not
  // rebuild those, so a request meeting one is the index's to answer.
  if (sql === undefined) throw new NotCovered();
  return sqlMatches(sql, filter.op, filter.params);
}

/** Thrown when a row holds a value the mirror does not compare (an object or array): the search goes to the index. */
export class NotCovered extends Error {}
