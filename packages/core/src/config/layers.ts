import { ConfigurationError } from '../kernel/errors.js';
import { clonePlain, isPlainObject, ownValue, setEntry, type PlainObject } from './plain.js';

/**
 * Expands dotted keys into nested objects: `{ 'optimizer.momentum': 0.95 }` becomes
 * `{ optimizer: { momentum: 0.95 } }`. Keys are expanded at every depth, and a dotted key and its
 * nested spelling in one layer merge. Every other key is an ordinary key, `__proto__` included
 * (free-form values may hold one; `unknownKeys` refuses it where a config class would).
 */
export function expandDotted(layer: PlainObject, path = ''): PlainObject {
  const out: PlainObject = {};
  for (const [key, raw] of Object.entries(layer)) {
    const segments = key.split('.');
    if (segments.some((s) => s === '')) {
      const full = path ? `${path}.${key}` : key;
      throw ConfigurationError.of('unknown-key', full, `'${full}' is not a valid config key: dotted keys need a name between every dot`);
    }
    const value = isPlainObject(raw) ? expandDotted(raw, path ? `${path}.${key}` : key) : clonePlain(raw);
    let target = out;
    for (const segment of segments.slice(0, -1)) {
      const next = ownValue(target, segment);
      if (isPlainObject(next)) target = next;
      else {
        const created: PlainObject = {};
        setEntry(target, segment, created);
        target = created;
      }
    }
    const last = segments[segments.length - 1]!;
    const current = ownValue(target, last);
    setEntry(target, last, isPlainObject(value) && isPlainObject(current) ? mergeInto(current, value) : value);
  }
  return out;
}

/** Merges `layer` over `base` recursively (objects merge, everything else replaces); returns a new object. */
export function deepMerge(base: PlainObject, layer: PlainObject): PlainObject {
  return mergeInto(clonePlain(base), layer);
}

function mergeInto(target: PlainObject, layer: PlainObject): PlainObject {
  for (const [key, value] of Object.entries(layer)) {
    const current = ownValue(target, key);
    setEntry(target, key, isPlainObject(value) && isPlainObject(current) ? mergeInto(current, value) : clonePlain(value));
  }
  return target;
}
