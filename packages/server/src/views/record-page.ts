import type { ConfigLayers, IndexRow, JsonValue, RunStatus } from '@machinable/core';
import { boundedMap } from '../store/bounded-map.js';
import type { StoreReader } from '../store/store-reader.js';
import { executionInfo, type ExecutionInfo } from './execution-info.js';
import { interfaceInfo, type InterfaceInfo } from './interface-info.js';
import { lifecycleOf, type LifecycleStatus } from './lifecycle.js';
import { related, type RelatedItem } from './related.js';

/**
 * What the run page shows of a record, in one answer (`GET /v1/interfaces/{uuid}`): the
 * reference's `InterfaceInfo`, and what this server adds: the config layers as stored
 * (`default`, `version`, `update`, `resolved`), the run status in the format's words and the
 * reference's, whether it is hidden, its run records (newest first) and its neighbours. A client
 * of the reference reads the fields it knows and ignores the rest.
 */
export interface RecordPage extends InterfaceInfo {
  readonly config_layers: ConfigLayers;
  readonly status: RunStatus;
  readonly lifecycle: LifecycleStatus;
  readonly hidden: boolean;
  readonly parent_uuid: string | null;
  readonly updated_at_ns: bigint;
  readonly executions: ExecutionInfo[];
  readonly related: RelatedItem[];
}

/** At most this many run records are listed on a run page (the count says how many there are). */
export const RUNS_SHOWN = 50;

/**
 * The run page of a record.
 *
 * @example
 * (await recordPage(reader, await reader.rowOrThrow(id))).executions[0]?.status; // 'finished'
 */
export async function recordPage(reader: StoreReader, row: IndexRow): Promise<RecordPage> {
  const runs = await reader.runs(row.record_id, RUNS_SHOWN);
  const [executions, info, neighbours, count] = await Promise.all([
    boundedMap(runs, (run) => executionInfo(reader, run)),
    interfaceInfo(reader, row, runs),
    related(reader, row),
    runs.length < RUNS_SHOWN ? runs.length : reader.runCount(row.record_id),
  ]);
  const status: RunStatus =
    row.kind === 'Execution' ? (await reader.runMarkers(row)).status : (executions[0]?.status ?? (info.cached ? 'finished' : 'pending'));
  return {
    ...info,
    execution_count: count,
    config_layers: {
      default: row.config.default,
      version: [...row.config.version] as JsonValue[],
      update: row.config.update,
      resolved: row.config.resolved,
    },
    status,
    lifecycle: lifecycleOf(status),
    hidden: row.hidden,
    parent_uuid: row.parent_id,
    updated_at_ns: row.updated_at_ns,
    executions,
    related: neighbours.related,
  };
}
