/**
 * Flat rows of interfaces, for a results table or a CSV file: one row per item, one column per
 * value, so a collection can go straight into `console.table`, a dataframe or a spreadsheet.
 */
import { metadata } from '../config/metadata.js';
import { isPlainObject, joinPath } from '../config/plain.js';
import { cellOf, columnValue, parseColumn, type CellValue, type ColumnSource } from './columns.js';

export type { CellValue } from './columns.js';


/**
 * One row of `toRows()`. The four base columns come first, then `config.<path>` columns such as
 * `config.lr`, `config.optimizer.name`, `config.layers[0].size`.
 */
export interface Row {
  uuid: string | undefined;
  module: string | undefined;
  /** The version as given, rendered by `formatVersion` (`~adam {"seed":1}`). */
  version: string | undefined;
  cached: boolean | undefined;
  [column: string]: CellValue;
}

/** Options of `toRows()` and `toCsv()`. */
export interface ToRowsOptions {
  /** `false` leaves out every `config.*` column (default `true`). */
  config?: boolean;
  /**
   * How arrays in the config become columns. `'expand'` (default) gives one column per element,
   * named like config error paths (`config.layers[0].size`); `'json'` keeps each array in one
   * column as compact JSON (`[{"size":8},{"size":4}]`), which keeps the column count fixed when
   * runs have arrays of different lengths.
   */
  arrays?: 'expand' | 'json';
  /**
   * The columns to make, in order, instead of the default ones: record fields (`id`, `module`,
   * `version`, `status`, `cached`, `label`, `created`, `updated`, `created_by`, `kind`), config
   * values (`config.lr`), predicate values (`predicate.dataset`) and values read from the record's
   * files (`result.json:loss`; a `.jsonl` file is read at its last line). Each row has exactly
   * these keys; a value an item lacks is `undefined`.
   */
  columns?: readonly string[];
}

/** The base columns, always present and always first. */
export const BASE_COLUMNS = ['uuid', 'module', 'version', 'cached'] as const;

/**
 * Flattens items into rows with the union of their columns: a column that only some items have is
 * `undefined` in the others. Config columns keep the order in which they are first met, which
 * for runs of one module is the order the fields are declared in.
 *
 * Every member is read duck-typed, so any object works; what an item lacks is `undefined`:
 * - `uuid`, `module`: used when they are strings;
 * - `version`: a method (as on `Interface`) or a value; a list of items, a string or an object;
 * - `cached`: a method (as on `Interface`) or a boolean;
 * - `config`: an object, whose own keys become columns; inside it, plain objects and `@Config()`
 *   instances are flattened recursively with dotted keys (`config.optimizer.name`), record keys
 *   that are not identifiers are quoted (`config.weights["a.b"]`), and empty nested objects and
 *   arrays stay visible as `{}` and `[]`. A config that is not an object is one `config` column.
 *
 * Other values become scalars: `Date` as an ISO string, anything else that is not a scalar
 * (a `Map`, a class that is not a config, a `bigint`) as JSON, or `String(value)` when JSON fails.
 *
 * @example
 * toRows([run], { arrays: 'json' });
 * // [{ uuid: '0190…', module: 'train', version: '~adam {"seed":1}', cached: true, 'config.lr': 0.001, … }]
 */
export function toRows(items: Iterable<unknown>, options: ToRowsOptions = {}): Row[] {
  if (options.columns) return columnRows(items, options.columns);
  const withConfig = options.config ?? true;
  const arrays = options.arrays ?? 'expand';
  const columns = new Set<string>(BASE_COLUMNS);
  const partial: Map<string, CellValue>[] = [];
  for (const item of items) {
    const cells = new Map<string, CellValue>([
      ['uuid', stringMember(item, 'uuid')],
      ['module', stringMember(item, 'module')],
      ['version', versionCell(item)],
      ['cached', cachedCell(item)],
    ]);
    if (withConfig) {
      const config = member(item, 'config');
      // The config itself is flattened whatever its class; a config without keys adds no columns.
      if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
        for (const [key, value] of Object.entries(config)) flatten(value, joinPath('config', key), cells, arrays, [config]);
      } else if (config !== undefined) {
        flatten(config, 'config', cells, arrays, []);
      }
    }
    for (const column of cells.keys()) columns.add(column);
    partial.push(cells);
  }
  // Rows share one column list so a table of mixed configs lines up; missing cells are undefined.
  return partial.map((cells) => {
    const row = {} as Row;
    for (const column of columns) row[column] = cells.get(column);
    return row;
  });
}

