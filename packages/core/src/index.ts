// Decorator metadata (`design:type`) needs the Reflect polyfill before any class is decorated.
import './kernel/reflect-metadata.js';

export {
  MachinableError,
  ConfigurationError,
  CorruptRecordError,
  LegacyRecordError,
  LegacyStoreError,
  RecordConflictError,
  IndexCollisionError,
  FindRequestError,
  RecordExistsError,
  RecordNotFoundError,
  ModuleNotFoundError,
  InterfaceStateError,
  RelationError,
  FileFormatError,
  NpyFormatError,
  CollectionSizeError,
  SchedulerError,
  RecordPathError,
  SynchronousAccessError,
  RunCancelledError,
  type ConfigIssue,
  type ConfigIssueCode,
} from './kernel/errors.js';

// config: declare
export { Config } from './config/config.decorator.js';
export { Field } from './config/field.decorator.js';
export { Version } from './config/version.decorator.js';
export { ConfigMethod } from './config/config-method.decorator.js';
export { metadata, type ConfigClass, type ConfigOptions, type FieldOptions, type ScalarType } from './config/metadata.js';

// config: resolve
export { compileSchema, type ConfigSchema, type FieldSchema } from './config/schema.js';
export { closest } from './config/suggest.js';
export { describeType, type ValueType } from './config/value-type.js';
export { resolveConfig, type ResolvedConfig, type ResolveOptions } from './config/resolve.js';
export { expandVersion, normalizeVersion, type VersionItem, type VersionSpec } from './config/version.js';
export { expandDotted, deepMerge } from './config/layers.js';
export { parseCall, parseLiteral, type Call } from './config/literal.js';
export { coerce } from './config/coerce.js';
export { parseScalar } from './config/scalar.js';
export { isPlainObject, type PlainObject } from './config/plain.js';

// identity
export { canonicalJson } from './json/canonical-json.js';
export { PyFloat, pyFloatRepr } from './json/py-float.js';
export { canonicalConfig } from './identity/canonical.js';
export { typedConfig } from './identity/typed-config.js';
export { sha256Hex } from './kernel/sha256.js';
export { identityKey, configIdentity, IDENTITY_KEY_LENGTH, type ConfigIdentity } from './identity/identity.js';

// format v1: pure functions and shapes any tool can check the contract with
export { parseJson, pyJson, toPlainNumbers, JsonSyntaxError, MAX_JSON_DEPTH, type JsonValue, type PyJsonOptions } from './json/json.js';
export { predicateKey, pathSegment, PREDICATE_KEY_LENGTH } from './format/keys.js';
export { newRecordId, projectRootId, shortId, RECORD_ID_LENGTH } from './format/record-id.js';
export { isoTimestamp, parseTimestamp, timestampNs, dispatchStamp, nowNs } from './format/timestamp.js';
export { runState, STATUS_MARKERS, DEFAULT_WINDOW_SECONDS, type RunState, type StatusMarker, type Markers } from './format/run-state.js';
export { runProcessGone } from './store/run-process.js';
export { processAlive } from './store/claim-content.js';
export { headerText, checkHeader, type RecordHeader } from './format/header.js';
export { modelText, modelObject, checkModel, KIND_FIELDS, REFERENCE_KINDS, type RecordModel, type ConfigLayers, type JsonObject } from './format/model.js';
export { edgeLine, edgeLineText, parseEdgeLog, RELATIONS, type EdgeLine, type RelationFn } from './format/edges.js';
export { readRecord, type StoredRecord, type RecordTexts } from './format/record.js';
export {
  FORMAT_VERSION,
  SENTINEL_FILE,
  HEADER_FILE,
  MODEL_FILE,
  UPDATED_AT_FILE,
  EDGE_LOG_FILE,
  CACHED_FILE,
  FORMAT_FILES,
  RELATED_DIRECTORY,
  TEMPORARY_PREFIX,
} from './format/layout.js';

// contracts: storage, index, record store, scheduler, modules (what adapters and plugins implement)
export { STORAGE, hasFile, walkEntries, type Storage, type WalkEntry } from './ports/storage.js';
export {
  INDEX,
  type Index,
  type IndexRow,
  type IndexSummary,
  type DedupKey,
  type LookupOptions,
  type RelationRow,
  type FindRequest,
  type FindResult,
  type ConfigFilter,
  type ConfigOp,
  type ConfigLayerName,
  type SortSpec,
  type SortColumn,
  type Claim,
  type IngestItem,
  type RecordLocation,
} from './ports/index.js';
export type { RecordStore, RecordSlot, RecordDraft, MaterializeOptions, Materialized, StoredFiles, RunLog, RelationLog, ClaimLog, ClaimHolder, RunRecordMade } from './ports/store.js';
export type { SchedulerBackend, SchedulerRegistry } from './ports/scheduler.js';
export type { ModuleSource, Instantiate } from './ports/module-source.js';
export { settle, wait, whenDone, now, type MaybePromise, type Steps } from './kernel/maybe.js';
export { rowOf, ingestItem, type RowSource } from './store/index-row.js';
export { currentUser, thisHost } from './kernel/host.js';
export { checkFindRequest, CONFIG_LAYERS, CONFIG_OPS, FIND_LIMITS, SORT_COLUMNS, type CheckedFindRequest } from './index/find-request.js';
export { buildFindSql, escapeLike, findFailure, pyStr, type SqlParam, type FindSql } from './index/find-sql.js';
export { IndexAccessError } from './index/sqlite-errors.js';

