import { cellOf, columnValue, decodeFile, toPlainNumbers, type CellValue, type ColumnSource, type ColumnSpec, type IndexRow, type RunStatus } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';

/**
 * The values of a search hit's columns (`columns` of `POST /v1/interfaces/search`), written as
 * `find().rows()` columns are. Core's `columnValue` reads a column of a source that answers at
 * once; here what the columns need of the store (each file named, the status, the `cached`
 * marker) is read first, awaited, through the store's contracts, and the source answers from
 * that. A file that is missing, not one the server shows (`StoreReader.readShown`) or does not
 * parse gives no value (null).
 *
 * @example
 * await columnValues(reader, row, ['result.json:loss', 'status'].map(parseColumn)); // { 'result.json:loss': 0.1, status: 'finished' }
 */
export async function columnValues(reader: StoreReader, row: IndexRow, specs: readonly ColumnSpec[]): Promise<Record<string, CellValue>> {
  const { store } = reader;
  const names = [...new Set(specs.flatMap((spec) => (spec.kind === 'file' ? [spec.file] : [])))];
  const wants = (field: string): boolean => specs.some((spec) => spec.kind === 'field' && spec.field === field);
  const [files, status, cached] = await Promise.all([
    // A name the storage refuses (`RecordPathError`) gives no value, as a file that does not parse.
    Promise.all(names.map(async (name) => [name, await reader.readShown(row, name).catch(() => undefined)] as const)),
    wants('status') ? store.runs.statusOf(row.record_id, row.storage_uri, row.kind) : undefined,
    wants('cached') ? store.files.isCached(row.storage_uri) : undefined,
  ]);
  const source = preloaded(row, new Map(files), status, cached);
  const values: Record<string, CellValue> = {};
  for (const spec of specs) {
    try {
      values[spec.name] = cellOf(columnValue(source, spec)) ?? null;
    } catch {
      values[spec.name] = null; // a file that does not parse: no value
    }
  }
  return values;
}

/** A record as core's `RecordView` shows it, answering from what was read already. */
function preloaded(row: IndexRow, files: ReadonlyMap<string, Buffer | undefined>, status: RunStatus | undefined, cached: boolean | undefined): ColumnSource {
  return {
    uuid: row.record_id,
    module: row.module,
    kind: row.kind,
    label: row.label,
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at_ns / 1_000_000n)),
    updatedAt: new Date(Number(row.updated_at_ns / 1_000_000n)),
    config: toPlainNumbers(row.config.resolved),
    predicate: toPlainNumbers(row.predicate),
    version: () => toPlainNumbers(row.config.version),
    status: () => status ?? 'pending',
    cached: () => cached ?? false,
    loadFile: <T>(name: string, fallback?: T): T => {
      const bytes = files.get(name);
      return bytes === undefined ? (fallback as T) : (decodeFile(name, bytes) as T);
    },
  };
}
