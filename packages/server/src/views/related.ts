import { RELATIONS, type IndexRow, type JsonValue } from '@machinable/core';
import { boundedMap } from '../store/bounded-map.js';
import type { StoreReader } from '../store/store-reader.js';

/** One neighbour of a record (the reference's `RelatedItem`), with the relation that joins them. */
export interface RelatedItem {
  readonly uuid: string;
  readonly module: string | null;
  readonly kind: string;
  readonly version: JsonValue[];
  readonly label: string | null;
  /** What the neighbour is to this record: `uses`, `used_by`, `derived`, `ancestor`, `parent`, or the stored relation name. */
  readonly relation: string;
}

/** The reference's `RelatedResponse` (`GET /v1/interfaces/{uuid}/related`). */
export interface RelatedResponse {
  readonly uuid: string;
  readonly related: RelatedItem[];
}

/**
 * A record's neighbours, one hop: the records it uses and that use it, its derivation ancestor
 * and derivatives (the index's relations, which every derived record has), and the record it is
 * stored under (a run record's interface; the project root is left out). Run records are the run
 * page's executions, not neighbours.
 *
 * @example
 * (await related(reader, row)).related.map((item) => item.relation); // ['uses', 'ancestor']
 */
export async function related(reader: StoreReader, row: IndexRow): Promise<RelatedResponse> {
  const [held, pointing, parent] = await Promise.all([
    reader.relations(row.record_id, false),
    reader.relations(row.record_id, true),
    row.parent_id === null ? undefined : reader.row(row.parent_id),
  ]);
  // Each neighbour once per relation, in the order the edges come (held, pointing here, then the parent).
  const wanted: Array<{ id: string; relation: string }> = [];
  const seen = new Set<string>();
  const want = (id: string, relation: string): void => {
    if (seen.has(`${relation}:${id}`)) return;
    seen.add(`${relation}:${id}`);
    wanted.push({ id, relation });
  };
  for (const edge of held) want(edge.related_id, relationName(edge.relation, false));
  for (const edge of pointing) want(edge.record_id, relationName(edge.relation, true));
  if (parent && parent.kind !== 'Project') want(parent.record_id, 'parent');
  const rows = await boundedMap(wanted, async ({ id }) => (parent?.record_id === id ? parent : reader.row(id)));
  const out: RelatedItem[] = [];
  wanted.forEach(({ relation }, i) => {
    const other = rows[i];
    if (other) out.push({ uuid: other.record_id, module: other.module, kind: other.kind, version: [...other.config.version] as JsonValue[], label: other.label, relation });
  });
  return { uuid: row.record_id, related: out };
}

/** The name an edge has seen from one end (`Interface.Interface.using` held: `uses`; pointing here: `used_by`). */
function relationName(stored: string, inverse: boolean): string {
  for (const relation of Object.values(RELATIONS)) if (relation.name === stored && relation.inverse === inverse) return relation.fn;
  return inverse ? `${stored} (inverse)` : stored;
}
