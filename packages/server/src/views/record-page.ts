import type { ConfigLayers, IndexRow, JsonValue, RunStatus } from '@machinable/core';
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
 * recordPage(reader, reader.rowOrThrow(id)).executions[0]?.status; // 'finished'
 */
export function recordPage(reader: StoreReader, row: IndexRow): RecordPage {
  const runs = reader.runs(row.record_id, RUNS_SHOWN);
  const executions = runs.map((run) => executionInfo(reader, run));
  const status: RunStatus = row.kind === 'Execution' ? reader.runMarkers(row).status : (executions[0]?.status ?? (reader.cached(row) ? 'finished' : 'pending'));
  const info = interfaceInfo(reader, row, runs);
  return {
    ...info,
    execution_count: runs.length < RUNS_SHOWN ? runs.length : reader.runCount(row.record_id),
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
    related: related(reader, row).related,
  };
}
