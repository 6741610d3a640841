import type { IndexRow, JsonValue } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';
import { cliString } from './cli-string.js';
import { userConfig } from './execution-info.js';
import { isoOf } from './timestamps.js';

/**
 * A stored record as the reference's API describes it (`InterfaceInfo`, `GET /v1/interfaces/{uuid}`):
 * resolved config, predicate, version, the command that finds it again, whether it is computed,
 * and its run records' count and latest id.
 */
export interface InterfaceInfo {
  readonly uuid: string;
  readonly module: string | null;
  readonly kind: string;
  readonly config: JsonValue;
  readonly predicate: JsonValue;
  readonly version: JsonValue[];
  readonly cli: string;
  readonly cached: boolean;
  readonly created_at: string;
  readonly created_by: string | null;
  readonly label: string | null;
  readonly meta: Record<string, JsonValue>;
  readonly execution_count: number;
  readonly latest_execution_uuid: string | null;
}

/**
 * The `InterfaceInfo` of a record's index row (reads its `cached` marker and counts its runs).
 * `runs`: its run records, newest first, if they were read already (else its latest is read).
 *
 * @example
 * (await interfaceInfo(reader, await reader.rowOrThrow(id))).cached; // true
 */
export async function interfaceInfo(reader: StoreReader, row: IndexRow, runs?: readonly IndexRow[]): Promise<InterfaceInfo> {
  const shown = runs ?? (await reader.runs(row.record_id, 1));
  const [cached, count] = await Promise.all([reader.cached(row), shown.length <= 1 ? reader.runCount(row.record_id) : shown.length]);
  return {
    uuid: row.record_id,
    module: row.module,
    kind: row.kind,
    config: userConfig(row.config.resolved),
    predicate: row.predicate as JsonValue,
    version: [...row.config.version] as JsonValue[],
    cli: cliString(row.module, row.config.version as JsonValue[]),
    cached,
    created_at: isoOf(row.created_at_ns),
    created_by: row.created_by,
    label: row.label,
    meta: {},
    execution_count: count,
    latest_execution_uuid: shown[0]?.record_id ?? null,
  };
}
