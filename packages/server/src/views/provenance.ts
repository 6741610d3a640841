import { provenanceGraph, type IndexRow, type ProvenanceGraph } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';

export type { ProvenanceGraph, ProvenanceLink as GraphEdge, ProvenanceNode as GraphNode } from '@machinable/core';

/**
 * How a record came to be (`GET /v1/interfaces/{uuid}/provenance`): core's provenance graph, the
 * reference's node-link shape, read from the index alone (viewing changes nothing): derivation
 * to `depth` hops, what it uses, its run records and the `Manifest` of the code state each ran at.
 *
 * @example
 * (await provenance(reader, row)).nodes.filter((node) => node.kind === 'Manifest');
 */
export async function provenance(reader: StoreReader, row: IndexRow, depth = 8): Promise<ProvenanceGraph> {
  return provenanceGraph(reader.store.index, row.record_id, { depth });
}
