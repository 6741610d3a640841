import type Database from 'better-sqlite3';
import { indexAccessError } from './sqlite-errors.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { prepareTransactions, type Transactions } from './sqlite-transactions.js';
import { SqliteFinder } from './sqlite-finder.js';
import { connect, fileReplaced, isDamage, setAside, type IndexConnection } from './sqlite-connection.js';

/** Reads look at the file's identity at most this often (ms); writes look every time. */
const READ_CHECK_MS = 1000;

/**
 * Connections of files that were deleted, replaced or set aside under this process. They are
 * never closed: SQLite's close deletes the `-wal` file by its name, which may be the new index's
 * by then. The operating system closes them at exit.
 */
const abandoned: Database.Database[] = [];

/**
 * The index file a `SqliteIndex` reads and writes, kept the one at its path: a file that is not a
 * database or is damaged (at open, or found by any read or write later) is set aside and a new one
 * made; a file deleted or replaced under it (its device and inode, looked at before every write
 * and at most once a second before a read) is left for the one there now. After either,
 * `onReopen` refills the new file: rows written meanwhile may be missing from it.
 */
export class IndexFile {
  conn!: IndexConnection;
  stmt!: Statements;
  tx!: Transactions;
  finder!: SqliteFinder;
  /** The first opening created the tables. */
  readonly created: boolean;
  private checkedAt = 0;
  private healing = false;

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
    private readonly onReopen: () => void,
  ) {
    try {
      this.bind(this.openOrSetAside());
    } catch (error) {
      throw indexAccessError(error, path, 'open');
    }
    this.created = this.conn.created;
  }

  /**
   * Runs a write, after making sure the file is still the one open (else opening the one there
   * now); on a damaged file, sets it aside and runs the write once more on a new one. SQLite's
   * failures a user causes become an `IndexAccessError` naming the file and the fix.
   */
  writing<T>(fn: () => T): T {
    try {
      this.checkFile();
      return fn();
    } catch (error) {
      if (!this.healed(error)) throw indexAccessError(error, this.path, 'write');
    }
    try {
      return fn();
    } catch (error) {
      throw indexAccessError(error, this.path, 'write');
    }
  }

  /** Runs a read, looking at the file's identity at most once a {@link READ_CHECK_MS}; on a damaged file, heals and reads again. */
  reading<T>(fn: () => T): T {
    try {
      if (Date.now() - this.checkedAt >= READ_CHECK_MS) this.checkFile();
      return fn();
    } catch (error) {
      if (!this.healed(error)) throw error;
    }
    return fn();
  }

  /** Closes the connection; calling it again does nothing. */
  close(): void {
    if (this.conn.db.open) this.conn.db.close();
    this.conn.dispose();
  }

  /** Opens the file at the path when it is not the one open (deleted, or replaced by another process's heal). */
  private checkFile(): void {
    this.checkedAt = Date.now();
    const { identity } = this.conn;
    if (identity !== undefined && !this.healing && fileReplaced(this.path, identity)) this.reopen();
  }

  /**
   * For an error saying the file is damaged: sets it aside (unless another process did and a new
   * file is there already) and opens a new one. False for another error, or one not healed here.
   */
  private healed(error: unknown): boolean {
    const { identity } = this.conn;
    if (!isDamage(error) || identity === undefined || this.healing) return false;
    if (!fileReplaced(this.path, identity)) setAside(this.path, (error as Error).message);
    this.reopen();
    return true;
  }

  /** Opens the file at the path in place of the one open, which stays open (see {@link abandoned}), and has it refilled. */
  private reopen(): void {
    this.healing = true;
    try {
      abandoned.push(this.conn.db);
      this.conn.dispose();
      this.bind(this.openOrSetAside());
      this.onReopen();
    } finally {
      this.healing = false;
    }
  }

  /** Opens the file; one that is not a database or is damaged is set aside (never deleted) and made anew. */
  private openOrSetAside(): IndexConnection {
    try {
      return connect(this.path, this.busyTimeoutMs);
    } catch (error) {
      if (!isDamage(error)) throw error;
      setAside(this.path, (error as Error).message);
      return connect(this.path, this.busyTimeoutMs);
    }
  }

  private bind(conn: IndexConnection): void {
    this.conn = conn;
    this.stmt = prepareStatements(conn.db);
    this.tx = prepareTransactions(conn.db, this.stmt, this.path);
    this.finder = new SqliteFinder(conn.db, this.path);
    this.checkedAt = Date.now();
  }
}
