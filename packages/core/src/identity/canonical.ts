import { deepEqual, isPlainObject, type PlainObject } from '../config/plain.js';

/**
 * The identifying part of a config: non-identifying fields (dotted `excluded` paths) are dropped,
 * and so, recursively, is every key equal to its default; a nested object left empty that way is
 * dropped too. Keys the defaults do not have (required fields, free-form contents) stay verbatim.
 * Two spellings of one config therefore canonicalise to the same object.
 *
 * @example
 * canonicalConfig({ lr: 0.1, seed: 1 }, { lr: 0.1 }, []); // { seed: 1 }
 */
export function canonicalConfig(resolved: PlainObject, defaults: PlainObject, excluded: readonly string[]): PlainObject {
  return canonicalLevel(resolved, defaults, new Set(excluded), '');
}

function canonicalLevel(config: PlainObject, defaults: PlainObject, excluded: ReadonlySet<string>, prefix: string): PlainObject {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(config)) {
    const path = prefix + key;
    if (excluded.has(path)) continue;
    if (Object.prototype.hasOwnProperty.call(defaults, key)) {
      const fallback = defaults[key];
      if (isPlainObject(value) && isPlainObject(fallback)) {
        const nested = canonicalLevel(value, fallback, excluded, `${path}.`);
        if (Object.keys(nested).length > 0) out[key] = nested;
        continue;
      }
      if (deepEqual(value, fallback)) continue;
    }
    // Kept verbatim, yet a required or nullable nested config still has non-identifying fields.
    out[key] = isPlainObject(value) ? canonicalLevel(value, {}, excluded, `${path}.`) : value;
  }
  return out;
}
