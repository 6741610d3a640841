import { parseJson, pyJson, type JsonValue } from '../json/json.js';

/**
 * One line of the edge log (`related/metadata.jsonl`). `uuid` and `related_uuid` are the edge in
 * its forward orientation (the user and the used, the ancestor and the derived) whichever side's
 * log holds the line; `fn` says which side wrote it.
 */
export interface EdgeLine {
  /** The relation, `<kind>.<kind>.<key>`, e.g. `Interface.Interface.using`. */
  readonly name: string;
  readonly uuid: string;
  readonly related_uuid: string;
  /** The relation method of the side holding the line: `uses`, `used_by`, `derived`, `ancestor`. */
  readonly fn: string;
  readonly inverse: boolean;
  readonly multiple: boolean;
  readonly cached: boolean;
}

/** The relations machinable writes, by the method name of the side whose log holds the line. */
export const RELATIONS = {
  uses: { name: 'Interface.Interface.using', fn: 'uses', inverse: false, multiple: true, cached: true },
  used_by: { name: 'Interface.Interface.using', fn: 'used_by', inverse: true, multiple: true, cached: true },
  derived: { name: 'Interface.Interface.derivatives', fn: 'derived', inverse: false, multiple: true, cached: false },
  ancestor: { name: 'Interface.Interface.derivatives', fn: 'ancestor', inverse: true, multiple: false, cached: true },
} as const;

export type RelationFn = keyof typeof RELATIONS;

/**
 * The edge `from` → `to` of a relation as the line the side `fn` writes into its log.
 *
 * @example
 * edgeLine('used_by', a.uuid, b.uuid); // the line b's log gets when a uses b
 */
export function edgeLine(fn: RelationFn, from: string, to: string): EdgeLine {
  const { name, inverse, multiple, cached } = RELATIONS[fn];
  return { name, uuid: from, related_uuid: to, fn, inverse, multiple, cached };
}

/** An edge log line as the reference writes it: sorted keys, ASCII, Python's separators, a newline. */
export function edgeLineText(edge: EdgeLine): string {
  return `${pyJson(edge, { sortKeys: true })}\n`;
}

/**
 * The edges of a log, each once: duplicate lines are legal (the log is a grow-only set, merged by
 * union) and collapse on `(name, uuid, related_uuid, fn)`. A line that is not a complete edge (a
 * torn last line after a crash, a foreign tool's note) is skipped, not fatal.
 */
export function parseEdgeLog(text: string): EdgeLine[] {
  const out: EdgeLine[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: JsonValue;
    try {
      value = parseJson(line);
    } catch {
      continue;
    }
    const edge = asEdge(value);
    if (!edge) continue;
    const key = JSON.stringify([edge.name, edge.uuid, edge.related_uuid, edge.fn]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(edge);
  }
  return out;
}

function asEdge(value: JsonValue): EdgeLine | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, JsonValue>;
  const { name, uuid, related_uuid: related, fn } = v;
  if (typeof name !== 'string' || typeof uuid !== 'string' || typeof related !== 'string') return undefined;
  return {
    name,
    uuid,
    related_uuid: related,
    fn: typeof fn === 'string' ? fn : '',
    inverse: v['inverse'] === true,
    multiple: v['multiple'] === true,
    cached: v['cached'] === true,
  };
}
