import { RELATIONS, type IndexRow, type JsonValue } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';
import { userConfig } from './execution-info.js';

/** A node of the reference's provenance graph (`GraphNode`). */
export interface GraphNode {
  readonly uuid: string;
  readonly kind: string;
  readonly module: string | null;
  readonly version: JsonValue[];
  readonly label: string | null;
  readonly attributes: Record<string, JsonValue>;
}

/** An edge of the reference's provenance graph (`GraphEdge`): `derivation`, `runs`, `manifest` or `uses`. */
export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly rel: string;
}

/** The reference's `ProvenanceGraph` (`GET /v1/interfaces/{uuid}/provenance`). */
export interface ProvenanceGraph {
  readonly root: string;
  readonly nodes: GraphNode[];
  readonly links: GraphEdge[];
}

const USING = RELATIONS.uses.name;
const DERIVATIVES = RELATIONS.derived.name;

/**
 * How a record came to be, from what its store recorded, as the reference's node-link graph: its
 * derivation ancestors (`ancestor → derived`, up to `depth` hops), what it uses (one hop), its run
 * records (`record → run`) and what each run used: a `Manifest` record of the code state it ran
 * with (`run → manifest`) when one was recorded. Nothing recorded, nothing shown: a store without
 * manifests gives the record and its runs. Edges run from cause to effect, as the reference's.
 *
 * @example
 * provenance(reader, row).nodes.filter((node) => node.kind === 'Manifest');
 */
export function provenance(reader: StoreReader, row: IndexRow, depth = 8): ProvenanceGraph {
  const nodes = new Map<string, GraphNode>();
  const links: GraphEdge[] = [];
  const add = (node: IndexRow): void => {
    if (!nodes.has(node.record_id)) nodes.set(node.record_id, nodeOf(node));
  };
  const link = (source: string, target: string, rel: string): void => {
    if (!links.some((l) => l.source === source && l.target === target && l.rel === rel)) links.push({ source, target, rel });
  };
  add(row);
  let current = row;
  for (let hop = 0; hop < depth; hop++) {
    const edge = reader.relations(current.record_id, true).find((e) => e.relation === DERIVATIVES);
    const ancestor = edge && reader.row(edge.record_id);
    if (!ancestor || nodes.has(ancestor.record_id)) break;
    add(ancestor);
    link(ancestor.record_id, current.record_id, 'derivation');
    current = ancestor;
  }
  const usesOf = (holder: IndexRow): void => {
    for (const edge of reader.relations(holder.record_id, false)) {
      if (edge.relation !== USING) continue;
      const used = reader.row(edge.related_id);
      if (!used) continue;
      add(used);
      link(holder.record_id, used.record_id, used.kind === 'Manifest' ? 'manifest' : 'uses');
    }
  };
  usesOf(row);
  for (const run of reader.runs(row.record_id)) {
    add(run);
    link(row.record_id, run.record_id, 'runs');
    usesOf(run);
  }
  return { root: row.record_id, nodes: [...nodes.values()], links };
}

function nodeOf(row: IndexRow): GraphNode {
  const attributes: Record<string, JsonValue> =
    row.kind === 'Execution'
      ? { seed: (row.extra['seed'] ?? null) as JsonValue, nickname: (row.extra['nickname'] ?? null) as JsonValue, resources: (row.predicate['resources'] ?? null) as JsonValue }
      : row.kind === 'Manifest'
        ? { config: userConfig(row.config.resolved) }
        : { config: { default: row.config.default as JsonValue, version: [...row.config.version] as JsonValue[], update: row.config.update as JsonValue, resolved: userConfig(row.config.resolved) } };
  return { uuid: row.record_id, kind: row.kind, module: row.module, version: [...row.config.version] as JsonValue[], label: row.label, attributes };
}
