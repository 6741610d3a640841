import { createHash, randomUUID } from 'node:crypto';

import { HEADER_FILE, MODEL_FILE, SENTINEL_FILE, UPDATED_AT_FILE } from '@machinable/core/storage';

/** Files by path relative to a record, as `create()` takes them. */
export type FileSet = Readonly<Record<string, string | Uint8Array>>;

/** A fresh record id, as the sentinel holds one (32 hex digits). */
export function newRecordId(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * The files core hands to `create()` for a new record (sentinel, header, model, `updated_at`),
 * plus `extra`. The sentinel comes first on purpose: an adapter that writes files in the order
 * given must still not show the record before the last one is written.
 *
 * @example
 * await storage.create(location, recordFiles({ 'result.json': '{"loss": 0.1}' }));
 */
export function recordFiles(extra: FileSet = {}): Map<string, string | Uint8Array> {
  const id = newRecordId();
  return new Map<string, string | Uint8Array>([
    [SENTINEL_FILE, id],
    [HEADER_FILE, JSON.stringify({ format: 1, uuid: id, kind: 'Interface', parent: null })],
    [MODEL_FILE, '{"module": "storage_kit"}'],
    [UPDATED_AT_FILE, '2026-01-01T12:00:00.000001+00:00'],
    ...Object.entries(extra),
  ]);
}

/**
 * `size` bytes that depend on `seed` (a SHA-256 digest repeated): a large file a child process
 * can write and the parent can check byte for byte without either sending it.
 */
export function patternBytes(seed: string, size: number): Buffer {
  return Buffer.alloc(size, createHash('sha256').update(seed).digest());
}

/**
 * A large record for `location`: sentinel (first, on purpose), header, and `files` files of
 * `bytes` each at nested paths (`data/part-00.bin`), their contents derived from the location.
 */
export function largeRecord(location: string, files: number, bytes: number): Map<string, string | Uint8Array> {
  const record = new Map<string, string | Uint8Array>([
    [SENTINEL_FILE, createHash('sha256').update(location).digest('hex').slice(0, 32)],
    [HEADER_FILE, JSON.stringify({ format: 1, location })],
  ]);
  for (let i = 0; i < files; i++) record.set(`data/part-${String(i).padStart(2, '0')}.bin`, patternBytes(`${location}#${i}`, bytes));
  return record;
}

/** A file value whose bytes cannot be read: a `create()` given it fails midway, as a full disk would make it. */
export function unreadableBytes(): Uint8Array {
  const refuse = (): never => {
    throw new Error('storage-kit: this file cannot be read (a write that fails midway, on purpose)');
  };
  return new Proxy(new Uint8Array(8), { get: refuse, has: refuse, ownKeys: refuse, getOwnPropertyDescriptor: refuse, getPrototypeOf: refuse });
}
