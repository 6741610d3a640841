import { pyJson } from './json.js';

/**
 * Python's `json.dumps(x, sort_keys=True, separators=(",", ":"))`, byte for byte: keys sorted by
 * code point, no whitespace, everything outside printable ASCII escaped as `\uXXXX` (astral
 * characters as surrogate pairs). Integers print as integers; `PyFloat` and non-integral numbers
 * print as Python float reprs. NaN, Infinity, `undefined`, functions and class instances are
 * rejected rather than silently changed.
 *
 * @example
 * canonicalJson({ b: new PyFloat(1), a: 'café' }); // '{"a":"caf\\u00e9","b":1.0}'
 */
export function canonicalJson(value: unknown): string {
  return pyJson(value, { sortKeys: true, ensureAscii: true, compact: true });
}
