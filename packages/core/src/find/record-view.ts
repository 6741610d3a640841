import { decodeFile } from '../files/file-codecs.js';
import { toPlainNumbers } from '../json/json.js';
import type { IndexRow } from '../ports/index.js';
import type { RecordStore } from '../ports/store.js';
import type { RunStatus } from '../format/run-status.js';
import { now } from '../kernel/maybe.js';
import type { ColumnSource } from '../interface/columns.js';

/**
 * A stored record as its index row and its files tell it, without importing its module: what a
 * results table of thousands of runs (or of a store written by Python) reads.
 *
 * @example
 * new RecordView(row, store).loadFile('result.json', null);
 */
export class RecordView implements ColumnSource {
  constructor(
    readonly row: IndexRow,
    private readonly store: RecordStore,
  ) {}

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
    return now(this.store.runs.statusOf(this.row.record_id, this.row.storage_uri, this.row.kind), 'status', 'a synchronous storage');
  }

  cached(): boolean {
    return now(this.store.files.isCached(this.row.storage_uri), 'cached', 'a synchronous storage');
  }

  loadFile<T>(name: string, fallback?: T): T {
    const bytes = now(this.store.storage.readFile(this.row.storage_uri, name), `loadFile('${name}')`, 'a synchronous storage');
    return bytes === undefined ? (fallback as T) : (decodeFile(name, bytes) as T);
  }
}
