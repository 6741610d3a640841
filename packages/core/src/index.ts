import { requireDependency } from './require-dependency.js';

// Decorator metadata (`design:type`) needs the Reflect polyfill before any class is decorated.
requireDependency('reflect-metadata');

export {
  MachinableError,
  ConfigurationError,
  CorruptRecordError,
  RecordConflictError,
  RecordNotFoundError,
  ModuleNotFoundError,
  InterfaceStateError,
  RelationError,
  FileFormatError,
  NpyFormatError,
  CollectionSizeError,
  type ConfigIssue,
  type ConfigIssueCode,
} from './errors.js';

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
export { isPlainObject, type PlainObject } from './config/plain.js';

// identity
export { canonicalJson } from './identity/canonical-json.js';
export { PyFloat, pyFloatRepr } from './identity/py-float.js';
export { canonicalConfig } from './identity/canonical.js';
export { typedConfig } from './identity/typed-config.js';
export { identityKey, configIdentity, sha256Hex, IDENTITY_KEY_LENGTH, type ConfigIdentity } from './identity/identity.js';

// records, storage and index contracts
export { RECORD_FORMAT, STATUS_MARKERS, type RecordId, type RecordModel, type ConfigLayers, type StatusMarker, type StoredRecord } from './record/record.js';
export { STORAGE, type Storage } from './storage/storage.js';
export { INDEX, entryOf, type Index, type IndexEntry, type DedupKey, type Claim, type RelationEntry } from './index/index.js';

// project, container, interfaces
export {
  container,
  registerStorage,
  registerIndex,
  resetProviders,
  PROJECT,
  STORAGE_FACTORY,
  INDEX_FACTORY,
  inject,
  injectable,
  type ProviderFactory,
} from './container/container.js';
export { ContextSlot } from './context/context.js';
export { Project, project, INDEX_FILE, DEFAULT_STORAGE_MODULE, type ProjectOptions } from './project/project.js';
export { Element, isElementClass, type ElementClass } from './interface/element.js';
export { Interface, predicateKey, heartbeatSeconds, type RunStatus, type RunFailure, type RelationEdge } from './interface/interface.js';
export { Experiment } from './interface/experiment.js';
export { Scope, scope, currentScope } from './context/scope.js';
export { storage } from './context/storage-context.js';
export { Execution, computeInterface } from './execution/execution.js';
export { Multiprocess, MultiprocessConfig } from './execution/multiprocess.js';
export { dispatch, type DispatchOptions } from './execution/dispatch.js';
export { InterfaceCollection, type SortKey, type SortOptions } from './interface/collection.js';
export { toRows, rowsToCsv, formatVersion, columnsOf, type Row, type CellValue, type ToRowsOptions } from './interface/rows.js';
export { get, GetQuery } from './interface/get.js';
export { Aggregate, type GridItem } from './interface/aggregate.js';
export { type Target } from './interface/instances.js';
export { reindex, ingestDirectory } from './project/maintenance.js';

// index: rebuild and ingest (the SQLite index itself is `@machinable/core/sqlite`, so that
// importing core does not load better-sqlite3)
export {
  reindex as rebuildIndex,
  ingestDirectory as ingestRecordDirectory,
  type ReindexOptions,
  type ReindexReport,
  type CorruptEntry,
  type DuplicateEntry,
} from './index/reindex.js';

// record files: saveFile/loadFile codecs by extension
export { encodeFile, decodeFile, encodeJsonLine } from './record/file-codecs.js';
export { ndarray, isNpyTypedArray, type NdArray, type DType, type NpyTypedArray } from './record/npy.js';
