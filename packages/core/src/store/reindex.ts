import { CorruptRecordError, IndexCollisionError, LegacyRecordError, LegacyStoreError } from '../kernel/errors.js';
import { parseEdgeLog } from '../format/edges.js';
import { EDGE_LOG_FILE } from '../format/layout.js';
import type { StoredRecord } from '../format/record.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Index, IndexRow, IngestItem } from '../ports/index.js';
import { walkEntries, type Storage, type WalkEntry } from '../ports/storage.js';
import { ingestItem } from './index-row.js';
import { readStoredSteps } from './read-stored.js';
import { keyProblems, type RecordProblem } from './verify.js';

/** Options of {@link reindex}. */
export interface ReindexOptions {
  /** Called with the number of directories read so far, every `batchSize` and at the end. */
  readonly onProgress?: (done: number) => void;
  /** Records ingested per index transaction. Default 10,000. */
  readonly batchSize?: number;
}

/** A record directory that could not be read; left on disk, out of the index. */
export interface CorruptEntry {
  readonly location: string;
  readonly error: CorruptRecordError;
}

/** Two records with one dedup key (both indexed, as the reference does; `get()` finds `kept`, the older). */
export interface DuplicateEntry {
  readonly kept: string;
  readonly dropped: string;
}

/** What {@link reindex} did. */
export interface ReindexReport {
  /** Records ingested. */
  readonly indexed: number;
  readonly corrupt: CorruptEntry[];
  /** Directories with an `id.json` but no `.machinable` sentinel: not records until it is restored. */
  readonly orphans: string[];
  readonly duplicates: DuplicateEntry[];
  /** Directories claiming a record id the index holds with other keys; not ingested. */
  readonly collisions: IndexCollisionError[];
  /** Record ids whose rows were dropped because their directory is gone. */
  readonly removed: string[];
  /** Records indexed whose `id.json` contradicts their model or their directory (see `directoryProblems`). */
  readonly mismatched: RecordProblem[];
}

/**
 * Rebuilds the index from the record directories alone, as the reference's reindex: every
 * directory under the storage is ingested as a pure copy of its `id.json` and `model.json` (no
 * config import, no hashing) with the edges of its edge log, and rows whose directory is gone are
 * dropped (the project root, which has no directory, stays). Rows keep their private overlay.
 * Nothing on disk is changed: unreadable directories, sentinel-less ones, duplicates and id
 * collisions are reported. A storage of this project's releases before format v1 is refused
 * with a `LegacyStoreError`.
 *
 * @example
 * const report = reindex(storage, index, { onProgress: (n) => console.log(`${n} records`) });
 * console.log(`${report.indexed} indexed, ${report.corrupt.length} corrupt`);
 */
export function reindex(storage: Storage, index: Index, options: ReindexOptions = {}): MaybePromise<ReindexReport> {
  return settle(reindexSteps(storage, index, options));
}

function* reindexSteps(storage: Storage, index: Index, options: ReindexOptions): Steps<ReindexReport> {
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const found: Found = { corrupt: [], legacy: [], orphans: [], duplicates: [], collisions: [], mismatched: [], seen: new Map(), holders: new Map(), indexed: 0, done: 0 };
  yield index.rebuild(() => settle(fillSteps(storage, index, found, batchSize, options)));
  options.onProgress?.(found.done);

  const removed: string[] = [];
  for (const row of (yield index.locations()) as Array<Pick<IndexRow, 'record_id' | 'kind' | 'storage_uri'>>) {
    if (row.kind === 'Project' || found.seen.has(row.record_id)) continue;
    if (!((yield storage.exists(row.storage_uri)) as boolean)) {
      yield index.remove(row.record_id);
      removed.push(row.record_id);
    }
  }
  if (found.legacy.length > 0) throw new LegacyStoreError(storage.root, found.legacy);
  const { indexed, corrupt, orphans, duplicates, collisions, mismatched } = found;
  return { indexed, corrupt, orphans, duplicates, collisions, removed, mismatched };
}

