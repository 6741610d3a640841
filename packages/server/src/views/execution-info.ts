import type { IndexRow, JsonValue, RunStatus } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';
import { cliString } from './cli-string.js';
import { isoOf } from './timestamps.js';

/**
 * A run record as the reference's API describes it (`ExecutionInfo`, `GET /v1/executions/{uuid}`),
 * with what this server adds: `status` (pending, live, died, finished, failed, cancelled), `dispatched_at`
 * and whether the run recorded output (`has_output`).
 */
export interface ExecutionInfo {
  readonly uuid: string;
  readonly module: string | null;
  readonly config: JsonValue;
  readonly version: JsonValue[];
  readonly cli: string;
  readonly seed: number;
  readonly nickname: string;
  readonly resources: JsonValue | null;
  readonly parent_uuid: string;
  readonly is_started: boolean;
  readonly is_active: boolean;
  readonly is_finished: boolean;
  readonly is_incomplete: boolean;
  readonly is_live: boolean;
  readonly is_resumed: boolean;
  readonly started_at: string | null;
  readonly resumed_at: string | null;
  readonly finished_at: string | null;
  readonly heartbeat_at: string | null;
  readonly created_at: string;
  readonly created_by: string | null;
  readonly label: string | null;
  readonly status: RunStatus;
  readonly dispatched_at: string | null;
  readonly has_output: boolean;
}

/** Name of a run record's output log (the reference's `Execution.output_filepath()`). */
export const OUTPUT_FILE = 'output.log';

/**
 * The `ExecutionInfo` of a run record row, from its index row and its status markers.
 *
 * @example
 * (await executionInfo(reader, await reader.rowOrThrow(id))).status; // 'live'
 */
export async function executionInfo(reader: StoreReader, row: IndexRow): Promise<ExecutionInfo> {
  const [{ status, markers }, hasOutput] = await Promise.all([reader.runMarkers(row), reader.hasFile(row, OUTPUT_FILE)]);
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  const resumed = text(markers.resumed_at)?.split('\n').filter(Boolean).at(-1) ?? null;
  const started = text(markers.started_at);
  const finished = text(markers.finished_at);
  const seed = row.extra['seed'];
  return {
    uuid: row.record_id,
    module: row.module,
    config: userConfig(row.config.resolved),
    version: [...row.config.version] as JsonValue[],
    cli: cliString(row.module, row.config.version as JsonValue[]),
    seed: typeof seed === 'number' || typeof seed === 'bigint' ? Number(seed) : 0,
    nickname: typeof row.extra['nickname'] === 'string' ? row.extra['nickname'] : '',
    resources: (row.predicate['resources'] ?? row.extra['resources'] ?? null) as JsonValue | null,
    parent_uuid: row.parent_id ?? '',
    is_started: started !== null || resumed !== null,
    is_active: status === 'live',
    is_finished: finished !== null,
    is_incomplete: status === 'died',
    is_live: status === 'live',
    is_resumed: resumed !== null,
    started_at: started,
    resumed_at: resumed,
    finished_at: finished,
    heartbeat_at: text(markers.heartbeat_at),
    created_at: isoOf(row.created_at_ns),
    created_by: row.created_by,
    label: row.label,
    status,
    dispatched_at: text(markers.dispatched_at),
    has_output: hasOutput,
  };
}

/** A resolved config without the reference's private keys (`_default_`, `_version_`, ...). */
export function userConfig(config: unknown): JsonValue {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return (config ?? {}) as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(config as Record<string, JsonValue>)) if (!key.startsWith('_')) out[key] = value;
  return out;
}
