import { FindRequestError } from '../kernel/errors.js';
import { isThenable } from '../kernel/thenable.js';
import type { JsonValue } from '../json/json.js';
import type { ConfigFilter, ConfigLayerName, ConfigOp, FindRequest, FindResult, IndexRow, IndexSummary, SortSpec } from '../ports/index.js';
import type { RecordStore } from '../ports/store.js';
import { checkFindRequest, SORT_COLUMNS } from '../index/find-request.js';
import { findFailure } from '../index/find-sql.js';
import { InterfaceCollection } from '../interface/collection.js';
import type { Interface } from '../interface/interface.js';
import { toRows, type Row } from '../interface/rows.js';
import type { Session } from '../interface/session.js';
import { columnValue, parseColumn, type ColumnSpec } from '../interface/columns.js';
import { RecordView } from './record-view.js';
import { parseWhere, whereOperator, type WhereClause } from './where.js';
import { checkConfigPath } from './config-paths.js';
import type { ConfigClass } from '../config/metadata.js';

/** Operators a builder's `where()` takes, as symbols or as the request's names. */
export type WhereOperator = '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '~~' | 'in' | ConfigOp;

const COLUMN_FILTERS = ['module', 'kind', 'label', 'created_by', 'parent_id', 'identity_key', 'predicate_key'] as const;

/** A sort term `find()` cannot hand to the index (a file value, the status): sorted here after reading every match. */
interface LocalSort {
  readonly column: ColumnSpec;
  readonly ascending: boolean;
}

/** Options of a query besides its request. */
interface QueryState {
  readonly request: FindRequest;
  readonly local: readonly LocalSort[];
  /** The session of the project the query runs against (given by the entry point that made it). */
  readonly session: () => Promise<Session<Interface<object>>>;
  /** The config class of a module, to check config paths against (`undefined`: a module this project has no file for, left unchecked). */
  readonly configOf?: (module: string) => Promise<ConfigClass | undefined>;
}

/**
 * A find over the index: the reference's `FindRequest`, built up by chained calls (each returns a
 * new query) and run when awaited, resolving to `{ items, total }` exactly as the reference's
 * find answers (`items` are index rows' summaries, `total` counts every match). `all()` loads the
 * matching interfaces instead, and `rows(columns)` makes a results table without loading them.
 * Sorting by a file value (`-result.json:loss`) or by `status` happens here, after the index
 * filtered; everything else (filters, config paths, paging) is SQL.
 *
 * @example
 * await find({ module: 'train' }).where('lr', '>', 0.01).where('optimizer.name=adam').sort('-lr').limit(20);
 * await find({ module: 'train', config: { filters: [{ path: 'lr', op: 'gt', value: 0.01 }] } }); // the same
 */
export class FindQuery implements Promise<FindResult> {
  readonly [Symbol.toStringTag] = 'FindQuery';
  readonly #state: QueryState;

  constructor(request: FindRequest, state: Pick<QueryState, 'session'> & Partial<QueryState>) {
    this.#state = { local: [], ...state, request };
  }

  /**
   * The request as JSON, keys spelt as the reference spells them (what `machinable find
   * --request` takes). Sort terms on file values or the status are not in it.
   */
  get request(): FindRequest {
    return this.#state.request;
  }

  /**
   * Adds a condition: `where(path, op, value)` or one written out, `where('lr>0.01')`. Paths are
   * config paths (`lr`, `config.optimizer.name`), predicate paths (`predicate.dataset`, equality
   * only), or a column (`module`, `kind`, `label`, `created_by`; equality only).
   */
  where(condition: string, op?: WhereOperator, value?: JsonValue): FindQuery {
    const clause: WhereClause = op === undefined ? parseWhere(condition) : { path: condition, op: whereOperator(op), value: value ?? null };
    const request = this.#state.request;
    const target = clause.path;
    if ((COLUMN_FILTERS as readonly string[]).includes(target) || target.startsWith('predicate.')) {
      if (clause.op !== 'eq') throw new FindRequestError(`where ${target}`, `${target} takes equality only (=)`);
      if (target.startsWith('predicate.')) {
        return this.with({ ...request, predicate: { ...(request.predicate ?? {}), [target.slice('predicate.'.length)]: clause.value } });
      }
      if (typeof clause.value !== 'string') throw new FindRequestError(`where ${target}`, `${target} is compared to a string`);
      return this.with({ ...request, [target]: clause.value });
    }
    const path = target.startsWith('config.') ? target.slice('config.'.length) : target;
    const filter: ConfigFilter = { path, op: clause.op, value: clause.value };
    const config = request.config ?? {};
    return this.with({ ...request, config: { ...config, filters: [...(config.filters ?? []), filter] } });
  }

