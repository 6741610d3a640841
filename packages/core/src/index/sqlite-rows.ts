import { MachinableError } from '../kernel/errors.js';
import { parseJson, type JsonValue } from '../json/json.js';
import type { JsonObject } from '../format/model.js';
import { isPlainObject } from '../config/plain.js';
import { canonicalJson } from '../json/canonical-json.js';
import type { IndexRow, IndexSummary } from '../ports/index.js';

/** A row of `'index'` as SQLite returns it (integers as bigint). */
export interface SqlRow {
  record_id: string;
  kind: string;
  module: string | null;
  identity_key: string;
  predicate_json: string;
  predicate_key: string;
  parent_id: string | null;
  config_default_json: string;
  config_version_json: string;
  config_update_json: string;
  config_resolved_json: string;
  inherits_json: string;
  context_json: string;
  storage_uri: string;
  local_uri: string | null;
  storage_id: string | null;
  hidden: bigint | number;
  bytes_missing: bigint | number;
  created_at_ns: bigint | number;
  updated_at_ns: bigint | number;
  created_by: string | null;
  label: string | null;
  extra_json: string | null;
  private_json: string | null;
}

export type SqlSummary = Pick<SqlRow, keyof IndexSummary>;

export interface SqlRelation {
  relation: string;
  record_id: string;
  related_id: string;
  priority: bigint | number;
  created_at_ns: bigint | number;
}

/** The values of a row, in {@link INDEX_COLUMNS} order (positional binding measured faster than named). */
export type RowValues = [
  string, string, string | null, string, string, string, string | null, string, string, string, string, string, string,
  string, string | null, string | null, bigint, bigint, bigint, bigint, string | null, string | null, string, string,
];

export type RefreshValues = [
  string, string | null, string, string, string, string, string, string, string, string | null, string,
  string, string | null, string | null, bigint, string,
];

export function rowValues(row: IndexRow, hidden: boolean, bytesMissing: boolean, privateJson: string): RowValues {
  const { config } = row;
  return [
    row.record_id,
    row.kind,
    row.module,
    row.identity_key,
    canonicalJson(row.predicate),
    row.predicate_key,
    row.parent_id,
    canonicalJson(config.default),
    canonicalJson(config.version),
    canonicalJson(config.update),
    canonicalJson(config.resolved),
    canonicalJson(row.inherits),
    canonicalJson(row.context),
    row.storage_uri,
    row.local_uri,
    row.storage_id,
    hidden ? 1n : 0n,
    bytesMissing ? 1n : 0n,
    row.created_at_ns,
    row.updated_at_ns,
    row.created_by,
    row.label,
    canonicalJson(row.extra),
    privateJson,
  ];
}

export function refreshValues(row: IndexRow): RefreshValues {
  const { config } = row;
  return [
    row.kind,
    row.module,
    canonicalJson(row.predicate),
    canonicalJson(config.default),
    canonicalJson(config.version),
    canonicalJson(config.update),
    canonicalJson(config.resolved),
    canonicalJson(row.inherits),
    canonicalJson(row.context),
    row.label,
    canonicalJson(row.extra),
    row.storage_uri,
    row.local_uri,
    row.storage_id,
    row.updated_at_ns,
    row.record_id,
  ];
}

export function toRow(row: SqlRow, path: string): IndexRow {
  const id = row.record_id;
  return {
    ...toSummary(row),
    predicate: parseObject(row.predicate_json, path, id, 'predicate_json'),
    config: {
      default: parseObject(row.config_default_json, path, id, 'config_default_json'),
      version: parseList(row.config_version_json, path, id, 'config_version_json'),
      update: parseObject(row.config_update_json, path, id, 'config_update_json'),
      resolved: parseObject(row.config_resolved_json, path, id, 'config_resolved_json'),
    },
    inherits: parseList(row.inherits_json, path, id, 'inherits_json') as string[],
    context: parseList(row.context_json, path, id, 'context_json'),
    updated_at_ns: BigInt(row.updated_at_ns),
    extra: parseObject(row.extra_json, path, id, 'extra_json'),
    private: parseObject(row.private_json, path, id, 'private_json'),
  };
}

export function toSummary(row: SqlSummary): IndexSummary {
  return {
    record_id: row.record_id,
    kind: row.kind,
    module: row.module,
    identity_key: row.identity_key,
    predicate_key: row.predicate_key,
    parent_id: row.parent_id,
    storage_uri: row.storage_uri,
    // The reference reads an empty location as none.
    local_uri: row.local_uri || null,
    storage_id: row.storage_id,
    hidden: Number(row.hidden) !== 0,
    bytes_missing: Number(row.bytes_missing) !== 0,
    created_at_ns: BigInt(row.created_at_ns),
    created_by: row.created_by,
    label: row.label,
  };
}

function parseColumn(text: string | null, path: string, recordId: string, column: string): JsonValue | null {
  // NULL reads as the column's default, as the reference reads extra_json and private_json.
  if (text === null || text === '') return null;
  try {
    return parseJson(text);
  } catch (error) {
    throw new MachinableError(
      `index ${path}: column ${column} of record ${recordId} is not valid JSON (${(error as Error).message}); ` +
        'the index is a cache: move the file aside and run `machinable reindex` to rebuild it',
    );
  }
}

export function parseObject(text: string | null, path: string, recordId: string, column: string): JsonObject {
  const value = parseColumn(text, path, recordId, column);
  return isPlainObject(value) ? (value as JsonObject) : {};
}

function parseList(text: string | null, path: string, recordId: string, column: string): JsonValue[] {
  const value = parseColumn(text, path, recordId, column);
  return Array.isArray(value) ? value : [];
}

/** True for the error of an INSERT whose record id is taken (the primary key of `'index'`). */
export function isPrimaryKeyClash(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
