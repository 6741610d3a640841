import { FindRequestError } from '../kernel/errors.js';

/** What a cell holds: a scalar, so every table and CSV writer can show it as is. */
export type CellValue = string | number | boolean | null | undefined;

/**
 * A column of a results table, as written: a field of the record (`id`, `module`, `version`,
 * `status`, `cached`, `label`, `created`, `updated`, `created_by`, `kind`), a value of its config
 * (`config.lr`, `config.layers[0].size`) or predicate (`predicate.dataset`), or a value read from
 * one of its files (`result.json:loss`, `metrics.json:val.acc`, `log.jsonl:loss` for the last line).
 */
export type ColumnSpec =
  | { readonly kind: 'field'; readonly name: string; readonly field: RecordField }
  | { readonly kind: 'config' | 'predicate'; readonly name: string; readonly path: readonly PathSegment[] }
  | { readonly kind: 'file'; readonly name: string; readonly file: string; readonly path: readonly PathSegment[] };

/** The record fields a column can name. */
export const RECORD_FIELDS = ['id', 'uuid', 'module', 'version', 'status', 'cached', 'label', 'created', 'updated', 'created_by', 'kind'] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

/** A step into a value: an object key or an array index. */
export type PathSegment = string | number;

/** What a column reads from an item: the members an `Interface` (or a record view) has. */
export interface ColumnSource {
  readonly uuid?: string;
  readonly module?: string | null;
  readonly kind?: string;
  readonly label?: string | null;
  readonly createdBy?: string | null;
  readonly createdAt?: Date;
  readonly updatedAt?: Date;
  readonly config?: unknown;
  readonly predicate?: unknown;
  version?(): unknown;
  status?(): string;
  cached?(): boolean;
  loadFile?<T>(name: string, fallback?: T): T;
}

/**
 * Reads a column as written.
 *
 * @example
 * parseColumn('result.json:loss'); // { kind: 'file', file: 'result.json', path: ['loss'], ... }
 */
export function parseColumn(text: string): ColumnSpec {
  const name = text.trim();
  const colon = name.indexOf(':');
  if (colon > 0) {
    const file = name.slice(0, colon);
    return { kind: 'file', name, file, path: parsePath(name.slice(colon + 1), name) };
  }
  if ((RECORD_FIELDS as readonly string[]).includes(name)) return { kind: 'field', name, field: name as RecordField };
  if (name.startsWith('config.')) return { kind: 'config', name, path: parsePath(name.slice('config.'.length), name) };
  if (name.startsWith('predicate.')) return { kind: 'predicate', name, path: parsePath(name.slice('predicate.'.length), name) };
  throw new FindRequestError(
    `columns: ${name}`,
    `unknown column; write a record field (${RECORD_FIELDS.join(', ')}), config.<path>, predicate.<path>, or <file>:<path> such as result.json:loss`,
  );
}

/** `a.b[2].c` as segments; an empty path is the whole value. */
export function parsePath(text: string, column: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of text.split('.')) {
    if (part === '') continue;
    const match = /^([^[\]]*)((?:\[-?\d+\])*)$/.exec(part);
    if (!match) throw new FindRequestError(`columns: ${column}`, `'${part}' is not a path segment; write names and [index] steps, e.g. layers[0].size`);
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(-?\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

/** The value at a path; an array entered by a name (a `.jsonl` log) is read at its last element. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current)) {
      const list: unknown[] = current;
      if (typeof segment === 'number') {
        current = list.at(segment);
        continue;
      }
      current = list.at(-1);
    }
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

/** The value of a column for an item (`undefined` where the item has none), before it becomes a cell. */
export function columnValue(item: ColumnSource, spec: ColumnSpec): unknown {
  switch (spec.kind) {
    case 'config':
      return valueAt(item.config, spec.path);
    case 'predicate':
      return valueAt(item.predicate, spec.path);
    case 'file':
      return valueAt(item.loadFile?.(spec.file, undefined), spec.path);
    case 'field':
      switch (spec.field) {
        case 'id':
        case 'uuid':
          return item.uuid;
        case 'module':
          return item.module;
        case 'kind':
          return item.kind;
        case 'version':
          return item.version?.();
        case 'status':
          return item.status?.();
        case 'cached':
          return item.cached?.();
        case 'label':
          return item.label;
        case 'created':
          return item.createdAt?.toISOString();
        case 'updated':
          return item.updatedAt?.toISOString();
        case 'created_by':
          return item.createdBy;
      }
  }
}

/** A value as a table cell: scalars as they are, anything else as compact JSON. */
export function cellOf(value: unknown): CellValue {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}
