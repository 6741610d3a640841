// The JSON API as the page uses it. Shapes are the server's own types (type-only imports: nothing
// of the server is bundled), so a change of a route's answer breaks this build, not the page.
import type { ExecutionInfo } from '../../src/views/execution-info.js';
import type { FileEntry, NpySummary } from '../../src/views/file-view.js';
import type { ProvenanceGraph } from '../../src/views/provenance.js';
import type { RecordPage } from '../../src/views/record-page.js';
import type { SearchResponse } from '../../src/views/search.js';
import type { OutputChunk } from '../../src/routes/executions.js';

export type { ExecutionInfo, FileEntry, NpySummary, ProvenanceGraph, RecordPage, SearchResponse, OutputChunk };
export type { SearchItem } from '../../src/views/search.js';
export type { StatusEvent } from '../../src/live/status-event.js';

/** A config filter of a find request. */
export interface Filter {
  readonly path: string;
  readonly op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'contains' | 'like';
  readonly value: unknown;
}

/** A sort term of a find request. */
export interface Sort {
  readonly by: string;
  readonly config_layer?: 'resolved';
  readonly direction: 'asc' | 'desc';
}

/** The search body the page sends. */
export interface SearchBody {
  readonly module?: string;
  readonly label?: string;
  readonly config?: { readonly filters: readonly Filter[] };
  readonly sort?: readonly Sort[];
  readonly limit?: number;
  readonly offset?: number;
  readonly include_status?: boolean;
  readonly columns?: readonly string[];
}

/** The modules of the store (`GET /v1/project`). */
export interface ProjectInfo {
  readonly project: string;
  readonly storage: string;
  readonly modules: ReadonlyArray<{ readonly module: string; readonly kind: string; readonly count: number }>;
}

/** `GET /v1/health`. */
export interface Health {
  readonly read_only: boolean;
  readonly token_required: boolean;
  readonly project: string;
}

/** A failed request, with the server's `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await response.text();
  if (!response.ok) {
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      // not JSON: the text itself
    }
    throw new ApiError(response.status, detail);
  }
  // 204 (cancel) has no body.
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const api = {
  health: () => call<Health>('v1/health'),
  project: () => call<ProjectInfo>('v1/project'),
  search: (body: SearchBody) => call<SearchResponse>('v1/interfaces/search', json(body)),
  record: (uuid: string) => call<RecordPage>(`v1/interfaces/${encodeURIComponent(uuid)}`),
  files: (uuid: string) => call<{ files: string[]; entries: FileEntry[] }>(`v1/interfaces/${encodeURIComponent(uuid)}/files`),
  file: (uuid: string, path: string) => call<unknown>(fileUrl(uuid, path, false)),
  provenance: (uuid: string) => call<ProvenanceGraph>(`v1/interfaces/${encodeURIComponent(uuid)}/provenance`),
  output: (uuid: string) => call<OutputChunk>(`v1/executions/${encodeURIComponent(uuid)}/output?tail=65536`),
  cancel: (run: string) => call<void>(`v1/executions/${encodeURIComponent(run)}/cancel`, { method: 'POST' }),
  launch: (target: string, version: unknown[]) => call<ExecutionInfo | { uuid: string; cached: true }>('v1/executions', json({ interfaces: [{ target, version }] })),
};

/** The address of a record file (`raw`: as it is, with its content type). */
export function fileUrl(uuid: string, path: string, raw: boolean): string {
  return `v1/interfaces/${encodeURIComponent(uuid)}/files/${path.split('/').map(encodeURIComponent).join('/')}${raw ? '?raw=1' : ''}`;
}
