/**
 * Record ids: 12 characters of base62 (the reference mints them so, "birthday-safe into billions
 * of records"), and the project root's deterministic id, `P` + 11 hex, so every index derives the
 * same root id for the same project and shared records resolve under it.
 */
import { randomFillSync } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json.js';
import { sha256Hex } from '../kernel/sha256.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Length of a minted record id. */
export const RECORD_ID_LENGTH = 12;

/**
 * A fresh random record id: 12 characters from `[A-Za-z0-9]`.
 *
 * @example
 * newRecordId(); // 'q3ZxM0bT9aKe'
 */
export function newRecordId(): string {
  let id = '';
  while (id.length < RECORD_ID_LENGTH) {
    const byte = nextRandomByte();
    // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
    if (byte < 248) id += ALPHABET[byte % 62];
  }
  return id;
}

/** Random bytes drawn 4 KiB at a time (one `randomFillSync` per ~300 ids, not one buffer per id). */
const pool = Buffer.alloc(4096);
let used = pool.length;

function nextRandomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

/**
 * The project root's record id, derived from its identity triple: `P` + the first 11 hex of
 * `sha256(canonicalJson({ identity, predicate }))`.
 *
 * @example
 * projectRootId(identityKey('machinable.project', {}), predicateKey({ name: 'my-study' }));
 */
export function projectRootId(identityKey: string, predicateKey: string): string {
  return `P${sha256Hex(canonicalJson({ identity: identityKey, predicate: predicateKey })).slice(0, 11)}`;
}

/**
 * The short form of a record id for display: the id itself for the 12-character ids of format
 * v1; for a legacy 36-character uuid, the 6 characters the reference picks from it.
 */
export function shortId(recordId: string): string {
  return recordId.length >= 18 ? recordId.slice(11, 13) + recordId.slice(14, 18) : recordId;
}
