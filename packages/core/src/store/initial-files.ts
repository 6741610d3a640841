import { edgeLineText, type EdgeLine } from '../format/edges.js';
import { headerText, type RecordHeader } from '../format/header.js';
import { EDGE_LOG_FILE, HEADER_FILE, MODEL_FILE, SENTINEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import { modelText, type RecordModel } from '../format/model.js';

/**
 * The files a new record directory starts with, as the reference writes them: the sentinel
 * (holding the record id), `id.json`, `model.json`, `updated_at`, the edge log when the record is
 * born with edges, and the files saved before materialize.
 */
export function initialFiles(
  header: RecordHeader,
  model: RecordModel,
  updatedAt: string,
  options: { readonly edges?: readonly EdgeLine[]; readonly files?: ReadonlyMap<string, Uint8Array | string> } = {},
): Map<string, Uint8Array | string> {
  const files = new Map<string, Uint8Array | string>(options.files ?? []);
  files.set(HEADER_FILE, headerText(header));
  files.set(MODEL_FILE, modelText(model));
  files.set(UPDATED_AT_FILE, updatedAt);
  if (options.edges && options.edges.length > 0) files.set(EDGE_LOG_FILE, options.edges.map(edgeLineText).join(''));
  files.set(SENTINEL_FILE, header.uuid);
  return files;
}
