/**
 * Checking a find request before any SQL is built: every key known, every value of its type, every
 * path well formed, defaults filled in as the reference's pydantic models fill them. A mistake is
 * a `FindRequestError` naming the key (`config.filters[0].op`) and what is allowed there, rather
 * than a query that silently matches nothing.
 */
import { FindRequestError } from '../kernel/errors.js';
import type { JsonValue } from '../json/json.js';
import { closest } from '../config/suggest.js';
import { isPlainObject } from '../config/plain.js';
import { PyFloat } from '../json/py-float.js';
import { canonicalJson } from '../json/canonical-json.js';
import type { ConfigLayerName, ConfigOp, SortColumn } from '../ports/index.js';

/** The config layers, as the reference names them. */
export const CONFIG_LAYERS: readonly ConfigLayerName[] = ['default', 'version', 'update', 'resolved'];

/** The config filter operators: the reference's, and `like` (a pattern; see `buildFindSql`). */
export const CONFIG_OPS: readonly ConfigOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'like'];

/** The columns a sort term may name without a config layer (the reference's `_SORTABLE_COLUMNS`). */
export const SORT_COLUMNS: readonly SortColumn[] = ['created_at_ns', 'updated_at_ns', 'created_by', 'label', 'module', 'kind'];

/** The columns a request filters by equality, in the order the reference adds their clauses. */
export const EQUALITY_KEYS = ['module', 'kind', 'created_by', 'label', 'parent_id', 'identity_key', 'predicate_key'] as const;

/** A column filtered by equality. */
export type EqualityKey = (typeof EQUALITY_KEYS)[number];

const REQUEST_KEYS = [
  ...EQUALITY_KEYS,
  'predicate',
  'config',
  'sort',
  'include_hidden',
  'include_bytes_missing',
  'record_id_suffix',
  'limit',
  'offset',
] as const;
const CONFIG_KEYS = ['layer', 'filters'] as const;
const FILTER_KEYS = ['path', 'op', 'value'] as const;
const SORT_KEYS = ['by', 'config_layer', 'direction'] as const;

/**
 * How large a find request may be: more is refused with a `FindRequestError` naming the limit
 * and the key, so that no request reaches SQLite's own limits (an expression tree 1,000 deep,
 * 32,766 bound values, LIKE patterns of 50,000 bytes), whose errors say nothing of the request.
 */
export const FIND_LIMITS = {
  /** Config filters (`config.filters`). */
  filters: 100,
  /** Predicate entries (`predicate`). */
  predicate: 100,
  /** Sort terms (`sort`). */
  sort: 16,
  /** Values of one `in` list. */
  inValues: 1000,
  /** Values bound in all (every `in` list's values and every other filter's one). */
  values: 5000,
  /** Characters of a path (a config, predicate or sort path). */
  path: 500,
  /** Characters of a value's JSON text (a string value, `record_id_suffix`, a column's value). */
  value: 10_000,
} as const;

/** The largest page a request may ask for. */
export const MAX_LIMIT = 1000;
/** The page size when a request names none. */
export const DEFAULT_LIMIT = 100;

/** A predicate equality: a JSON path into `predicate_json` and the value it must hold. */
export interface CheckedPredicate {
  /** Where the path came from, for errors: `predicate.<path>`. */
  readonly key: string;
  readonly jsonPath: string;
  readonly value: JsonValue;
}

/** A config filter with its defaults filled in and its path as a SQLite JSON path. */
export interface CheckedFilter {
  /** Where the filter came from, for errors: `config.filters[<i>]`. */
  readonly at: string;
  readonly jsonPath: string;
  readonly op: ConfigOp;
  readonly value: JsonValue;
}

/** A sort term: an index column, or a JSON path into a config layer. */
export type CheckedSort =
  | { readonly column: SortColumn; readonly ascending: boolean }
  | { readonly layer: ConfigLayerName; readonly jsonPath: string; readonly ascending: boolean };

