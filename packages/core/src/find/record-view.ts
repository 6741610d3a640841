import { decodeFile } from '../files/file-codecs.js';
import { toPlainNumbers } from '../json/json.js';
import type { IndexRow } from '../ports/index.js';
import type { RecordStore } from '../ports/store.js';
import type { RunStatus } from '../format/run-status.js';
import { now, settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { ColumnSource, ColumnSpec } from '../interface/columns.js';

/** What a view read of its record before it was asked (see {@link RecordView.load}). */
interface Read {
  readonly files: ReadonlyMap<string, Buffer | undefined>;
  readonly status?: RunStatus;
  readonly cached?: boolean;
}

/** Reads a file of a record by name (undefined when absent). */
export type ReadRecordFile = (name: string) => MaybePromise<Buffer | undefined>;

/**
 * A stored record as its index row and its files tell it, without importing its module: what a
 * results table of thousands of runs (or of a store written by Python) reads. A view made with
 * {@link RecordView.load} answers its columns from what it read first, so it works over a storage
 * that answers asynchronously too; otherwise each answer is read when asked, from a synchronous
 * storage.
 *
 * @example
 * new RecordView(row, store).loadFile('result.json', null);
 * const view = await RecordView.load(row, store, ['result.json:loss', 'status'].map(parseColumn));
 */
export class RecordView implements ColumnSource {
  readonly #read: Read;

  constructor(
    readonly row: IndexRow,
    private readonly store: RecordStore,
    read: Read = { files: new Map() },
  ) {
    this.#read = read;
  }

  /**
   * A view that has read what `columns` need of the record (each file named, the status, the
   * `cached` marker), at once with a synchronous storage, else awaited. `readFile` reads a file
   * by name instead of the storage (a server reads only the files it shows).
   */
  static load(row: IndexRow, store: RecordStore, columns: readonly ColumnSpec[], readFile?: ReadRecordFile): MaybePromise<RecordView> {
    return settle(loadSteps(row, store, columns, readFile ?? ((name) => store.storage.readFile(row.storage_uri, name))));
  }

  get uuid(): string {
    return this.row.record_id;
  }

  get module(): string | null {
    return this.row.module;
  }

  get kind(): string {
    return this.row.kind;
  }

  get label(): string | null {
    return this.row.label;
  }

  get createdBy(): string | null {
    return this.row.created_by;
  }

  get createdAt(): Date {
    return new Date(Number(this.row.created_at_ns / 1_000_000n));
  }

  get updatedAt(): Date {
    return new Date(Number(this.row.updated_at_ns / 1_000_000n));
  }

  get config(): unknown {
    return toPlainNumbers(this.row.config.resolved);
  }

  get predicate(): unknown {
    return toPlainNumbers(this.row.predicate);
  }

  version(): unknown {
    return toPlainNumbers(this.row.config.version);
  }

  status(): RunStatus {
    return this.#read.status ?? now(this.store.runs.statusOf(this.row.record_id, this.row.storage_uri, this.row.kind), 'status', 'RecordView.load(row, store, columns)');
  }

  cached(): boolean {
    return this.#read.cached ?? now(this.store.files.isCached(this.row.storage_uri), 'cached', 'RecordView.load(row, store, columns)');
  }

  loadFile<T>(name: string, fallback?: T): T {
    const { files } = this.#read;
    const bytes = files.has(name) ? files.get(name) : now(this.store.storage.readFile(this.row.storage_uri, name), `loadFile('${name}')`, 'RecordView.load(row, store, columns)');
    return bytes === undefined ? (fallback as T) : (decodeFile(name, bytes) as T);
  }
}

function* loadSteps(row: IndexRow, store: RecordStore, columns: readonly ColumnSpec[], readFile: ReadRecordFile): Steps<RecordView> {
  const files = new Map<string, Buffer | undefined>();
  let status: RunStatus | undefined;
  let cached: boolean | undefined;
  for (const column of columns) {
    if (column.kind === 'file' && !files.has(column.file)) files.set(column.file, (yield readFile(column.file)) as Buffer | undefined);
    else if (column.kind === 'field' && column.field === 'status' && status === undefined) status = (yield store.runs.statusOf(row.record_id, row.storage_uri, row.kind)) as RunStatus;
    else if (column.kind === 'field' && column.field === 'cached' && cached === undefined) cached = (yield store.files.isCached(row.storage_uri)) as boolean;
  }
  return new RecordView(row, store, { files, status, cached });
}
