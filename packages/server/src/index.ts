/**
 * `@machinable/server`: an HTTP API and a web dashboard over a machinable project's store and
 * index (`machinable serve`). Routes follow the reference's API paths and JSON shapes.
 *
 * @example
 * import { serve } from '@machinable/server';
 * const server = await serve({ directory: '.', port: 8000 });
 */
export { serve, WEB_ROOT, type RunningServer } from './serve.js';
export { createApp } from './app.js';
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_POLL_INTERVAL, type ServeOptions } from './options.js';
export { ServerError, PortInUseError, HttpError } from './errors.js';
export type { ServerContext } from './server-context.js';
export { StoreReader, type RunMarkers } from './store/store-reader.js';
export { IndexChanges, type AddedRecord } from './store/index-changes.js';
export { ModuleCounts, type ModuleCount } from './store/module-counts.js';
export { StatusFeed, type StatusListener } from './live/status-feed.js';
export type { StatusEvent } from './live/status-event.js';
export { Launcher, type DispatchRequest, type DispatchInterface, type LaunchResult } from './launch/launcher.js';
export { newToken, isLoopback, sameToken, offeredToken, TOKEN_COOKIE } from './security/token.js';
export { recordFile, inside } from './security/safe-path.js';
export { shownFiles } from './security/shown-files.js';
export { guard, hostName } from './security/guard.js';
export { interfaceInfo, type InterfaceInfo } from './views/interface-info.js';
export { executionInfo, userConfig, OUTPUT_FILE, type ExecutionInfo } from './views/execution-info.js';
export { recordPage, RUNS_SHOWN, type RecordPage } from './views/record-page.js';
export { search, type SearchRequest, type SearchItem, type SearchResponse } from './views/search.js';
export { columnValues } from './views/column-values.js';
export { related, type RelatedItem, type RelatedResponse } from './views/related.js';
export { provenance, type ProvenanceGraph, type GraphNode, type GraphEdge } from './views/provenance.js';
export { lifecycleOf, type LifecycleStatus } from './views/lifecycle.js';
export { contentTypeOf, fileEntries, npySummary, isTextType, isImageType, NPY_PREVIEW, type FileEntry, type NpySummary } from './views/file-view.js';
export { cliString } from './views/cli-string.js';
export { isoOf } from './views/timestamps.js';
export { readWindow, OUTPUT_WINDOW_MAX, type OutputChunk } from './routes/executions.js';
export { INLINE_LIMIT, RAW_FILE_HEADERS, boundedInt } from './routes/interfaces.js';
export { SERVER_VERSION } from './version.js';
