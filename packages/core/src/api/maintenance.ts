import { compileSchema } from '../config/schema.js';
import { configClassOf } from '../interface/element.js';
import type { IndexRow } from '../ports/index.js';
import { Project } from '../project/project.js';
import { importDirectory as importInto, ingestDirectory as ingestInto } from '../store/import-record.js';
import { reindex as rebuild, type ReindexOptions, type ReindexReport } from '../store/reindex.js';
import { verifyRecords, type VerifyReport } from '../store/verify.js';

/**
 * Rebuilds the current project's index from its record directories alone (the index is a cache).
 * Unreadable directories are reported, never deleted.
 *
 * @example
 * const { indexed, corrupt } = await reindex();
 */
export async function reindex(options: ReindexOptions = {}): Promise<ReindexReport> {
  const { store } = await Project.current().session();
  return rebuild(store.storage, store.index, options);
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
  const { store, instances } = await Project.current().session();
  const excludedOf = async (module: string): Promise<readonly string[] | undefined> => {
    try {
      return compileSchema(configClassOf(await instances.load(module))).excluded;
    } catch {
      return undefined; // a module this project does not have: derived without non-identifying fields
    }
  };
  return verifyRecords(store.storage, store.index, excludedOf);
}

/**
 * Indexes a record directory where it is (a colleague's store, a copy on a shared drive), as the
 * reference's `ingest_directory`.
 *
 * @example
 * await ingestDirectory('/mnt/shared/storage/404e7ce85e173a2c41dc37ff/44136fa355b3678a1146ad16f7e8649e');
 */
export async function ingestDirectory(directory: string): Promise<IndexRow> {
  return ingestInto((await Project.current().session()).store, directory);
}

/**
 * Copies a record directory from elsewhere into the current project's storage and indexes it with
 * the records nested in it, as the reference's `import_directory`.
 *
 * @example
 * await importDirectory('/tmp/from-alice/404e…/4413…');
 */
export async function importDirectory(directory: string): Promise<IndexRow> {
  return importInto((await Project.current().session()).store, directory);
}
