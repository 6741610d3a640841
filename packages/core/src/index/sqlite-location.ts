/**
 * Which store an index describes. The index keeps the reference's absolute `file://` locations
 * (the schema is shared with Python machinable), so an index copied or moved with its project
 * still points at the old place. The store's location is remembered in the file's header
 * (`PRAGMA application_id`, a 32-bit hash of the storage root's URI, which the reference neither
 * sets nor reads): an index that finds itself beside another store is rebuilt from the records
 * there.
 */
import type Database from 'better-sqlite3';

/** The mark of a store's root URI: FNV-1a over its UTF-16 code units, never 0 (0 is "unmarked"). */
export function storeMark(storeUri: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < storeUri.length; i++) hash = Math.imul(hash ^ storeUri.charCodeAt(i), 0x01000193);
  return hash | 0 || 1;
}

/**
 * True when the index at `db` describes the store at `storeUri`: it carries that store's mark, or,
 * unmarked (new, made by Python machinable or by a release before the mark), it holds no record
 * or its newest record is inside that store.
 */
export function describesStore(db: Database.Database, storeUri: string): boolean {
  const mark = Number(db.pragma('application_id', { simple: true }));
  if (mark !== 0) return mark === storeMark(storeUri);
  const newest = db.prepare<[], string>("SELECT storage_uri FROM 'index' WHERE kind <> 'Project' ORDER BY rowid DESC LIMIT 1").pluck().get();
  return newest === undefined || newest === storeUri || newest.startsWith(`${storeUri.replace(/\/+$/, '')}/`);
}

/** Marks the index as describing the store at `storeUri`. */
export function markStore(db: Database.Database, storeUri: string): void {
  db.pragma(`application_id = ${storeMark(storeUri)}`);
}