// the store: records of one storage and its index
export { RecordStore as Store, type RecordStoreOptions } from './store/record-store.js';
export { readStored, type ReadStoredOptions } from './store/read-stored.js';
export { projectRootRow, PROJECT_MODULE } from './store/project-root.js';
export { reindex as rebuildIndex, type ReindexOptions, type ReindexReport, type CorruptEntry, type DuplicateEntry } from './store/reindex.js';
export { verifyRecords, directoryProblems, keyProblems, type RecordProblem, type VerifyReport } from './store/verify.js';
export { claimText, FIRST_POLL_MS, type ClaimContent, type ClaimOutcome } from './store/claims.js';
export { provenanceGraph, type ProvenanceGraph, type ProvenanceNode, type ProvenanceLink, type ProvenanceOptions } from './store/provenance-graph.js';
export { hostInfo, hostInfoText } from './store/host-info.js';

// interfaces
export { ContextSlot } from './context/context.js';
export { Element, isElementClass, configClassOf, type ElementClass } from './interface/element.js';
export { Interface, type RunRecord } from './interface/interface.js';
export { AsyncView } from './interface/async-view.js';
export { Hydrator, EXECUTION_MODULE } from './interface/hydrator.js';
export type { Session, SessionSource, Instances, LaunchPort, ProjectPaths, Target } from './interface/session.js';
export type { ComputeResources, SchedulerOptionValue } from './interface/compute-resources.js';
export { finishedRunStatus, type RunStatus, type RunFailure, type CancelResult } from './format/run-status.js';
export { FAILURE_FILE, HOST_FILE, CLAIM_FILE, OUTPUT_FILE, CANCELLED_FILE } from './format/reserved-files.js';
export { Experiment } from './interface/experiment.js';
export { Aggregate, type GridItem } from './interface/aggregate.js';
export { Scope, scope, currentScope } from './context/scope.js';
export { InterfaceCollection, type SortKey, type SortOptions } from './interface/collection.js';
export { toRows, rowsToCsv, formatVersion, columnsOf, type Row, type CellValue, type ToRowsOptions } from './interface/rows.js';
export { parseColumn, columnValue, cellOf, RECORD_FIELDS, type ColumnSpec, type ColumnSource, type RecordField } from './interface/columns.js';

// executions: the launch protocol and the built-in executions
export { Execution, type ExecutionOptions } from './execution/execution.js';
export { Launch, type LaunchProtocol, type StartRunOptions } from './execution/launch.js';
export { Launcher } from './execution/launcher.js';
export { computeRun, type ComputeOptions } from './execution/compute.js';
export { Multiprocess, MultiprocessConfig, DISPATCH_ENTRY } from './execution/multiprocess.js';
export { dispatchStored, type DispatchOptions } from './execution/dispatch.js';
export { cancelRun } from './execution/cancel.js';
export { heartbeatSeconds, livenessWindowSeconds, takeOutputRedirected } from './kernel/settings.js';
export { SweepProgress, progressMode, type ProgressMode, type RunProgress, type SweepProgressOptions } from './execution/progress.js';

// finding runs: the reference's find algebra over the index, a builder, results tables
export { FindQuery, type WhereOperator } from './find/find.js';
export { GetQuery } from './find/get-query.js';
export { parseWhere, whereOperator, WHERE_OPERATORS, type WhereClause } from './find/where.js';
export { RecordView } from './find/record-view.js';

// record files: saveFile/loadFile codecs by extension
export { encodeFile, decodeFile, encodeJsonLine } from './files/file-codecs.js';
export { ndarray, isNpyTypedArray, type NdArray, type DType, type NpyTypedArray } from './files/npy.js';
export { Manifest } from './provenance/manifest.js';
export { captureCodeState, type ManifestEntry } from './provenance/code-state.js';
export { ManifestRecorder } from './provenance/record-manifest.js';

// the project: the composition root, its container, plugins and declaration
export { Project, project, INDEX_FILE, PROJECT, type ProjectOptions } from './project/project.js';
export { ProjectSession, type ProjectSessionOptions } from './project/project-session.js';
export { ProjectContainer, inject, injectable, injectionInUse, type Provider } from './project/container.js';
export { PluginRegistry, type MachinablePlugin, type PluginContext, type ModuleOptions, type ContextModule, type ProjectInfo, type StorageFactory, type IndexFactory } from './project/plugins.js';
export { defineProject, loadProjectConfig, projectConfigFile, PROJECT_CONFIG_FILES, type ProjectConfig } from './project/project-config.js';
export { MODULE_EXTENSIONS } from './project/module-files.js';
export { DEFAULT_STORAGE_MODULE } from './project/providers.js';
export { ModuleLoader } from './project/module-loader.js';

// entry points: the current project's get, find, dispatch and maintenance
export { get } from './api/get.js';
export { find } from './api/find.js';
export { dispatch } from './api/dispatch.js';
export { storage } from './api/storage-context.js';
export { reindex, ingestDirectory, importDirectory, verify } from './api/maintenance.js';
export { ingestDirectory as ingestDirectoryInto, importDirectory as importDirectoryInto } from './store/import-record.js';
