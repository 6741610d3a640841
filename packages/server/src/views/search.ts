import { FindRequestError, parseColumn, type CellValue, type FindRequest, type JsonValue, type RunStatus } from '@machinable/core';
import { boundedMap } from '../store/bounded-map.js';
import type { StoreReader } from '../store/store-reader.js';
import { columnValues } from './column-values.js';
import { userConfig } from './execution-info.js';
import { lifecycleOf, type LifecycleStatus } from './lifecycle.js';

/**
 * The body of `POST /v1/interfaces/search`: the reference's `FindRequest` (with its
 * `include_status`), and `columns` (this server's): values to read for each hit, written as
 * `find().rows()` columns, `result.json:loss` or `status` included.
 */
export interface SearchRequest extends FindRequest {
  readonly include_status?: boolean;
  readonly columns?: readonly string[];
}

/** A search hit (the reference's `SearchItem`), with `values` when `columns` were asked for. */
export interface SearchItem {
  readonly id: string;
  readonly module: string | null;
  readonly kind: string;
  readonly config: JsonValue;
  readonly version: JsonValue[];
  readonly created_at_ns: bigint;
  readonly created_by: string | null;
  readonly label: string | null;
  /** With `include_status`: the reference's lifecycle word (draft, running, cached, failed). */
  readonly status: LifecycleStatus | null;
  /** With `include_status`: the format's run status (pending, live, died, finished, failed, cancelled). */
  readonly run_status: RunStatus | null;
  readonly run_count: number | null;
  readonly values?: Record<string, CellValue>;
}

/** The reference's `SearchResponse`. */
export interface SearchResponse {
  readonly items: SearchItem[];
  readonly total: number;
}

/**
 * Runs a search: the find algebra over the index (a bad request is a `FindRequestError`), then,
 * for the page of hits only, statuses (`include_status`: the status of each hit's latest run, as
 * the format names it: pending, live, died, finished, failed, cancelled) and the asked-for column values.
 *
 * @example
 * await search(reader, { module: 'train', include_status: true, columns: ['result.json:loss'] });
 */
export async function search(reader: StoreReader, body: unknown): Promise<SearchResponse> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FindRequestError('', 'the body must be a JSON object (a FindRequest)');
  const { include_status: includeStatus, columns, ...request } = body as SearchRequest;
  if (columns !== undefined && (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string'))) throw new FindRequestError('columns', 'a list of column names, e.g. ["config.lr", "result.json:loss"]');
  if (includeStatus !== undefined && typeof includeStatus !== 'boolean') throw new FindRequestError('include_status', 'true or false');
  const specs = (columns ?? []).map(parseColumn);
  const { items, total } = await reader.search(request);
  return {
    items: await boundedMap(items, async (row): Promise<SearchItem> => {
      const summary = includeStatus && row.kind !== 'Execution' ? await reader.runSummary(row) : null;
      const runStatus = summary?.status ?? null;
      const item: SearchItem = {
        id: row.record_id,
        module: row.module,
        kind: row.kind,
        config: userConfig(row.config.resolved),
        version: [...row.config.version] as JsonValue[],
        created_at_ns: row.created_at_ns,
        created_by: row.created_by,
        label: row.label,
        status: runStatus === null ? null : lifecycleOf(runStatus),
        run_status: runStatus,
        run_count: summary?.count ?? null,
      };
      if (specs.length === 0) return item;
      return { ...item, values: await columnValues(reader, row, specs) };
    }),
    total,
  };
}
