import { currentUser } from '../kernel/host.js';
import type { EdgeLine } from '../format/edges.js';
import type { RecordHeader } from '../format/header.js';
import { pathSegment } from '../format/keys.js';
import type { RecordModel } from '../format/model.js';
import { nowNs } from '../format/timestamp.js';
import type { IndexRow, IngestItem } from '../ports/index.js';

/** Where a record is and what its `updated_at` says, besides its header and model. */
export interface RowSource {
  readonly header: RecordHeader;
  readonly model: RecordModel;
  /** The record's location (its `storage_uri`, e.g. `file:///abs/dir`). */
  readonly location: string;
  /** `updated_at` in epoch nanoseconds; now when the record has none. */
  readonly updatedAtNs?: bigint;
  readonly storageId?: string | null;
}

/**
 * A record's index row: a pure copy of its `id.json` (keys, parent) and `model.json` (the rest),
 * as the reference's ingest makes it. No config import, no hashing.
 *
 * @example
 * index.ingest([{ row: rowOf({ header, model, location }), relations: [] }]);
 */
export function rowOf(source: RowSource): IndexRow {
  const { header, model, location } = source;
  const now = nowNs();
  return {
    record_id: header.uuid,
    kind: model.kind,
    module: model.module,
    identity_key: pathSegment(header.identity_key, 128),
    predicate_key: header.predicate_key,
    predicate: model.predicate,
    parent_id: header.parent,
    storage_uri: location,
    local_uri: location,
    storage_id: source.storageId ?? null,
    hidden: false,
    bytes_missing: false,
    config: model.config,
    inherits: model.inherits,
    context: model.context,
    created_at_ns: model.created_at_ns ?? now,
    updated_at_ns: source.updatedAtNs ?? now,
    // The reference attributes a record without a creator to whoever indexes it first.
    created_by: model.created_by ?? currentUser(),
    label: model.label,
    extra: model.extra,
    private: {},
  };
}

/** A record's row and the relations of its edge log, ready for `Index.ingest()`. */
export function ingestItem(source: RowSource, edges: readonly EdgeLine[]): IngestItem {
  return {
    row: rowOf(source),
    relations: edges.map((edge) => ({ relation: edge.name, record_id: edge.uuid, related_id: edge.related_uuid })),
  };
}
