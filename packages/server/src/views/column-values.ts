import { cellOf, columnValue, RecordView, type CellValue, type ColumnSpec, type IndexRow } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';

/**
 * The values of a search hit's columns (`columns` of `POST /v1/interfaces/search`), written as
 * `find().rows()` columns are: core's `RecordView.load` reads what the columns need of the store
 * (each file named, the status, the `cached` marker) first, awaited through the store's
 * contracts, and the columns are read from the view. A file that is missing, not one the server
 * shows (`StoreReader.readShown`) or does not parse gives no value (null).
 *
 * @example
 * await columnValues(reader, row, ['result.json:loss', 'status'].map(parseColumn)); // { 'result.json:loss': 0.1, status: 'finished' }
 */
export async function columnValues(reader: StoreReader, row: IndexRow, specs: readonly ColumnSpec[]): Promise<Record<string, CellValue>> {
  // A name the storage refuses (`RecordPathError`) gives no value, as a file that does not parse.
  const view = await RecordView.load(row, reader.store, specs, (name) => reader.readShown(row, name).catch(() => undefined));
  const values: Record<string, CellValue> = {};
  for (const spec of specs) {
    try {
      values[spec.name] = cellOf(columnValue(view, spec)) ?? null;
    } catch {
      values[spec.name] = null; // a file that does not parse: no value
    }
  }
  return values;
}
