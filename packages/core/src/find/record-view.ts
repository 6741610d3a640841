import { decodeFile } from '../files/file-codecs.js';
import { syncNow } from '../kernel/sync-now.js';
import { toPlainNumbers } from '../json/json.js';
import { CACHED_FILE } from '../format/layout.js';
import { hasFile } from '../ports/storage.js';
import type { IndexRow } from '../ports/index.js';
import type { RunStatus } from '../interface/interface.js';
import type { Records } from '../store/records.js';
import type { ColumnSource } from './columns.js';

/**
 * A stored record as its index row and its files tell it, without importing its module: what a
 * results table of thousands of runs (or of a store written by Python) reads.
 *
 * @example
 * new RecordView(row, records).loadFile('result.json', null);
 */
export class RecordView implements ColumnSource {
  constructor(
    readonly row: IndexRow,
    private readonly records: Records,
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
    return this.records.statusOf(this.row.record_id, this.row.storage_uri, this.row.kind);
  }

  cached(): boolean {
    return syncNow(hasFile(this.records.storage, this.row.storage_uri, CACHED_FILE));
  }

  loadFile<T>(name: string, fallback?: T): T {
    const bytes = syncNow(this.records.storage.readFile(this.row.storage_uri, name));
    return bytes === undefined ? (fallback as T) : (decodeFile(name, bytes) as T);
  }
}
