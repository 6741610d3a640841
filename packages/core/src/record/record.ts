import type { PlainObject } from '../config/plain.js';
import type { VersionItem } from '../config/version.js';

/** Version of the on-disk record format (the Python reference's format v1). */
export const RECORD_FORMAT = 1;

/** The append-only relation log: one JSON edge `{ relation, uuid, at }` per line. */
export const RELATIONS_FILE = 'related/metadata.jsonl';

/** What a record is, fixed at creation: the content of `id.json`. Never rewritten. */
export interface RecordId {
  readonly format: typeof RECORD_FORMAT;
  readonly uuid: string;
  /** `Interface`, `Experiment`, `Execution`, ...: the base class the record was made from. */
  readonly kind: string;
  readonly identity_key: string;
  readonly predicate_key: string;
  /** uuid of the record this one was derived from; null for top-level records. */
  readonly parent: string | null;
}

/** The config layers a record was resolved from. */
export interface ConfigLayers {
  readonly default: PlainObject;
  /** The version as plain layers (version calls made, dotted keys expanded). */
  readonly version: PlainObject[];
  /** Changes applied after the version (none yet; kept for the Python format). */
  readonly update: PlainObject;
  readonly resolved: PlainObject;
}

/** How a record came to be: the content of `model.json`. */
export interface RecordModel {
  readonly module: string;
  readonly config: ConfigLayers;
  /** The version as given (`['~adam', { seed: 1 }]`). */
  readonly version: VersionItem[];
  readonly predicate: PlainObject;
  readonly context: PlainObject;
  /** Class lineage, most derived first, e.g. `['Train', 'Interface']`. */
  readonly inherits: string[];
}

/** Status markers, in the order a run reaches them: files holding an ISO-8601 timestamp. */
export const STATUS_MARKERS = ['dispatched_at', 'started_at', 'heartbeat_at', 'finished_at'] as const;
export type StatusMarker = (typeof STATUS_MARKERS)[number];

/** A record as read back from storage. */
export interface StoredRecord {
  readonly id: RecordId;
  readonly model: RecordModel;
  /** Where it lives (a directory, for the filesystem storage). */
  readonly location: string;
  /** ISO-8601 creation time (from the uuid when it is a v7 uuid, else from the storage). */
  readonly createdAt: string;
}
