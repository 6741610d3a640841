/**
 * `@machinable/core/sqlite`: the default index, a SQLite file (better-sqlite3). A separate entry
 * point so that importing `@machinable/core` does not load better-sqlite3; a project opens the
 * index through it when it first needs it.
 *
 * @example
 * import { SqliteIndex } from '@machinable/core/sqlite';
 * const index = new SqliteIndex('/research/.machinable.sqlite');
 */
export { SqliteIndex, SQLITE_INDEX_SCHEMA_VERSION, type SqliteIndexOptions } from './index/sqlite-index.js';
