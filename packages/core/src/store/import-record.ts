import { resolve } from 'node:path';
import { parseEdgeLog } from '../format/edges.js';
import { pathSegment } from '../format/keys.js';
import { EDGE_LOG_FILE } from '../format/layout.js';
import { IndexCollisionError, RecordNotFoundError } from '../kernel/errors.js';
import type { IndexRow } from '../ports/index.js';
import type { WalkEntry } from '../ports/storage.js';
import type { RecordStore } from '../ports/store.js';
import { ingestItem } from './index-row.js';
import { readStored } from './read-stored.js';

/**
 * Indexes a record directory where it is (a colleague's store, a copy on a shared drive): a pure
 * copy of its `id.json` and `model.json` into the index, as the reference's `ingest_directory`.
 * A record id the index holds with other keys is an `IndexCollisionError`, never a merge.
 *
 * @example
 * await ingestDirectory(store, '/mnt/shared/storage/404e7ce85e173a2c41dc37ff/44136fa355b3678a1146ad16f7e8649e');
 */
export function ingestDirectory(store: RecordStore, directory: string): Promise<IndexRow> {
  return ingestAt(store, locationOf(directory));
}

/**
 * Copies a record directory from elsewhere into the store (at the place the format gives it:
 * under its parent, by its keys) and indexes the copy with the records nested in it (its run
 * records), as the reference's `import_directory`. A record already in storage is indexed where
 * it is. A record id the index holds with other keys is an `IndexCollisionError`.
 *
 * @example
 * await importDirectory(store, '/tmp/from-alice/404e…/4413…');
 */
export async function importDirectory(store: RecordStore, directory: string): Promise<IndexRow> {
  const { storage, index } = store;
  const source = locationOf(directory);
  const { header } = await readStored(storage, source, { updatedAt: true });
  // Checked before copying: a colliding record id is refused without touching the storage.
  const known = await index.get(header.uuid);
  if (known) checkKeys(known, header.uuid, header, storage.directory(source));
  if (known && (await storage.exists(known.storage_uri))) return ingestAt(store, known.storage_uri);
  const target = storage.locate([pathSegment(header.identity_key), pathSegment(header.predicate_key)], await store.parentLocation(header.parent));
  if (!(await storage.exists(target))) {
    if (!storage.copyIn) throw new RecordNotFoundError(`the storage at ${storage.root} cannot import directories (it has no copyIn())`);
    await storage.copyIn(storage.directory(source), target);
  }
  for await (const entry of storage.walk(target) as AsyncIterable<WalkEntry> | Iterable<WalkEntry>) if (entry.sentinel && entry.location !== target) await ingestAt(store, entry.location);
  return ingestAt(store, target);
}

/** Indexes the record at `location`. */
async function ingestAt(store: RecordStore, location: string): Promise<IndexRow> {
  const { storage, index } = store;
  if (!(await storage.exists(location))) throw new RecordNotFoundError(`no record at ${storage.directory(location)}: it has no .machinable sentinel`);
  const stored = await readStored(storage, location, { updatedAt: true });
  const text = (await storage.readFile(location, EDGE_LOG_FILE))?.toString('utf8');
  const item = ingestItem({ header: stored.header, model: stored.model, location, updatedAtNs: stored.updatedAtNs, storageId: storage.id }, text ? parseEdgeLog(text) : []);
  const known = await index.get(stored.header.uuid);
  if (known) checkKeys(known, stored.header.uuid, item.row, storage.directory(location));
  await index.ingest([item]);
  return (await index.get(stored.header.uuid))!;
}

/** An `IndexCollisionError` when the index holds a record id with other keys than the incoming record's. */
function checkKeys(known: Pick<IndexRow, 'identity_key' | 'predicate_key'>, id: string, incoming: { readonly identity_key: string; readonly predicate_key: string }, where: string): void {
  if (known.identity_key !== incoming.identity_key || known.predicate_key !== incoming.predicate_key) {
    throw new IndexCollisionError(id, known, incoming, where);
  }
}

function locationOf(directory: string): string {
  return directory.includes('://') ? directory : `file://${resolve(directory)}`;
}
