import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * A read-only connection to a project's SQLite index (format v1's schema), or undefined when the
 * index is not a SQLite file this process can open (a registered `Index` adapter, say). Opened
 * `readonly`, it can never write the index; `busy_timeout` as the index's own connections.
 *
 * @example
 * const db = openReadonlyIndex(project.indexPath);
 */
export function openReadonlyIndex(path: string): Database.Database | undefined {
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.prepare("SELECT rowid, record_id, module, config_resolved_json FROM 'index' LIMIT 1").get();
    return db;
  } catch {
    db?.close();
    return undefined;
  }
}