  /** The config layer the conditions read (default `resolved`). */
  layer(layer: ConfigLayerName): FindQuery {
    return this.with({ ...this.#state.request, config: { ...(this.#state.request.config ?? {}), layer } });
  }

  /**
   * Sort terms, first the most significant: a column (`created_at_ns`, `updated_at_ns`,
   * `created_by`, `label`, `module`, `kind`; `created` for `created_at_ns`), a config path (`lr`,
   * `config.optimizer.name`), a file value (`result.json:loss`) or `status`; `-` in front sorts
   * descending. Replaces the terms given before.
   */
  sort(...terms: string[]): FindQuery {
    const sort: SortSpec[] = [];
    const local: LocalSort[] = [];
    for (const term of terms) {
      const ascending = !term.startsWith('-');
      const name = term.replace(/^[-+]/, '');
      const direction = ascending ? 'asc' : 'desc';
      if (name === 'created') sort.push({ by: 'created_at_ns', direction });
      else if ((SORT_COLUMNS as readonly string[]).includes(name)) sort.push({ by: name, direction });
      else if (name.includes(':') || name === 'status' || name === 'cached') local.push({ column: parseColumn(name), ascending });
      else sort.push({ by: name.startsWith('config.') ? name.slice('config.'.length) : name, config_layer: this.#state.request.config?.layer ?? 'resolved', direction });
    }
    // A sort term the index cannot order by means the whole order is made here.
    if (local.length > 0) {
      return this.with(withoutSort(this.#state.request), terms.map((term) => ({ column: parseColumn(columnName(term)), ascending: !term.startsWith('-') })));
    }
    return this.with({ ...this.#state.request, sort }, []);
  }

  /** At most `n` items (1 to 1000 in a request; `all()` and `rows()` take any number). */
  limit(n: number): FindQuery {
    return this.with({ ...this.#state.request, limit: n });
  }

  /** Skips the first `n` matches. */
  offset(n: number): FindQuery {
    return this.with({ ...this.#state.request, offset: n });
  }

  /** Includes hidden records (left out unless asked for). */
  includeHidden(include = true): FindQuery {
    return this.with({ ...this.#state.request, include_hidden: include });
  }

  then<A = FindResult, B = never>(onFulfilled?: ((value: FindResult) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.run().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<FindResult | B> {
    return this.run().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<FindResult> {
    return this.run().finally(onFinally);
  }

  /** The matching interfaces (each loaded with its module's class), in order, paged as asked. */
  async all(): Promise<InterfaceCollection<Interface>> {
    const { session, rows } = await this.matches(true);
    return new InterfaceCollection((await session.instances.fromRows(rows)) as Interface[]);
  }

  /**
   * A results table of the matches without loading their modules: one row per record with the
   * columns asked for (see `toRows`), e.g. `['id', 'config.lr', 'status', 'result.json:loss']`.
   */
  async rows(columns: readonly string[] = ['id', 'module', 'version', 'status', 'created']): Promise<Row[]> {
    const { session, rows } = await this.matches(true);
    return toRows(await viewsOf(rows, session.store, columns.map(parseColumn)), { columns });
  }

  private async run(): Promise<FindResult> {
    const { session } = await this.resolved();
    try {
      if (this.#state.local.length === 0) return await session.store.index.find(this.#state.request);
    } catch (error) {
      throw findFailure(error);
    }
    const { rows, total } = await this.matches(false);
    return { items: rows.map(summaryOf), total };
  }

  /** The matching rows in order, paged (`unbounded`: without the default page size); SQLite's refusal of a request too large is a `FindRequestError`. */
  private async matches(unbounded: boolean): Promise<{ session: Session<Interface<object>>; rows: IndexRow[]; total: number }> {
    try {
      return await this.matching(unbounded);
    } catch (error) {
      throw findFailure(error);
    }
  }

  private async matching(unbounded: boolean): Promise<{ session: Session<Interface<object>>; rows: IndexRow[]; total: number }> {
    const { session, request } = await this.resolved();
    const { index } = session.store;
    const { local } = this.#state;
    if (local.length === 0) {
      if (unbounded && request.limit === undefined) {
        const rows = (await index.all(request)).slice(request.offset ?? 0);
        return { session, rows, total: rows.length };
      }
      const result = await index.search(request);
      return { session, rows: result.items, total: result.total };
    }
    checkFindRequest(request);
    const all = await index.all(request);
    const sortColumns = local.map(({ column }) => column);
    const keyed = (await viewsOf(all, session.store, sortColumns)).map((view) => ({ row: view.row, keys: sortColumns.map((column) => columnValue(view, column)) }));
    keyed.sort((a, b) => {
      for (const [i, { ascending }] of local.entries()) {
        const order = compareValues(a.keys[i], b.keys[i]);
        if (order !== 0) return ascending ? order : -order;
      }
      return a.row.record_id < b.row.record_id ? -1 : a.row.record_id > b.row.record_id ? 1 : 0;
    });
    const offset = request.offset ?? 0;
    const limit = request.limit ?? (unbounded ? Infinity : 100);
    return { session, rows: keyed.slice(offset, offset + limit).map(({ row }) => row), total: keyed.length };
  }

  private async resolved(): Promise<{ session: Session<Interface<object>>; request: FindRequest }> {
    await this.checkConfigPaths();
    return { session: await this.#state.session(), request: this.#state.request };
  }

  /**
   * Checks the query without running it or opening the index: with a module named, its config
   * must declare every config path of a condition or sort term (see `checkConfigPath`); a
   * `FindRequestError` says which does not. Awaiting the query checks the same first.
   */
  check(): Promise<void> {
    return this.checkConfigPaths();
  }

  private async checkConfigPaths(): Promise<void> {
    const { request, local, configOf } = this.#state;
    const module = request.module;
    if (!module || !configOf) return;
    const layer = request.config?.layer ?? 'resolved';
    const paths: [path: string, where: string, layer: ConfigLayerName][] = [
      ...(request.config?.filters ?? []).map((filter): [string, string, ConfigLayerName] => [filter.path, `where ${filter.path}`, layer]),
      ...(request.sort ?? []).filter((term) => term.config_layer && term.by).map((term): [string, string, ConfigLayerName] => [term.by!, `sort ${term.by}`, term.config_layer!]),
      ...local.flatMap(({ column }): [string, string, ConfigLayerName][] => (column.kind === 'config' ? [[column.name.replace(/^config\./, ''), `sort ${column.name}`, layer]] : [])),
    ];
    if (paths.length === 0) return;
    // A malformed request (too long a path, too many filters) is told as such first.
    checkFindRequest(request);
    const config = await configOf(module);
    if (config) for (const [path, where, pathLayer] of paths) checkConfigPath(config, path, where, module, pathLayer);
  }

  private with(request: FindRequest, local: readonly LocalSort[] = this.#state.local): FindQuery {
    return new FindQuery(request, { ...this.#state, local });
  }
}

/**
 * A view of each row that has read what `columns` need: at once with a synchronous storage, else
 * one record after another (a results table of thousands opens no more files at once than one).
 */
async function viewsOf(rows: readonly IndexRow[], store: RecordStore, columns: readonly ColumnSpec[]): Promise<RecordView[]> {
  const views: RecordView[] = [];
  for (const row of rows) {
    const view = RecordView.load(row, store, columns);
    views.push(isThenable(view) ? await view : view);
  }
  return views;
}

function withoutSort(request: FindRequest): FindRequest {
  const { sort: _sort, ...rest } = request;
  return rest;
}

/** A sort term as the column that reads the same value from a record. */
function columnName(term: string): string {
  const name = term.replace(/^[-+]/, '');
  if (name === 'created' || name === 'created_at_ns') return 'created';
  if (name === 'updated_at_ns') return 'updated';
  if (['created_by', 'label', 'module', 'kind', 'status', 'cached'].includes(name)) return name;
  if (name.includes(':') || name.startsWith('config.') || name.startsWith('predicate.')) return name;
  return `config.${name}`;
}

/** SQLite's order for mixed values: missing and null first, then numbers, then text, then the rest. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (v === undefined || v === null ? 0 : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3);
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) return ra - rb;
  if (ra === 1) return Number(a) - Number(b);
  if (ra === 2) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 3) {
    const [sa, sb] = [JSON.stringify(a), JSON.stringify(b)];
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return 0;
}

function summaryOf(row: IndexRow): IndexSummary {
  const { record_id, kind, module, identity_key, predicate_key, parent_id, storage_uri, local_uri, storage_id, hidden, bytes_missing, created_at_ns, created_by, label } = row;
  return { record_id, kind, module, identity_key, predicate_key, parent_id, storage_uri, local_uri, storage_id, hidden, bytes_missing, created_at_ns, created_by, label };
}
