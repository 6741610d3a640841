import { CorruptRecordError, RecordConflictError } from '../errors.js';
import { RELATIONS_FILE } from '../record/record.js';
import type { Storage } from '../storage/storage.js';
import { entryOf, type DedupKey, type Index, type IndexEntry, type RelationEntry } from './index.js';

/** Options of {@link reindex}. */
export interface ReindexOptions {
  /** Called with the number of records read so far, every `batchSize` records and at the end. */
  readonly onProgress?: (done: number) => void;
  /**
   * Entries written per index transaction. Default 10,000: with random uuids each commit rewrites
   * pages all over the b-trees (and checkpoints the WAL), so 1,000 per commit measured 2.5x slower.
   */
  readonly batchSize?: number;
}

/** A record that could not be read and was left out of the index (and left on disk). */
export interface CorruptEntry {
  readonly uuid: string;
  readonly error: CorruptRecordError;
}

/** Two records with one dedup key: `kept` is the older, `dropped` is left on disk, unindexed. */
export interface DuplicateEntry {
  readonly kept: string;
  readonly dropped: string;
}

/** What {@link reindex} did. */
export interface ReindexReport {
  /** Entries in the index afterwards. */
  readonly indexed: number;
  readonly corrupt: CorruptEntry[];
  readonly duplicates: DuplicateEntry[];
}

/**
 * Rebuilds the index from storage alone: clears it, then reads every record and inserts its entry
 * (the parent comes from `id.json`) and the relations of its edge log (`related/metadata.jsonl`),
 * `batchSize` per transaction. A record that cannot be read is skipped and reported, never deleted;
 * of two records with one dedup key the older (by `createdAt`, then uuid) is indexed and the other
 * reported, because the older one is what earlier `get()` calls will have returned.
 *
 * While it runs the index is incomplete, so run it when no other process is creating records.
 *
 * @example
 * const report = reindex(storage, index, { onProgress: (n) => console.log(`${n} records`) });
 * console.log(`${report.indexed} indexed, ${report.corrupt.length} corrupt`);
 */
export function reindex(storage: Storage, index: Index, options: ReindexOptions = {}): ReindexReport {
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const corrupt: CorruptEntry[] = [];
  // Dedup key -> the entry holding it so far (what isOlder() compares: kept small, as there is
  // one per record), and the uuids that lost to it.
  const held = new Map<string, Holder>();
  const losers = new Map<string, string[]>();
  let batch = new Map<string, IndexEntry>();
  let edges = new Map<string, RelationEntry[]>();
  let done = 0;

  const flush = (): void => {
    if (batch.size > 0) index.upsert(batch.values());
    if (edges.size > 0) index.relate([...edges.values()].flat());
    batch = new Map();
    edges = new Map();
  };
  // The entry now holds its dedup key: queued for the index with its relations.
  const hold = (key: string, entry: IndexEntry): void => {
    held.set(key, { uuid: entry.uuid, createdAt: entry.createdAt });
    batch.set(entry.uuid, entry);
    const relations = relationsOf(storage, entry.uuid);
    if (relations.length > 0) edges.set(entry.uuid, relations);
  };

  const fill = (): void => {
    for (const uuid of storage.list()) read(uuid);
    flush();
  };
  const read = (uuid: string): void => {
    done += 1;
    const entry = readEntry(storage, uuid, corrupt);
    if (entry) {
      const key = dedupKeyOf(entry);
      const holder = held.get(key);
      if (!holder) {
        hold(key, entry);
      } else if (isOlder(entry, holder)) {
        // The holder may already be committed: take it out so the key has one row.
        edges.delete(holder.uuid);
        if (!batch.delete(holder.uuid)) index.remove(holder.uuid);
        hold(key, entry);
        pushTo(losers, key, holder.uuid);
      } else {
        pushTo(losers, key, entry.uuid);
      }
    }
    if (done % batchSize === 0) {
      flush();
      options.onProgress?.(done);
    }
  };
  if (index.rebuild) {
    index.rebuild(fill);
  } else {
    index.clear();
    fill();
  }
  if (done % batchSize !== 0 || done === 0) options.onProgress?.(done);

  const duplicates: DuplicateEntry[] = [];
  for (const [key, dropped] of losers) {
    const kept = held.get(key)!.uuid;
    for (const uuid of dropped) duplicates.push({ kept, dropped: uuid });
  }
  return { indexed: held.size, corrupt, duplicates };
}

/**
 * Brings one record directory into storage and the index: a record copied from a colleague or
 * another store. Never merges: a record that contradicts the index is refused loudly, and
 * ingesting a record that is already indexed unchanged does nothing.
 *
 * @throws RecordConflictError when the index holds the same uuid with other fields, or another
 *   uuid with the same dedup key (parent, identity_key, predicate_key).
 * @example
 * const entry = ingestDirectory('/tmp/from-alice/0190a1b2-...', storage, index);
 * console.log(entry.module, entry.uuid);
 */
