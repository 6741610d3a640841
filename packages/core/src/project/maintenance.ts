import { reindex as rebuild, ingestDirectory as ingest, type ReindexOptions, type ReindexReport } from '../index/reindex.js';
import type { IndexEntry } from '../index/index.js';
import { Project } from './project.js';

/**
 * Rebuilds the current project's index from its record directories alone (the index is a cache).
 * Corrupt directories are skipped and reported, never deleted.
 *
 * @example
 * const { indexed, corrupt } = await reindex();
 */
export async function reindex(options: ReindexOptions = {}): Promise<ReindexReport> {
  const project = Project.current();
  const [storage, index] = await Promise.all([project.storage(), project.index()]);
  return rebuild(storage, index, options);
}

/**
 * Brings a record directory from elsewhere (another store, a colleague's copy) into the current
 * project's storage and index. A directory that contradicts an indexed record is a
 * `RecordConflictError`, never a merge.
 *
 * @example
 * await ingestDirectory('/mnt/shared/runs/0193…');
 */
export async function ingestDirectory(location: string): Promise<IndexEntry> {
  const project = Project.current();
  const [storage, index] = await Promise.all([project.storage(), project.index()]);
  return ingest(location, storage, index);
}
