import { isPlainObject } from '../config/plain.js';
import { PyFloat } from '../json/py-float.js';

/**
 * Python's `==` over JSON data, which decides in the reference's `canonical()` which values equal
 * their default and leave identity. Numbers compare by exact value whatever their type, and a bool
 * is a number there: `True == 1 == 1.0`, `False == 0 == 0.0 == -0.0`, while `2**53 + 1` (a
 * `bigint` here) differs from `float(2**53)`. Lists are equal item by item, dicts key by key in any
 * order (a `__proto__` key is an ordinary key). Strings only equal strings, `null` only `null`.
 * NaN equals nothing (it cannot be stored anyway).
 *
 * @example
 * pyEquals(true, new PyFloat(1)); // true
 * pyEquals({ a: [0, 2] }, { a: [false, 2.0] }); // true
 * pyEquals('1', 1); // false
 */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = numberOf(a);
  if (x !== undefined) {
    const y = numberOf(b);
    return y !== undefined && sameNumber(x, y);
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => pyEquals(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** The number a value stands for in Python's arithmetic (a bool is 0 or 1), or undefined. */
function numberOf(value: unknown): number | bigint | undefined {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      return value instanceof PyFloat ? value.value : undefined;
  }
}

function sameNumber(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  const [big, num] = typeof a === 'bigint' ? [a, b as number] : [b as bigint, a];
  return Number.isInteger(num) && BigInt(num) === big;
}
