/**
 * The reference's find algebra (`_build_find_sql` in machinable 5.0's `index.py`) as SQL over the
 * `'index'` table: the same clauses in the same order, values bound the same way, so a request
 * matches the same rows in either implementation. SQLite's comparison rules are part of the
 * algebra (a number is less than any text, NULL matches no comparison).
 */
import { FindRequestError } from '../kernel/errors.js';
import type { JsonValue } from '../json/json.js';
import { canonicalJson } from '../json/canonical-json.js';
import { PyFloat, pyFloatRepr } from '../json/py-float.js';
import type { CheckedFindRequest } from './find-request.js';
import type { ConfigLayerName, ConfigOp } from '../ports/index.js';

/** A value bound to a statement parameter: TEXT, REAL (number) or INTEGER (bigint). */
export type SqlParam = string | number | bigint;

/** The column holding each config layer (fixed identifiers, never user input). */
export const CONFIG_COLUMNS: Readonly<Record<ConfigLayerName, string>> = {
  default: 'config_default_json',
  version: 'config_version_json',
  update: 'config_update_json',
  resolved: 'config_resolved_json',
};

const COMPARISONS: Readonly<Partial<Record<ConfigOp, string>>> = {
  eq: '=',
  ne: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/** The parts of a find query; the caller adds the column list and paging. */
export interface FindSql {
  /** The WHERE condition (`1=1` when there is none). */
  readonly where: string;
  readonly whereParams: readonly SqlParam[];
  /** The ORDER BY terms, ending with `record_id` so that pages are stable. */
  readonly orderBy: string;
}

/**
 * `json_extract(<layer column>, '<path>')`: a config path as the SQL of a find. The path (a
 * checked JSON path, quotes doubled) is written into the SQL rather than bound, so that SQLite
 * can answer from an expression index on the same expression (see {@link findIndexSql}).
 */
export function configExpression(layer: ConfigLayerName, jsonPath: string): string {
  return `json_extract(${CONFIG_COLUMNS[layer]}, '${jsonPath.replaceAll("'", "''")}')`;
}

/** The config paths a request filters or sorts on, once each. */
export function configPathsOf(request: CheckedFindRequest): { readonly layer: ConfigLayerName; readonly jsonPath: string }[] {
  const out = new Map<string, { layer: ConfigLayerName; jsonPath: string }>();
  if (request.config !== null) for (const { jsonPath } of request.config.filters) out.set(`${request.config.layer} ${jsonPath}`, { layer: request.config.layer, jsonPath });
  for (const spec of request.sort) if (!('column' in spec)) out.set(`${spec.layer} ${spec.jsonPath}`, { layer: spec.layer, jsonPath: spec.jsonPath });
  return [...out.values()];
}

/**
 * An expression index for finds on a config path: by module, then the path's value, covering
 * the filters every find adds (`hidden`, `bytes_missing`), so a filtered, sorted, counted find of
 * one module reads the index alone.
 */
export function findIndexSql(name: string, layer: ConfigLayerName, jsonPath: string): string {
  return `CREATE INDEX IF NOT EXISTS ${name} ON 'index'(module, ${configExpression(layer, jsonPath)}, hidden, bytes_missing)`;
}

/**
 * The WHERE and ORDER BY of a checked request. Values are always bound parameters; the text
 * spliced into the SQL is fixed column names, operators, and config paths as quoted string
 * literals (see {@link configExpression}).
 *
 * @example
 * const { where, whereParams } = buildFindSql(checkFindRequest({ module: 'train' }));
 * // where: 'module = ? AND hidden = 0 AND bytes_missing = 0', whereParams: ['train']
 */
export function buildFindSql(request: CheckedFindRequest): FindSql {
  const clauses: string[] = [];
  const params: SqlParam[] = [];

  for (const [column, value] of request.equals) {
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  for (const { key, jsonPath, value } of request.predicate) {
    clauses.push('json_extract(predicate_json, ?) = ?');
    // A boolean predicate value is matched as the integer json_extract yields for true/false.
    params.push(jsonPath, typeof value === 'boolean' ? (value ? 1n : 0n) : bindValue(value, key));
  }
  if (request.config !== null) {
    for (const { at, jsonPath, op, value } of request.config.filters) {
      const expr = configExpression(request.config.layer, jsonPath);
      const key = `${at}.value`;
      const comparison = COMPARISONS[op];
      if (comparison !== undefined) {
        clauses.push(`${expr} ${comparison} ?`);
        params.push(bindValue(value, key));
      } else if (op === 'in') {
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0) {
          clauses.push('0=1');
          continue;
        }
        clauses.push(`${expr} IN (${values.map(() => '?').join(',')})`);
        params.push(...values.map((v, i) => bindValue(v, Array.isArray(value) ? `${key}[${i}]` : key)));
      } else {
        // contains: the value as literal text (unlike the reference, whose `%` and `_` are
        // wildcards there); like: the value is the pattern.
        const pattern = op === 'like' ? String(value) : `%${escapeLike(pyStr(value))}%`;
        if (Buffer.byteLength(pattern) > MAX_LIKE_PATTERN_BYTES) {
          throw new FindRequestError(key, `the pattern is ${Buffer.byteLength(pattern)} bytes long, more than SQLite's limit of ${MAX_LIKE_PATTERN_BYTES}; shorten the value`);
        }
        clauses.push(`${expr} LIKE ? ESCAPE '\\'`);
        params.push(pattern);
      }
    }
  }
  if (!request.includeHidden) clauses.push('hidden = 0');
  if (!request.includeBytesMissing) clauses.push('bytes_missing = 0');
  if (request.recordIdSuffix !== null) {
    // Escaped, unlike the reference: a suffix is text, so `%` matches only a `%`.
    clauses.push("record_id LIKE ? ESCAPE '\\'");
    params.push(`%${escapeLike(request.recordIdSuffix)}`);
  }

  const terms: string[] = [];
  for (const spec of request.sort) {
    const direction = spec.ascending ? 'ASC' : 'DESC';
    if ('column' in spec) {
      terms.push(`${spec.column} ${direction}`);
    } else {
      terms.push(`${configExpression(spec.layer, spec.jsonPath)} ${direction}`);
    }
  }
  if (terms.length === 0) terms.push('created_at_ns DESC');
  // Not in the reference, whose ties come out in whatever order SQLite's sorter leaves them:
  // without a total order, offset paging could repeat or skip rows that tie.
  terms.push('record_id');

  return {
    where: clauses.length > 0 ? clauses.join(' AND ') : '1=1',
    whereParams: params,
    orderBy: terms.join(', '),
  };
}

/** SQLite's SQLITE_MAX_LIKE_PATTERN_LENGTH, in bytes. */
const MAX_LIKE_PATTERN_BYTES = 50_000;

/**
 * Text as a LIKE pattern matching it literally (with `ESCAPE '\'`): `%`, `_` and `\` escaped.
 *
 * @example
 * escapeLike('1_%'); // '1\\_\\%'
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** SQLite's errors about a statement too large or too complex for it: a request's size, not the index's health. */
const REQUEST_TOO_LARGE = /expression tree is too large|too many SQL variables|LIKE or GLOB pattern too complex|too many terms|parser stack overflow|string or blob too big|bad JSON path|JSON path error/i;

/**
 * The error to throw for a failure while running a find: SQLite's refusal of a request too large
 * or too complex for it (`Expression tree is too large`, `too many SQL variables`) becomes a
 * `FindRequestError` saying so and naming {@link FIND_LIMITS}, rather than reaching a user raw;
 * anything else (the index's own trouble) is returned as it is.
 */
export function findFailure(error: unknown): unknown {
  if (error instanceof FindRequestError || !(error instanceof Error)) return error;
  const code = 'code' in error ? String((error as { code: unknown }).code) : '';
  if (!code.startsWith('SQLITE_') || !REQUEST_TOO_LARGE.test(error.message)) return error;
  return new FindRequestError('', `SQLite cannot run a find this large or complex (${error.message}); use fewer filters, values or sort terms (FIND_LIMITS says how many a request may hold)`);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A filter value as the reference's `_bind_value` binds it: a string as TEXT, an int as INTEGER, a
 * float as REAL, a boolean as the JSON text `'true'`/`'false'`, and anything else (null, a list,
 * an object) as its canonical JSON text.
 *
 * @example
 * bindValue(3, 'k');              // 3n (INTEGER)
 * bindValue(new PyFloat(3), 'k'); // 3 (REAL)
 * bindValue(true, 'k');           // 'true'
 * bindValue(null, 'k');           // 'null'
 */
export function bindValue(value: JsonValue, key: string): SqlParam {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new FindRequestError(key, `the integer ${value} does not fit SQLite's 64-bit integers; compare with a float instead`);
    }
    return value;
  }
  if (typeof value === 'number') {
    // better-sqlite3 binds every number as REAL; an int must be INTEGER, as Python binds it.
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? BigInt(value) : value;
  }
  if (value instanceof PyFloat) return value.value;
  return canonicalJson(value);
}

/**
 * Python's `str(value)` of a JSON value (what the reference's `f"%{value}%"` puts in a
 * `contains` pattern): strings as they are, `True`/`False`/`None`, ints as digits, floats as their
 * repr, lists and dicts as their repr.
 */
export function pyStr(value: JsonValue): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

function pyRepr(value: JsonValue): string {
  if (value === null) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isInteger(value) ? BigInt(value).toString() : pyFloatRepr(value);
    case 'string':
      return pyStringRepr(value);
    default:
      break;
  }
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v)}`)
    .join(', ')}}`;
}

// What Python's str.isprintable() rejects: other (Cc, Cf, Cs, Co, Cn) and separators but the space.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\t') out += '\\t';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x7f || (code !== 0x20 && !NOT_PRINTABLE.test(char))) out += char;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out + quote;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
