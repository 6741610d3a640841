import { CorruptRecordError } from '../kernel/errors.js';
import { pyJson, type JsonValue } from '../json/json.js';
import { FORMAT_VERSION } from './layout.js';

/**
 * The identity header, `id.json`: what a record is, written once at materialization and never
 * rewritten, so that indexing a directory is a pure copy (no config import, no hashing).
 */
export interface RecordHeader {
  readonly format: typeof FORMAT_VERSION;
  /** The record id (12 characters of base62; `P` + 11 hex for a project root). */
  readonly uuid: string;
  /** `Interface`, `Execution`, `Project`, ... */
  readonly kind: string;
  readonly identity_key: string;
  readonly predicate_key: string;
  /** The record this one is scoped under (the project root, a deriving interface, the run's interface); null at top level. */
  readonly parent: string | null;
}

/**
 * `id.json` exactly as the reference writes it: one line, `", "`/`": "` separators, fields in
 * this order, no trailing newline.
 *
 * @example
 * headerText({ format: 1, uuid: 'IfaceAaaa001', kind: 'Interface', identity_key: '404e…', predicate_key: '4413…', parent: null });
 */
export function headerText(header: RecordHeader): string {
  const { format, uuid, kind, identity_key, predicate_key, parent } = header;
  return pyJson({ format, uuid, kind, identity_key, predicate_key, parent }, { ensureAscii: false });
}

/** Checks a parsed `id.json`; `file` names it in the error. */
export function checkHeader(value: JsonValue, file: string): RecordHeader {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CorruptRecordError(file, 'id.json must hold a JSON object (the record header)');
  }
  const header = value as Record<string, JsonValue>;
  const format = header['format'];
  if (typeof format !== 'number' || format !== FORMAT_VERSION) {
    throw new CorruptRecordError(file, `"format" is ${JSON.stringify(format ?? null)}, but this machinable reads format ${FORMAT_VERSION}`);
  }
  for (const field of ['uuid', 'kind', 'identity_key', 'predicate_key'] as const) {
    const v = header[field];
    if (typeof v !== 'string' || v === '') throw new CorruptRecordError(file, `"${field}" must be a non-empty string`);
  }
  const parent = header['parent'] ?? null;
  if (parent !== null && (typeof parent !== 'string' || parent === '')) {
    throw new CorruptRecordError(file, '"parent" must be a record id or null');
  }
  return {
    format: FORMAT_VERSION,
    uuid: header['uuid'] as string,
    kind: header['kind'] as string,
    identity_key: header['identity_key'] as string,
    predicate_key: header['predicate_key'] as string,
    parent,
  };
}
