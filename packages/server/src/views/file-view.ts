import { extname } from 'node:path';
import { decodeFile, type IndexRow, type NdArray } from '@machinable/core';
import type { StoreReader } from '../store/store-reader.js';

/** One file of a record in the file list (`entries` of `GET /v1/interfaces/{uuid}/files`). */
export interface FileEntry {
  readonly path: string;
  readonly size: number;
  readonly content_type: string;
}

/** What `.npy` files are shown as: shape, dtype and the first values (row-major). */
export interface NpySummary {
  readonly kind: 'ndarray';
  readonly shape: number[];
  readonly dtype: string;
  readonly size: number;
  /** The first {@link NPY_PREVIEW} values, flattened; null when this dtype is not decoded here. */
  readonly preview: Array<number | string | boolean> | null;
}

/** How many values an `.npy` summary shows. */
export const NPY_PREVIEW = 100;

const TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.npy': 'application/x-npy',
  '.pdf': 'application/pdf',
};

/** Files with no extension that the format writes as text (status markers, `updated_at`, `cached`). */
const TEXT_NAMES = new Set(['updated_at', 'cached', 'dispatched_at', 'started_at', 'heartbeat_at', 'finished_at', 'resumed_at', 'cancelled']);

/**
 * The content type of a record file, by its extension (status markers and other extension-less
 * files the format writes are text; anything unknown is `application/octet-stream`).
 *
 * @example
 * contentTypeOf('result.json'); // 'application/json'
 */
export function contentTypeOf(path: string): string {
  const name = path.split('/').at(-1) ?? path;
  if (TEXT_NAMES.has(name)) return 'text/plain; charset=utf-8';
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** True for types shown as text (JSON, JSON lines, CSV, logs, ...). */
export function isTextType(type: string): boolean {
  return type.startsWith('text/') || type === 'application/json' || type === 'application/x-ndjson';
}

/** True for images a browser shows by itself. */
export function isImageType(type: string): boolean {
  return type.startsWith('image/');
}

/**
 * The file list entries of a record: path, size and content type. The storage contract tells no
 * size without the bytes, so each file is read (one at a time, so one file's bytes are held at
 * once); a file gone since it was listed, or one the storage cannot read whole, has size 0.
 *
 * @example
 * await fileEntries(reader, row, ['result.json']); // [{ path: 'result.json', size: 14, content_type: 'application/json' }]
 */
export async function fileEntries(reader: StoreReader, row: IndexRow, paths: readonly string[]): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  for (const path of paths) {
    let size = 0;
    try {
      size = (await reader.readBytes(row, path))?.length ?? 0;
    } catch {
      // larger than the storage reads at once (2 GB for the filesystem storage), or unreadable
    }
    entries.push({ path, size, content_type: contentTypeOf(path) });
  }
  return entries;
}

/**
 * An `.npy` file as its shape, dtype and first values. Arrays of a dtype core's codec does not
 * decode (float16, bool, complex, strings, ...) still get shape and dtype, read from the header.
 *
 * @example
 * npySummary(bytes); // { kind: 'ndarray', shape: [2, 3], dtype: 'float64', size: 6, preview: [0, 1, 2, 3, 4, 5] }
 */
export function npySummary(bytes: Uint8Array, name = 'array.npy'): NpySummary {
  try {
    const array = decodeFile(name.endsWith('.npy') ? name : `${name}.npy`, bytes) as NdArray;
    const preview: Array<number | string> = [];
    for (let i = 0; i < Math.min(NPY_PREVIEW, array.data.length); i++) {
      const value = array.data[i]!;
      preview.push(typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value);
    }
    return { kind: 'ndarray', shape: [...array.shape], dtype: array.dtype, size: array.data.length, preview };
  } catch {
    return headerSummary(bytes);
  }
}

/** Shape and dtype from an `.npy` header (`{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }`). */
function headerSummary(bytes: Uint8Array): NpySummary {
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4096))).toString('latin1');
  const descr = /'descr':\s*'([^']*)'/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!text.startsWith('\x93NUMPY') || descr === undefined || shapeText === undefined) {
    return { kind: 'ndarray', shape: [], dtype: 'unknown (not an .npy file)', size: 0, preview: null };
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  return { kind: 'ndarray', shape, dtype: descr, size: shape.reduce((a, b) => a * b, 1), preview: null };
}
