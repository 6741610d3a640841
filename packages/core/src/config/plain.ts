/** Helpers for plain JSON-like data: the shape config layers travel in. */
export type PlainObject = Record<string, unknown>;

/** A `{}` literal or `Object.create(null)`: not an array, class instance, Date, Map, ... */
export function isPlainObject(value: unknown): value is PlainObject {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets `object[key] = value` as an own, enumerable data property, also for the key `__proto__`
 * (which plain assignment would take as the object's prototype): a config key is only ever a key.
 */
export function setEntry(object: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** `object[key]` if it is the object's own entry; undefined for an inherited one (`toString`, `__proto__`). */
export function ownValue(object: PlainObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** The config keys a config class cannot hold as its own (they name parts of every object). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deep copy of plain data (plain objects, arrays, primitives). Other objects (class instances,
 * dates) are kept by reference, so validation sees them as they are instead of as a lookalike.
 */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  if (isPlainObject(value)) {
    const out: PlainObject = {};
    for (const [k, v] of Object.entries(value)) setEntry(out, k, clonePlain(v));
    return out as T;
  }
  return value;
}

/** Renders a key path the way errors show it: `optimizer.lr`, `layers[2].size`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (!parent) return safe.startsWith('"') ? `[${safe}]` : safe;
  return safe.startsWith('"') ? `${parent}[${safe}]` : `${parent}.${safe}`;
}

/** Short, readable rendering of a value inside an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