/** What a reindex found so far. */
interface Found {
  readonly corrupt: CorruptEntry[];
  readonly legacy: string[];
  readonly orphans: string[];
  readonly duplicates: DuplicateEntry[];
  readonly collisions: IndexCollisionError[];
  readonly mismatched: RecordProblem[];
  /** Record id -> its keys, as text. */
  readonly seen: Map<string, string>;
  /** Dedup key -> the oldest record holding it. */
  readonly holders: Map<string, { id: string; created: bigint }>;
  indexed: number;
  done: number;
}

/** Ingests every record directory under the storage, in batches. */
function* fillSteps(storage: Storage, index: Index, found: Found, batchSize: number, options: ReindexOptions): Steps<void> {
  let batch: IngestItem[] = [];
  const entries = walkEntries(storage);
  for (;;) {
    const next = (yield entries.next()) as IteratorResult<WalkEntry>;
    if (next.done) break;
    const entry = next.value;
    found.done += 1;
    if (!entry.sentinel) {
      found.orphans.push(storage.directory(entry.location));
      continue;
    }
    let stored: StoredRecord;
    try {
      stored = yield* readStoredSteps(storage, entry.location, { updatedAt: true });
    } catch (error) {
      if (error instanceof LegacyRecordError) found.legacy.push(storage.directory(entry.location));
      else if (error instanceof CorruptRecordError) found.corrupt.push({ location: storage.directory(entry.location), error });
      else throw error;
      continue;
    }
    found.mismatched.push(...keyProblems(storage, entry, stored));
    const { header } = stored;
    const keys = `${header.identity_key}/${header.predicate_key}`;
    const earlier = found.seen.get(header.uuid);
    if (earlier !== undefined) {
      if (earlier !== keys) {
        found.collisions.push(
          new IndexCollisionError(header.uuid, splitKeys(earlier), { identity_key: header.identity_key, predicate_key: header.predicate_key }, storage.directory(entry.location)),
        );
      }
      continue;
    }
    found.seen.set(header.uuid, keys);
    noteDuplicate(found.holders, found.duplicates, stored);
    const text = ((yield storage.readFile(entry.location, EDGE_LOG_FILE)) as Buffer | undefined)?.toString('utf8');
    batch.push(ingestItem({ header, model: stored.model, location: entry.location, updatedAtNs: stored.updatedAtNs, storageId: storage.id }, text ? parseEdgeLog(text) : []));
    if (batch.length >= batchSize) {
      found.indexed += yield* ingestBatchSteps(index, batch, found.collisions);
      batch = [];
      options.onProgress?.(found.done);
    }
  }
  if (batch.length > 0) found.indexed += yield* ingestBatchSteps(index, batch, found.collisions);
}

/** Ingests a batch; when one item collides, the rest go in one by one and the collision is reported. */
function* ingestBatchSteps(index: Index, batch: IngestItem[], collisions: IndexCollisionError[]): Steps<number> {
  try {
    yield index.ingest(batch);
    return batch.length;
  } catch (error) {
    if (!(error instanceof IndexCollisionError)) throw error;
  }
  let count = 0;
  for (const item of batch) {
    try {
      yield index.ingest([item]);
      count += 1;
    } catch (error) {
      if (!(error instanceof IndexCollisionError)) throw error;
      collisions.push(error);
    }
  }
  return count;
}

function noteDuplicate(holders: Map<string, { id: string; created: bigint }>, duplicates: DuplicateEntry[], stored: StoredRecord): void {
  const { header, model } = stored;
  const key = `${header.parent ?? ''}\n${header.identity_key}\n${header.predicate_key}`;
  const created = model.created_at_ns ?? 0n;
  const holder = holders.get(key);
  // Run records share an interface and an execution identity by design; only their dispatch second tells them apart.
  if (header.kind === 'Execution') return;
  if (!holder) {
    holders.set(key, { id: header.uuid, created });
    return;
  }
  const older = holder.created < created || (holder.created === created && holder.id < header.uuid);
  if (older) duplicates.push({ kept: holder.id, dropped: header.uuid });
  else {
    duplicates.push({ kept: header.uuid, dropped: holder.id });
    holders.set(key, { id: header.uuid, created });
  }
}

function splitKeys(text: string): { identity_key: string; predicate_key: string } {
  const [identity_key = '', predicate_key = ''] = text.split('/');
  return { identity_key, predicate_key };
}