/** Rows of exactly the columns asked for (see `ToRowsOptions.columns`). */
function columnRows(items: Iterable<unknown>, columns: readonly string[]): Row[] {
  const specs = columns.map(parseColumn);
  const rows: Row[] = [];
  for (const item of items) {
    const row = {} as Row;
    for (const spec of specs) {
      const value = columnValue(item as ColumnSource, spec);
      row[spec.name] = spec.kind === 'field' && spec.field === 'version' ? formatVersion(value) : cellOf(value);
    }
    rows.push(row);
  }
  return rows;
}

/** Column names of `rows` in order: the union of their keys as first met. */
export function columnsOf(rows: Iterable<Row>): string[] {
  const columns = new Set<string>(BASE_COLUMNS);
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

/**
 * RFC 4180 CSV of rows (with `columns`, exactly those, in that order; else every column the rows
 * have): a header line, then one record per row, every line ending in CRLF. A
 * field is quoted when it holds a comma, a quote, CR or LF, with inner quotes doubled;
 * `undefined` and `null` are empty fields, booleans `true`/`false`.
 *
 * @example
 * writeFileSync('runs.csv', rowsToCsv(runs.toRows()));
 * // uuid,module,version,cached,config.lr\r\n0190…,train,"~adam {""seed"":1}",true,0.001\r\n
 */
export function rowsToCsv(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const lines = [columns.map(csvField)];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])));
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

/**
 * Renders a version compactly: items separated by a space, `~name(...)` strings as written,
 * config objects as compact JSON with keys in the order given. `['~adam', { seed: 1 }]` becomes
 * `~adam {"seed":1}`, no version the empty string. Every item starts with `~` or `{`, so a
 * reader can tell the items apart; it is for display (use `version()` to get the items back).
 *
 * @example
 * formatVersion(['~adam(lr=3e-4)', { 'optimizer.momentum': 0.95 }]); // '~adam(lr=3e-4) {"optimizer.momentum":0.95}'
 */
export function formatVersion(version: unknown): string {
  if (version === undefined || version === null) return '';
  const items: unknown[] = Array.isArray(version) ? version.flat(Infinity) : [version];
  return items
    .filter((item) => item !== undefined && item !== null)
    .map((item) => (typeof item === 'string' ? item.trim() : toJson(item)))
    .join(' ');
}

/** Reads `item[name]`, or undefined when `item` is not an object or lacks it. */
export function member(item: unknown, name: string): unknown {
  if (item === null || (typeof item !== 'object' && typeof item !== 'function')) return undefined;
  return (item as Record<string, unknown>)[name];
}

/** A member that may be a method (`version()`, `cached()`) or a plain value. */
function callOrValue(item: unknown, name: string): unknown {
  const value = member(item, name);
  return typeof value === 'function' ? (value as () => unknown).call(item) : value;
}

function stringMember(item: unknown, name: string): string | undefined {
  const value = member(item, name);
  return typeof value === 'string' ? value : undefined;
}

function versionCell(item: unknown): string | undefined {
  const version = callOrValue(item, 'version');
  return version === undefined ? undefined : formatVersion(version);
}

function cachedCell(item: unknown): boolean | undefined {
  const cached = callOrValue(item, 'cached');
  return typeof cached === 'boolean' ? cached : undefined;
}

/**
 * Writes `value` under `path` into `cells`, recursing into branches. `ancestors` guards against
 * cycles, which a duck-typed config (not one from `resolveConfig`) could have.
 */
function flatten(value: unknown, path: string, cells: Map<string, CellValue>, arrays: 'expand' | 'json', ancestors: object[]): void {
  if (Array.isArray(value)) {
    if (arrays === 'json' || value.length === 0) return void cells.set(path, toJson(value));
    if (ancestors.includes(value)) return void cells.set(path, '[Circular]');
    value.forEach((element, index) => flatten(element, joinPath(path, index), cells, arrays, [...ancestors, value]));
    return;
  }
  if (isBranch(value)) {
    if (ancestors.includes(value)) return void cells.set(path, '[Circular]');
    const entries = Object.entries(value);
    if (entries.length === 0) return void cells.set(path, '{}');
    for (const [key, child] of entries) flatten(child, joinPath(path, key), cells, arrays, [...ancestors, value]);
    return;
  }
  cells.set(path, toCell(value));
}

/** Objects whose keys become columns: plain objects (records, free-form) and `@Config()` instances. */
function isBranch(value: unknown): value is object {
  if (isPlainObject(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  for (let proto: unknown = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor === 'function' && metadata.configOptions(ctor) !== undefined) return true;
  }
  return false;
}

function toCell(value: unknown): CellValue {
  if (value === undefined || value === null) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  return toJson(value);
}

/** Compact JSON, or `String(value)` for what JSON cannot show (bigint, functions, cycles). */
function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function csvField(value: CellValue): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
