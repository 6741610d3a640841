import { canonicalJson } from '../json/canonical-json.js';
import { sha256Hex } from '../kernel/sha256.js';

/** Length of a predicate key: the first 32 hex characters of the sha256. */
export const PREDICATE_KEY_LENGTH = 32;

// A sweep asks for thousands of runs under one or a few predicates (usually `{}`): each is hashed once.
const memo = new Map<string, string>();

/**
 * `sha256(canonicalJson(predicate))`, first 32 hex characters: with the identity key and the
 * parent, what makes a record unique.
 *
 * @example
 * predicateKey({}); // '44136fa355b3678a1146ad16f7e8649e'
 */
export function predicateKey(predicate: unknown): string {
  const json = canonicalJson(predicate);
  let key = memo.get(json);
  if (key === undefined) {
    key = sha256Hex(json).slice(0, PREDICATE_KEY_LENGTH);
    if (memo.size >= 256) memo.clear();
    memo.set(json, key);
  }
  return key;
}

/**
 * A key made safe to be one path segment, as the reference's `sanitize_filename`: whitespace
 * trimmed, every run of characters outside `[A-Za-z0-9._-]` replaced by `_`, at most `maxLength`
 * characters, `x` for nothing left. Identity keys, predicate keys and dispatch timestamps pass
 * through unchanged.
 */
export function pathSegment(key: string, maxLength = 64): string {
  const cleaned = key.trim().replace(/[^a-zA-Z0-9._-]+/g, '_');
  return (cleaned || 'x').slice(0, maxLength);
}