export function ingestDirectory(location: string, storage: Storage, index: Index): IndexEntry {
  // Read and check before adopting, so a refused record is not copied into storage.
  const found = storage.read(location);
  const candidate = entryOf(found.id, found.model, found.createdAt);

  const indexed = index.findByUuid(candidate.uuid);
  if (indexed) {
    assertSameRecord(location, indexed, candidate, 'the index');
    return indexed;
  }
  const holder = index.find(candidate);
  if (holder) throw keyHeldError(location, candidate, holder, storage);

  const stored = storage.adopt(location);
  const entry = entryOf(stored.id, stored.model, stored.createdAt);
  // adopt() hands back what storage holds under that uuid, which may be an older, different record.
  assertSameRecord(location, entry, candidate, `storage (${stored.location})`);

  // claim(), not upsert(): another process may have indexed the same key since the check above.
  const claim = index.claim(entry, () => undefined);
  if (claim.entry.uuid !== entry.uuid) throw keyHeldError(location, entry, claim.entry, storage);
  index.relate(relationsOf(storage, entry.uuid));
  return claim.entry;
}

const IDENTIFYING_FIELDS = [
  ['kind', 'kind'],
  ['module', 'module'],
  ['parent', 'parent'],
  ['identity_key', 'identityKey'],
  ['predicate_key', 'predicateKey'],
] as const;

function assertSameRecord(location: string, known: IndexEntry, incoming: IndexEntry, where: string): void {
  const differences = IDENTIFYING_FIELDS.filter(([, field]) => known[field] !== incoming[field]).map(
    ([name, field]) => `${name}: ${JSON.stringify(known[field])} in ${where}, ${JSON.stringify(incoming[field])} in the directory`,
  );
  if (differences.length === 0) return;
  throw new RecordConflictError(
    `cannot ingest ${location}: record ${incoming.uuid} is already known with different fields ` +
      `(${differences.join('; ')}). A uuid names one record forever, so these are two different ` +
      'records: give the directory a new uuid, or if the index is stale run `machinable reindex`',
  );
}

function keyHeldError(location: string, incoming: IndexEntry, holder: IndexEntry, storage: Storage): RecordConflictError {
  return new RecordConflictError(
    `cannot ingest ${location}: record ${incoming.uuid} has the dedup key ` +
      `(parent=${incoming.parent ?? 'null'}, identity_key=${incoming.identityKey}, ` +
      `predicate_key=${incoming.predicateKey}), which record ${holder.uuid} ` +
      `(${storage.directory(holder.uuid)}) already holds. They are the same run: keep ${holder.uuid}, ` +
      'or remove it and its entry (`machinable reindex`) before ingesting this one',
  );
}

/** The entry of a listed record, or undefined (after noting why) when it cannot be indexed. */
function readEntry(storage: Storage, uuid: string, corrupt: CorruptEntry[]): IndexEntry | undefined {
  let record;
  try {
    record = storage.find(uuid);
  } catch (error) {
    if (error instanceof CorruptRecordError) {
      corrupt.push({ uuid, error });
      return undefined;
    }
    throw error;
  }
  // Listed but gone: removed by another process since list(); nothing to index.
  if (!record) return undefined;
  if (record.id.uuid !== uuid) {
    // A directory copied under another name: indexing it would point the uuid at the wrong place.
    const error = new CorruptRecordError(
      `${record.location}/id.json`,
      `id.json names uuid ${record.id.uuid} but the record is stored as ${uuid}`,
    );
    corrupt.push({ uuid, error });
    return undefined;
  }
  return entryOf(record.id, record.model, record.createdAt);
}

/**
 * The relations in a record's edge log. A line that is not a complete edge (a crash mid-append)
 * is skipped: the log is append-only, so only the last line can be torn.
 */
export function relationsOf(storage: Storage, uuid: string): RelationEntry[] {
  const text = storage.readFile(uuid, RELATIONS_FILE)?.toString('utf8') ?? '';
  const relations: RelationEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let edge: unknown;
    try {
      edge = JSON.parse(line);
    } catch {
      continue;
    }
    const { relation, uuid: to, at } = (edge ?? {}) as Record<string, unknown>;
    if (typeof relation !== 'string' || typeof to !== 'string') continue;
    relations.push({ from: uuid, relation, to, createdAt: typeof at === 'string' ? at : '' });
  }
  return relations;
}

function dedupKeyOf(key: DedupKey): string {
  return JSON.stringify([key.parent, key.identityKey, key.predicateKey]);
}

/** What reindex() keeps of the record holding a dedup key. */
interface Holder {
  readonly uuid: string;
  readonly createdAt: string;
}

/** Older by creation time, then by uuid, so the choice is the same on every run. */
function isOlder(a: Holder, b: Holder): boolean {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta < tb;
  // Same millisecond (Python writes microseconds, which Date.parse drops) or unparseable.
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.uuid < b.uuid;
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
