/**
 * SQLite's comparison of a value `json_extract` yields with a bound parameter, for the filters
 * the config mirror evaluates itself: the find algebra's semantics are SQLite's (a number is less
 * than any text, NULL matches no comparison, text compares by its UTF-8 bytes).
 */

/** A SQL value: NULL, a number (INTEGER or REAL: they compare by value), or TEXT. */
export type SqlValue = null | number | string;

/** What `json_extract` yields for a JSON value: numbers, true/false as 1/0, strings, null; undefined for an object or array (not handled here). */
export function sqlValueOf(value: unknown): SqlValue | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return value;
  return undefined;
}

/** Orders two non-NULL SQL values as SQLite does: numbers before text, numbers by value, text by code points (UTF-8 byte order). */
export function compareSql(a: number | string, b: number | string): number {
  if (typeof a === 'number') return typeof b === 'number' ? (a < b ? -1 : a > b ? 1 : 0) : -1;
  if (typeof b === 'number') return 1;
  return compareCodePoints(a, b);
}

/** Compares strings by Unicode code points, which is the order of their UTF-8 bytes (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP unit in code point order.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The operators the mirror evaluates, and their SQL meaning on non-NULL values. */
export type MirrorOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';

/**
 * Whether `json_extract(...) <op> ?` holds for a value: false for NULL whatever the operator (a
 * comparison with NULL is NULL); `in` holds when the value equals one of the parameters.
 *
 * @example
 * sqlMatches(0.1, 'gt', [0.01]); // true
 * sqlMatches('a', 'gt', [5]);     // true: text is greater than any number
 */
export function sqlMatches(value: SqlValue, op: MirrorOp, params: readonly (number | string)[]): boolean {
  if (value === null) return false;
  if (op === 'in') return params.some((param) => compareSql(value, param) === 0);
  const order = compareSql(value, params[0]!);
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
  }
}
