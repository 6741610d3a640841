import { resolve } from 'node:path';
import type { WalkEntry } from '../ports/storage.js';
import { IndexCollisionError, RecordNotFoundError } from '../kernel/errors.js';
import { parseEdgeLog } from '../format/edges.js';
import { pathSegment } from '../format/keys.js';
import { EDGE_LOG_FILE } from '../format/layout.js';
import type { IndexRow } from '../ports/index.js';
import { ingestItem } from '../store/index-row.js';
import { readStored } from '../store/read-stored.js';
import { reindex as rebuild, type ReindexOptions, type ReindexReport } from '../store/reindex.js';
import type { Records } from '../store/records.js';
import { verifyRecords, type VerifyReport } from '../store/verify.js';
import { Project } from './project.js';

/**
 * Rebuilds the current project's index from its record directories alone (the index is a cache).
 * Unreadable directories are reported, never deleted.
 *
 * @example
 * const { indexed, corrupt } = await reindex();
 */
export async function reindex(options: ReindexOptions = {}): Promise<ReindexReport> {
  const records = await Project.current().records();
  return rebuild(records.storage, records.index, options);
}

/**
 * Checks every record of the current project's storage against its own header, as the
 * reference's `verify`: sentinel-less directories, unreadable records, keys that contradict the
 * model or the directory, identity keys that the config does not give, index rows holding other
 * keys. Changes nothing.
 *
 * @example
 * const { checked, problems } = await verify();
 */
export async function verify(): Promise<VerifyReport> {
  return verifyRecords(await Project.current().records());
}

/**
 * Indexes a record directory where it is (a colleague's store, a copy on a shared drive): a pure
 * copy of its `id.json` and `model.json` into the index, as the reference's `ingest_directory`.
 * A record id the index holds with other keys is an `IndexCollisionError`, never a merge.
 *
 * @example
 * await ingestDirectory('/mnt/shared/storage/404e7ce85e173a2c41dc37ff/44136fa355b3678a1146ad16f7e8649e');
 */
export async function ingestDirectory(directory: string): Promise<IndexRow> {
  const records = await Project.current().records();
  return ingestAt(records, locationOf(directory));
}

/**
 * Copies a record directory from elsewhere into the current project's storage (at the place the
 * format gives it: under its parent, by its keys) and indexes the copy with the records nested in
 * it (its run records), as the reference's `import_directory`. A record already in storage is
 * indexed where it is. A record id the index holds with other keys is an `IndexCollisionError`.
 *
 * @example
 * await importDirectory('/tmp/from-alice/404e…/4413…');
 */
export async function importDirectory(directory: string): Promise<IndexRow> {
  const records = await Project.current().records();
  const source = locationOf(directory);
  const stored = readStored(records.storage, source, { updatedAt: true });
  const { header } = stored;
  // Checked before copying: a colliding record id is refused without touching the storage.
  const known = records.index.get(header.uuid);
  if (known) checkKeys(known, header.uuid, header, records.storage.directory(source));
  if (known && records.storage.exists(known.storage_uri)) return ingestAt(records, known.storage_uri);
  const target = records.storage.locate([pathSegment(header.identity_key), pathSegment(header.predicate_key)], records.parentLocation(header.parent));
  if (!records.storage.exists(target)) copyIn(records, records.storage.directory(source), target);
  for (const entry of records.storage.walk(target) as Iterable<WalkEntry>) if (entry.sentinel && entry.location !== target) ingestAt(records, entry.location);
  return ingestAt(records, target);
}

/** Indexes the record at `location`. */
function ingestAt(records: Records, location: string): IndexRow {
  if (!records.storage.exists(location)) throw new RecordNotFoundError(`no record at ${records.storage.directory(location)}: it has no .machinable sentinel`);
  const stored = readStored(records.storage, location, { updatedAt: true });
  const text = records.storage.readFile(location, EDGE_LOG_FILE)?.toString('utf8');
  const item = ingestItem({ header: stored.header, model: stored.model, location, updatedAtNs: stored.updatedAtNs, storageId: records.storage.id }, text ? parseEdgeLog(text) : []);
  const known = records.index.get(stored.header.uuid);
  if (known) checkKeys(known, stored.header.uuid, item.row, records.storage.directory(location));
  records.index.ingest([item]);
  return records.index.get(stored.header.uuid)!;
}

/** An `IndexCollisionError` when the index holds a record id with other keys than the incoming record's. */
function checkKeys(
  known: Pick<IndexRow, 'identity_key' | 'predicate_key'>,
  id: string,
  incoming: { readonly identity_key: string; readonly predicate_key: string },
  where: string,
): void {
  if (known.identity_key !== incoming.identity_key || known.predicate_key !== incoming.predicate_key) {
    throw new IndexCollisionError(id, known, incoming, where);
  }
}

function copyIn(records: Records, directory: string, location: string): void {
  const { storage } = records;
  if (!storage.copyIn) throw new RecordNotFoundError(`the storage at ${storage.root} cannot import directories (it has no copyIn())`);
  storage.copyIn(directory, location);
}

function locationOf(directory: string): string {
  return directory.includes('://') ? directory : `file://${resolve(directory)}`;
}
