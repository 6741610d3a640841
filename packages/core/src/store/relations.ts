import { edgeLine, edgeLineText, parseEdgeLog, RELATIONS, type EdgeLine, type RelationFn } from '../format/edges.js';
import { EDGE_LOG_FILE } from '../format/layout.js';
import type { StoredRecord } from '../format/record.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Index, IndexRow, RelationRow } from '../ports/index.js';
import type { Storage } from '../ports/storage.js';
import type { RecordFiles } from './record-files.js';

/**
 * The edges between records: each side's line in its own edge log (`related/metadata.jsonl`,
 * append-only, so its order is the order of creation) and a row in the index's relations, as the
 * reference keeps them, so that Python machinable's `derived`, `ancestor` and `uses` read them too.
 *
 * @example
 * await relations.relate(evaluation, trained); // evaluation uses trained
 * await relations.relatedIds(trained.header.uuid, RELATIONS.uses.name, true); // [evaluation's id]
 */
export class Relations {
  constructor(
    private readonly storage: Storage,
    private readonly index: Index,
    private readonly files: RecordFiles,
  ) {}

  /** Records `from uses to` in both records' logs (each side's own line) and the index; nothing when the edge is there. */
  relate(from: StoredRecord, to: StoredRecord): MaybePromise<void> {
    return settle(this.relateSteps(from, to));
  }

  /**
   * Ids related to a record through a relation, oldest edge first: those it points to, or with
   * `inverse` those pointing to it.
   */
  relatedIds(recordId: string, relation: string, inverse = false): MaybePromise<string[]> {
    return settle(relatedIdsOf(this.index, recordId, relation, inverse));
  }

  /** The lines of a record's edge log, each once. */
  edges(stored: StoredRecord): MaybePromise<EdgeLine[]> {
    return settle(this.edgesSteps(stored));
  }

  /** {@link edges} as steps. */
  *edgesSteps(stored: StoredRecord): Steps<EdgeLine[]> {
    const bytes = (yield this.storage.readFile(stored.location, EDGE_LOG_FILE)) as Buffer | undefined;
    return bytes ? parseEdgeLog(bytes.toString('utf8')) : [];
  }

  /**
   * Appends one side's line of an edge to that side's log (found by record id) and bumps its
   * `updated_at`; with `index`, adds the relation row too. Nothing when that record is gone.
   */
  *recordEdgeSteps(fn: RelationFn, from: string, to: string, index = true): Steps<void> {
    const owner = fn === 'derived' || fn === 'uses' ? from : to;
    const row = (yield this.index.get(owner)) as IndexRow | undefined;
    if (!row || !((yield this.storage.exists(row.storage_uri)) as boolean)) return;
    yield this.storage.appendFile(row.storage_uri, EDGE_LOG_FILE, edgeLineText(edgeLine(fn, from, to)));
    yield this.files.touchAt(row.storage_uri);
    if (index) yield this.index.relate([{ relation: RELATIONS[fn].name, record_id: from, related_id: to }]);
  }

  private *relateSteps(from: StoredRecord, to: StoredRecord): Steps<void> {
    const relation = RELATIONS.uses.name;
    const fromId = from.header.uuid;
    const toId = to.header.uuid;
    const held = (yield this.index.relations(fromId, { relation })) as RelationRow[];
    if (held.some((r) => r.related_id === toId)) return;
    yield this.storage.appendFile(from.location, EDGE_LOG_FILE, edgeLineText(edgeLine('uses', fromId, toId)));
    yield this.files.touchAt(from.location);
    yield this.storage.appendFile(to.location, EDGE_LOG_FILE, edgeLineText(edgeLine('used_by', fromId, toId)));
    yield this.files.touchAt(to.location);
    yield this.index.relate([{ relation, record_id: fromId, related_id: toId }]);
  }
}

/** An edge line as the index's relation row. */
export function relationOf(edge: EdgeLine): Pick<RelationRow, 'relation' | 'record_id' | 'related_id'> {
  return { relation: edge.name, record_id: edge.uuid, related_id: edge.related_uuid };
}

/**
 * Ids related to a record through a relation, from the index's relation rows, oldest edge first:
 * those it points to, or with `inverse` those pointing to it (as steps run by `settle`).
 */
export function* relatedIdsOf(index: Index, recordId: string, relation: string, inverse: boolean): Steps<string[]> {
  const rows = (yield index.relations(recordId, { relation, inverse })) as RelationRow[];
  return rows.reverse().map((r) => (inverse ? r.record_id : r.related_id));
}
