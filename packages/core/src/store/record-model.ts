import type { EdgeLine } from '../format/edges.js';
import { edgeLine } from '../format/edges.js';
import type { RecordHeader } from '../format/header.js';
import { pathSegment } from '../format/keys.js';
import { FORMAT_VERSION } from '../format/layout.js';
import { REFERENCE_KINDS, type JsonObject, type RecordModel } from '../format/model.js';
import { currentUser } from '../kernel/host.js';
import type { RecordDraft } from '../ports/store.js';

/** A new record of a draft: its header, model and the edges it is born with. */
export interface NewRecord {
  readonly header: RecordHeader;
  readonly model: RecordModel;
  readonly edges: readonly EdgeLine[];
}

/**
 * The header and model of a new record, as the reference writes them: the draft's keys and config
 * under `id`, scoped under `parent`, created at `created` (epoch ns). A kind the reference cannot
 * load (`Experiment`, `Aggregate`) is written as `Interface`. A derived record is born with its
 * `ancestor` edge.
 *
 * @example
 * const { header, model } = newRecord(draft, { id, parent: root.record_id, created: nowNs() });
 */
export function newRecord(draft: RecordDraft, options: { readonly id: string; readonly parent: string | null; readonly created: bigint; readonly ancestor?: string; readonly predicateKey?: string; readonly predicate?: JsonObject }): NewRecord {
  const { id, parent, created } = options;
  const kind = REFERENCE_KINDS.has(draft.kind) ? draft.kind : 'Interface';
  const header: RecordHeader = {
    format: FORMAT_VERSION,
    uuid: id,
    kind,
    identity_key: draft.identityKey,
    predicate_key: options.predicateKey ?? draft.predicateKey,
    parent,
  };
  const model: RecordModel = {
    uuid: id,
    kind,
    module: draft.module,
    version: draft.version,
    config: draft.config,
    predicate: options.predicate ?? draft.predicate,
    inherits: draft.inherits,
    context: draft.context,
    created_at_ns: created,
    created_by: currentUser(),
    label: null,
    extra: draft.extra,
  };
  return { header, model, edges: options.ancestor ? [edgeLine('ancestor', options.ancestor, id)] : [] };
}

/** The storage path segments of a record: its identity and predicate keys. */
export function recordSegments(header: RecordHeader): string[] {
  return [pathSegment(header.identity_key), pathSegment(header.predicate_key)];
}
