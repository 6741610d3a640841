import { RELATIONS } from '../format/edges.js';
import type { JsonObject } from '../format/model.js';
import type { IndexRow } from '../ports/index.js';
import type { JsonValue } from '../json/json.js';
import { toPlainNumbers } from '../json/json.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Index } from '../ports/index.js';
import { relatedIdsOf } from './relations.js';

/** One record in a provenance graph. `attributes` is what its kind contributes (see {@link provenanceGraph}). */
export interface ProvenanceNode {
  readonly uuid: string;
  readonly kind: string;
  readonly module: string | null;
  readonly version: JsonValue[];
  readonly label: string | null;
  readonly attributes: JsonObject;
}

/** A directed edge between two nodes: `derivation`, `runs`, `manifest` or `uses`. */
export interface ProvenanceLink {
  readonly source: string;
  readonly target: string;
  readonly rel: string;
}

/** The reference's provenance graph: a node-link DAG of how a result came to be. */
export interface ProvenanceGraph {
  readonly root: string;
  readonly nodes: ProvenanceNode[];
  readonly links: ProvenanceLink[];
  /** True when the node cap ended the walk early. */
  readonly truncated: boolean;
}

/** Options of {@link provenanceGraph}. */
export interface ProvenanceOptions {
  /** How many hops to follow (default 8). */
  readonly depth?: number;
  /** Follow only these edge labels, `depth` hops; by default derivation, runs and manifest deeply and uses one hop. */
  readonly rels?: readonly string[];
  /** At most this many nodes (default 200). */
  readonly nodeCap?: number;
}

const DEEP = ['derivation', 'runs', 'manifest'];

type Edge = readonly [source: string, rel: string, target: string];

/**
 * The provenance graph rooted at a record, as the reference assembles it: the recipe (derivation
 * from other records, what it uses) and the history (its run records, each with the `Manifest`
 * of the code state it ran at). Edges are oriented from cause to effect (`ancestor → derived`,
 * `record → run`, `run → manifest`, `user → used`); a node shared by many (one manifest for many
 * runs) appears once. Node attributes: a run record's seed, nickname and resources; a manifest's
 * entries; any other record's config layers (and its context, if any). Plain JSON.
 */
export function provenanceGraph(index: Index, rootId: string, options: ProvenanceOptions = {}): MaybePromise<ProvenanceGraph> {
  return settle(graphSteps(index, rootId, options));
}

function* graphSteps(index: Index, rootId: string, options: ProvenanceOptions): Steps<ProvenanceGraph> {
  const depth = options.depth ?? 8;
  const cap = options.nodeCap ?? 200;
  // From index rows alone: a graph reads no record directory and changes nothing (a viewer's).
  const rows = new Map<string, IndexRow | null>();
  function* model(id: string): Steps<IndexRow | null> {
    if (!rows.has(id)) rows.set(id, ((yield index.get(id)) as IndexRow | undefined) ?? null);
    return rows.get(id)!;
  }
  const nodes = new Map<string, ProvenanceNode>();
  const links: ProvenanceLink[] = [];
  const seenEdges = new Set<string>();
  let truncated = false;
  function* addNode(id: string): Steps<boolean> {
    if (nodes.has(id)) return true;
    const found = yield* model(id);
    if (found === null) return false;
    if (nodes.size >= cap) {
      truncated = true;
      return false;
    }
    nodes.set(id, nodeOf(found));
    return true;
  }
  function* relOf(target: string): Steps<string> {
    return (yield* model(target))?.kind === 'Manifest' ? 'manifest' : 'uses';
  }
  function* edgesOf(id: string): Steps<Edge[]> {
    const out: Edge[] = [];
    for (const child of yield* relatedIdsOf(index, id, RELATIONS.derived.name, false)) out.push([id, 'derivation', child]);
    for (const parent of yield* relatedIdsOf(index, id, RELATIONS.derived.name, true)) out.push([parent, 'derivation', id]);
    for (const used of yield* relatedIdsOf(index, id, RELATIONS.uses.name, false)) out.push([id, yield* relOf(used), used]);
    for (const user of yield* relatedIdsOf(index, id, RELATIONS.uses.name, true)) out.push([user, yield* relOf(id), id]);
    const runs = (yield index.all({ parent_id: id, kind: 'Execution', include_hidden: true, sort: [{ by: 'created_at_ns', direction: 'asc' }] })) as IndexRow[];
    for (const run of runs) out.push([id, 'runs', run.record_id]);
    return out;
  }

  yield* addNode(rootId);
  const passes: [ReadonlySet<string>, number][] = options.rels ? [[new Set(options.rels), depth]] : [[new Set(DEEP), depth], [new Set(['uses']), 1]];
  for (const [rels, hops] of passes) {
    const seen = new Set([rootId]);
    let frontier = [rootId];
    for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const [source, rel, target] of yield* edgesOf(id)) {
          if (!rels.has(rel)) continue;
          const key = `${source} ${rel} ${target}`;
          if (!seenEdges.has(key) && (yield* addNode(source)) && (yield* addNode(target))) {
            seenEdges.add(key);
            links.push({ source, target, rel });
          }
          const neighbour = source === id ? target : source;
          if (!seen.has(neighbour)) {
            seen.add(neighbour);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
  }
  return { root: rootId, nodes: [...nodes.values()], links, truncated };
}

/** A record as a node: its kind's attributes (history kinds carry their fields, recipe kinds their config). */
function nodeOf(row: IndexRow): ProvenanceNode {
  const attributes: Record<string, JsonValue> = { ...(toPlainNumbers(row.extra) as JsonObject) };
  if (row.kind !== 'Execution' && row.kind !== 'Manifest') {
    attributes['config_layers'] = toPlainNumbers({
      default: row.config.default,
      version: row.config.version,
      update: row.config.update,
      resolved: row.config.resolved,
    }) as JsonObject;
    if (row.context.length > 0) attributes['context'] = toPlainNumbers(row.context) as JsonValue;
  }
  return {
    uuid: row.record_id,
    kind: row.kind,
    module: row.module,
    version: toPlainNumbers(row.config.version) as JsonValue[],
    label: row.label,
    attributes,
  };
}
