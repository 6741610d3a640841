import { CorruptRecordError, LegacyRecordError } from '../kernel/errors.js';
import { pyJson, type JsonValue } from '../json/json.js';

/** A JSON object as the format holds it (see `JsonValue` for how numbers are kept). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The config layers of a record. In `model.json` they are one object: the resolved values plus
 * `_default_`, `_version_` and `_update_`.
 */
export interface ConfigLayers {
  /** The declared defaults. */
  readonly default: JsonObject;
  /** The version as given (`["~adam", {"seed": 1}]`). */
  readonly version: JsonValue[];
  /** The version layers merged: what the version changed over the defaults. */
  readonly update: JsonObject;
  /** The final config: coerced, config methods computed. */
  readonly resolved: JsonObject;
}

/** `model.json`: the full record model, as the reference's pydantic models write it. */
export interface RecordModel {
  readonly uuid: string;
  readonly kind: string;
  readonly module: string | null;
  readonly version: JsonValue[];
  readonly config: ConfigLayers;
  readonly predicate: JsonObject;
  /** Base modules of the record's class (class inheritance). */
  readonly inherits: readonly string[];
  /** The contexts the record was created in, outermost first: `[[module, version], ...]`. */
  readonly context: JsonValue[];
  /** Creation time, epoch nanoseconds. */
  readonly created_at_ns: bigint | null;
  readonly created_by: string | null;
  /** A mutable, human-facing name; the only part of the model that changes after creation. */
  readonly label: string | null;
  /** The fields of the record's kind beyond the base model (an Execution's `seed`, `nickname`, `resources`). */
  readonly extra: JsonObject;
}

/** Fields each kind adds to the base model, in the order the reference writes them. */
export const KIND_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Execution: ['seed', 'nickname', 'resources'],
  Manifest: ['entries'],
};

/** Kinds the reference can load from a directory; a record of any other kind is unreadable there. */
export const REFERENCE_KINDS: ReadonlySet<string> = new Set([
  'Interface',
  'Execution',
  'Project',
  'Storage',
  'Index',
  'Scope',
  'Server',
  'Manifest',
  'Inference',
]);

const LAYER_KEYS = ['_default_', '_version_', '_update_'] as const;

/** The model as the JSON object `model.json` holds, fields in the reference's order. */
export function modelObject(model: RecordModel): JsonObject {
  const { config } = model;
  const object: JsonObject = {
    uuid: model.uuid,
    kind: model.kind,
    module: model.module,
    version: model.version,
    config: { ...config.resolved, _default_: config.default, _version_: config.version, _update_: config.update },
    predicate: model.predicate,
    inherits: [...model.inherits],
    context: model.context,
    created_at_ns: model.created_at_ns,
    created_by: model.created_by,
    label: model.label,
  };
  for (const field of KIND_FIELDS[model.kind] ?? []) object[field] = model.extra[field] ?? null;
  return object;
}

/**
 * `model.json` exactly as the reference writes it: one line, non-ASCII kept as UTF-8,
 * `", "`/`": "` separators, fields in the pydantic model's order.
 */
export function modelText(model: RecordModel): string {
  return pyJson(modelObject(model), { ensureAscii: false });
}

/**
 * Checks a parsed `model.json` and splits its config into layers, as the reference reads it
 * (`_default_`, `_version_`, `_update_` out of the config object; the rest is the resolved config).
 */
export function checkModel(value: JsonValue, file: string): RecordModel {
  if (!isObject(value)) throw new CorruptRecordError(file, 'model.json must hold a JSON object (the record model)');
  if (isObject(value['config']) && 'resolved' in value['config'] && !('_default_' in value['config']) && !('uuid' in value)) {
    throw new LegacyRecordError(file, LEGACY_REASON);
  }
  const uuid = value['uuid'];
  if (typeof uuid !== 'string' || uuid === '') throw new CorruptRecordError(file, '"uuid" must be the record id (a non-empty string)');
  const kind = value['kind'] ?? 'Interface';
  if (typeof kind !== 'string' || kind === '') throw new CorruptRecordError(file, '"kind" must be a non-empty string');
  const version = value['version'] ?? [];
  if (!Array.isArray(version) || !version.every((v) => typeof v === 'string' || isObject(v))) {
    throw new CorruptRecordError(file, '"version" must be a list of "~version" strings and config objects');
  }
  const config = value['config'] ?? null;
  if (config !== null && !isObject(config)) throw new CorruptRecordError(file, '"config" must be an object or null');
  const predicate = value['predicate'] ?? {};
  if (!isObject(predicate)) throw new CorruptRecordError(file, '"predicate" must be an object or null');
  const inherits = value['inherits'] ?? [];
  if (!Array.isArray(inherits) || !inherits.every((v) => typeof v === 'string')) {
    throw new CorruptRecordError(file, '"inherits" must be a list of module names');
  }
  const context = value['context'] ?? [];
  if (!Array.isArray(context)) throw new CorruptRecordError(file, '"context" must be a list');
  const created = value['created_at_ns'] ?? null;
  if (created !== null && !(typeof created === 'bigint' || (typeof created === 'number' && Number.isInteger(created)))) {
    throw new CorruptRecordError(file, '"created_at_ns" must be an integer (epoch nanoseconds) or null');
  }
  for (const field of ['module', 'created_by', 'label'] as const) {
    const v = value[field] ?? null;
    if (v !== null && typeof v !== 'string') throw new CorruptRecordError(file, `"${field}" must be a string or null`);
  }
  const extra: JsonObject = {};
  for (const field of KIND_FIELDS[kind] ?? []) extra[field] = value[field] ?? null;
  return {
    uuid,
    kind,
    module: (value['module'] ?? null) as string | null,
    version,
    config: configLayers(config, version, file),
    predicate,
    inherits: inherits as string[],
    context,
    created_at_ns: created === null ? null : BigInt(created as number | bigint),
    created_by: (value['created_by'] ?? null) as string | null,
    label: (value['label'] ?? null) as string | null,
    extra,
  };
}

function configLayers(config: JsonObject | null, version: JsonValue[], file: string): ConfigLayers {
  if (config === null || Object.keys(config).length === 0) return { default: {}, version, update: {}, resolved: {} };
  const { _default_: defaults = {}, _version_: versionLayer = version, _update_: update = {}, ...resolved } = config;
  if (!isObject(defaults)) throw new CorruptRecordError(file, '"config._default_" must be an object');
  if (!Array.isArray(versionLayer)) throw new CorruptRecordError(file, '"config._version_" must be a list');
  if (!isObject(update)) throw new CorruptRecordError(file, '"config._update_" must be an object');
  return { default: defaults, version: versionLayer, update, resolved };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value.constructor && value.constructor !== Object);
}

/** Why a record of this project's pre-format-v1 releases cannot be read. */
export const LEGACY_REASON =
  'written by an earlier machinable-ts (flat <storage>/<uuid>/ records, before format v1), which this version cannot read; ' +
  'move that storage folder aside and launch the runs again into a new one';

export { LAYER_KEYS };
