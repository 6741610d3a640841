import { RELATIONS, type EdgeLine, type RelationFn } from '../format/edges.js';
import type { StoredRecord } from '../format/record.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { RecordStore } from '../ports/store.js';

/**
 * Ids related to a stored record through one side of a relation, oldest edge first: as its own
 * edge log lists them (append-only, so in the order of creation), then any the index knows from
 * other records' logs; each once, the record itself left out.
 *
 * @example
 * await relatedIds(store, run.record!, 'uses'); // ids of what run uses
 */
export function relatedIds(store: RecordStore, stored: StoredRecord, fn: RelationFn): MaybePromise<string[]> {
  return settle(relatedSteps(store, stored, fn));
}

function* relatedSteps(store: RecordStore, stored: StoredRecord, fn: RelationFn): Steps<string[]> {
  const { name, inverse } = RELATIONS[fn];
  const own = stored.header.uuid;
  const other = (edge: EdgeLine): string => (inverse ? edge.uuid : edge.related_uuid);
  const edges = (yield store.relations.edges(stored)) as EdgeLine[];
  const logged = edges.filter((edge) => edge.fn === fn && (inverse ? edge.related_uuid : edge.uuid) === own).map(other);
  const indexed = (yield store.relations.relatedIds(own, name, inverse)) as string[];
  return [...new Set([...logged, ...indexed])].filter((id) => id !== own);
}