/** A find request that passed {@link checkFindRequest}, defaults filled in. */
export interface CheckedFindRequest {
  /** Equality filters, in the reference's clause order; absent keys and nulls are left out. */
  readonly equals: ReadonlyArray<readonly [EqualityKey, string]>;
  readonly predicate: readonly CheckedPredicate[];
  readonly config: { readonly layer: ConfigLayerName; readonly filters: readonly CheckedFilter[] } | null;
  readonly sort: readonly CheckedSort[];
  readonly includeHidden: boolean;
  readonly includeBytesMissing: boolean;
  readonly recordIdSuffix: string | null;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Checks a find request (as a caller wrote it, possibly from JSON) and fills in the reference's
 * defaults: config layer `resolved`, operator `eq`, value `null`, sort by `created_at_ns`
 * descending, limit 100, offset 0. Throws `FindRequestError` for an unknown key at any level, an
 * unknown operator, layer or sort column, a limit or offset out of range, a malformed path or a
 * value of the wrong type.
 *
 * @example
 * checkFindRequest({ config: { filters: [{ path: 'optimizer.lr', op: 'gt', value: 0.1 }] } });
 * checkFindRequest({ modul: 'train' }); // FindRequestError: modul: unknown key (did you mean 'module'?) ...
 */
export function checkFindRequest(request: unknown): CheckedFindRequest {
  const top = object(request, '', 'a find request must be an object, e.g. { module: "train" }');
  knownKeys(top, REQUEST_KEYS, '', 'a find request');

  const equals: Array<readonly [EqualityKey, string]> = [];
  for (const key of EQUALITY_KEYS) {
    const value = optionalString(top[key], key);
    if (value !== null) equals.push([key, sized(value, key)]);
  }

  const predicate: CheckedPredicate[] = [];
  const predicateValue = top['predicate'];
  if (predicateValue !== undefined && predicateValue !== null) {
    const entries = object(predicateValue, 'predicate', 'must be an object of dotted paths and values, e.g. { "dataset.name": "mnist" }');
    atMost(Object.keys(entries).length, FIND_LIMITS.predicate, 'predicate', 'predicate entries');
    for (const [path, value] of Object.entries(entries)) {
      const key = `predicate.${path}`;
      if (value === undefined) continue;
      predicate.push({ key, jsonPath: toJsonPath(path, key), value: sized(jsonValue(value, key), key) });
    }
  }

  let config: CheckedFindRequest['config'] = null;
  if (top['config'] !== undefined && top['config'] !== null) {
    const match = object(top['config'], 'config', 'must be an object { layer, filters }');
    knownKeys(match, CONFIG_KEYS, 'config', 'config');
    const layer = configLayer(match['layer'], 'config.layer') ?? 'resolved';
    const filters: CheckedFilter[] = [];
    const list = match['filters'];
    if (list !== undefined) {
      if (!Array.isArray(list)) throw new FindRequestError('config.filters', `must be a list of filters { path, op, value }, not ${describe(list)}`);
      atMost(list.length, FIND_LIMITS.filters, 'config.filters', 'filters');
      list.forEach((item: unknown, i) => {
        const at = `config.filters[${i}]`;
        const filter = object(item, at, 'must be an object { path, op, value }');
        knownKeys(filter, FILTER_KEYS, at, 'a config filter');
        const path = filter['path'];
        if (typeof path !== 'string') {
          throw new FindRequestError(`${at}.path`, path === undefined ? 'required: the dotted path into the config layer, e.g. "optimizer.lr"' : `must be a string, not ${describe(path)}`);
        }
        const op = configOp(filter['op'], `${at}.op`);
        const value = filter['value'] === undefined ? null : sized(jsonValue(filter['value'], `${at}.value`), `${at}.value`);
        if (op === 'in' && Array.isArray(value)) atMost(value.length, FIND_LIMITS.inValues, `${at}.value`, "values in one 'in' list");
        if (op === 'like' && typeof value !== 'string') {
          throw new FindRequestError(`${at}.value`, `like takes a pattern (a string with % and _ as wildcards, \\ escaping them), not ${describe(value)}`);
        }
        filters.push({ at, jsonPath: toJsonPath(path, `${at}.path`), op, value });
      });
    }
    config = { layer, filters };
    const bound = filters.reduce((sum, { op, value }) => sum + (op === 'in' && Array.isArray(value) ? value.length : 1), 0);
    atMost(bound, FIND_LIMITS.values, 'config.filters', "values bound in all (each filter's value, each value of an 'in' list)");
  }

  const sort: CheckedSort[] = [];
  const sortValue = top['sort'];
  if (sortValue !== undefined) {
    if (!Array.isArray(sortValue)) throw new FindRequestError('sort', `must be a list of sort terms { by, config_layer, direction }, not ${describe(sortValue)}`);
    atMost(sortValue.length, FIND_LIMITS.sort, 'sort', 'sort terms');
    sortValue.forEach((item: unknown, i) => {
      const at = `sort[${i}]`;
      const spec = object(item, at, 'must be an object { by, config_layer, direction }');
      knownKeys(spec, SORT_KEYS, at, 'a sort term');
      const by = spec['by'] ?? 'created_at_ns';
      if (typeof by !== 'string') throw new FindRequestError(`${at}.by`, `must be a string, not ${describe(by)}`);
      const direction = spec['direction'] ?? 'desc';
      if (typeof direction !== 'string') throw new FindRequestError(`${at}.direction`, `must be "asc" or "desc", not ${describe(direction)}`);
      // The reference's rule: "asc" in any case ascends, any other string descends.
      const ascending = direction.toLowerCase() === 'asc';
      const layer = configLayer(spec['config_layer'], `${at}.config_layer`);
      if (layer !== null) {
        sort.push({ layer, jsonPath: toJsonPath(by, `${at}.by`), ascending });
      } else {
        if (!(SORT_COLUMNS as readonly string[]).includes(by)) {
          throw new FindRequestError(
            `${at}.by`,
            `cannot sort by '${by}'${hint(by, SORT_COLUMNS)}; sort by one of ${SORT_COLUMNS.join(', ')}, ` +
              'or by a config path with config_layer set (e.g. { by: "optimizer.lr", config_layer: "resolved" })',
          );
        }
        sort.push({ column: by as SortColumn, ascending });
      }
    });
  }

  return {
    equals,
    predicate,
    config,
    sort,
    includeHidden: optionalBoolean(top['include_hidden'], 'include_hidden'),
    includeBytesMissing: optionalBoolean(top['include_bytes_missing'], 'include_bytes_missing'),
    recordIdSuffix: sizedOrNull(optionalString(top['record_id_suffix'], 'record_id_suffix'), 'record_id_suffix'),
    limit: integer(top['limit'], 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: integer(top['offset'], 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

const PATH_SEGMENT = /^[A-Za-z0-9_\-[\]]+$/;
// What SQLite's JSON path parser reads of those characters: a key (anything up to `.` or `[`, not
// empty) then array indexes `[<digits>]`. `a[x]`, `[0]` or `a[0]b` pass the segment check but make
// SQLite fail ("bad JSON path"), and only when a row's data leads the lookup that far.
const SQLITE_SEGMENT = /^[^.[]+(?:\[\d+\])*$/;

/**
 * A dotted user path as a SQLite JSON path, as the reference's `_json_path`: empty segments are
 * skipped (`''` is the whole layer, `$`), each other segment must be letters, digits, `_`, `-` and
 * brackets (`layers[0]`). Unlike the reference, a segment SQLite's parser would refuse is refused
 * here too, so a bad path fails whatever the rows hold. The path is bound as a parameter all the same.
 *
 * @example
 * toJsonPath('optimizer.lr', 'config.filters[0].path'); // '$.optimizer.lr'
 */
export function toJsonPath(path: string, key: string): string {
  if (path.length > FIND_LIMITS.path) {
    throw new FindRequestError(key, `a path of ${path.length} characters is longer than the limit of ${FIND_LIMITS.path} (FIND_LIMITS.path); shorten it`);
  }
  const parts = path.split('.').filter((part) => part !== '');
  for (const part of parts) {
    if (!PATH_SEGMENT.test(part) || !SQLITE_SEGMENT.test(part)) {
      const reason = PATH_SEGMENT.test(part) ? 'SQLite cannot read it as a JSON path' : "a segment holds letters, digits, '_', '-' and array indexes";
      throw new FindRequestError(
        key,
        `invalid path segment '${part}' in '${path}' (${reason}): write a key, then any array indexes in brackets, ` +
          'segments separated by \'.\' (e.g. "optimizer.lr", "layers[0].size")',
      );
    }
  }
  return `$${parts.map((part) => `.${part}`).join('')}`;
}

/** A `FindRequestError` when a request holds more than `limit` of something. */
function atMost(count: number, limit: number, key: string, what: string): void {
  if (count <= limit) return;
  throw new FindRequestError(key, `${count} ${what} are more than the limit of ${limit} a find request may hold; split the find into several, or filter by fewer values`);
}

/** The value, if its JSON text is at most {@link FIND_LIMITS}.value characters long. */
function sized<T extends JsonValue>(value: T, key: string): T {
  const length = typeof value === 'string' ? value.length : canonicalJson(value).length;
  if (length > FIND_LIMITS.value) {
    throw new FindRequestError(key, `a value of ${length} characters is longer than the limit of ${FIND_LIMITS.value} (FIND_LIMITS.value); shorten it`);
  }
  return value;
}

function sizedOrNull(value: string | null, key: string): string | null {
  return value === null ? null : sized(value, key);
}

function object(value: unknown, key: string, reason: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new FindRequestError(key, `${reason}, not ${describe(value)}`);
  return value;
}

function knownKeys(value: Record<string, unknown>, allowed: readonly string[], at: string, what: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    throw new FindRequestError(at ? `${at}.${key}` : key, `unknown key${hint(key, allowed)}; ${what} has the keys ${allowed.join(', ')}`);
  }
}

function optionalString(value: unknown, key: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new FindRequestError(key, `must be a string or null, not ${describe(value)}`);
  return value;
}

function optionalBoolean(value: unknown, key: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new FindRequestError(key, `must be true or false, not ${describe(value)}`);
  return value;
}

function integer(value: unknown, key: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new FindRequestError(key, `must be ${range}, not ${describe(value)}`);
  }
  return value;
}

function configLayer(value: unknown, key: string): ConfigLayerName | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && (CONFIG_LAYERS as readonly string[]).includes(value)) return value as ConfigLayerName;
  throw new FindRequestError(key, `unknown config layer ${describe(value)}${hint(value, CONFIG_LAYERS)}; use one of ${CONFIG_LAYERS.join(', ')}`);
}

function configOp(value: unknown, key: string): ConfigOp {
  if (value === undefined) return 'eq';
  if (typeof value === 'string' && (CONFIG_OPS as readonly string[]).includes(value)) return value as ConfigOp;
  throw new FindRequestError(key, `unknown operator ${describe(value)}${hint(value, CONFIG_OPS)}; use one of ${CONFIG_OPS.join(', ')}`);
}

/** The value if it is JSON data as the format holds it; a `FindRequestError` naming the key otherwise. */
function jsonValue(value: unknown, key: string, depth = 0): JsonValue {
  if (depth > 100) throw new FindRequestError(key, 'nested too deeply');
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw new FindRequestError(key, `${value} has no JSON form; use a finite number`);
    case 'object':
      if (value === null || value instanceof PyFloat) return value;
      if (Array.isArray(value)) return value.map((item: unknown, i) => jsonValue(item, `${key}[${i}]`, depth + 1));
      if (isPlainObject(value)) {
        const out: { [k: string]: JsonValue } = {};
        for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v, `${key}.${k}`, depth + 1);
        return out;
      }
      break;
    default:
      break;
  }
  throw new FindRequestError(key, `must be JSON data (a string, number, boolean, null, list or plain object), not ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : `an instance of ${value.constructor?.name ?? 'a class'}`;
  return `a ${typeof value}`;
}

/** ` (did you mean 'x'?)` for a near miss among `options` (at most two edits away), or nothing. */
function hint(given: unknown, options: readonly string[]): string {
  if (typeof given !== 'string') return '';
  const best = closest(given, options, 2);
  return best === undefined || best === given ? '' : ` (did you mean '${best}'?)`;
}
