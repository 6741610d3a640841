import { ConfigurationError } from '../kernel/errors.js';
import { clonePlain, isPlainObject, type PlainObject } from './plain.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Expands dotted keys into nested objects: `{ 'optimizer.momentum': 0.95 }` becomes
 * `{ optimizer: { momentum: 0.95 } }`. Keys are expanded at every depth, and a dotted key and its
 * nested spelling in one layer merge.
 */
export function expandDotted(layer: PlainObject, path = ''): PlainObject {
  const out: PlainObject = {};
  for (const [key, raw] of Object.entries(layer)) {
    const segments = key.split('.');
    if (segments.some((s) => s === '' || FORBIDDEN_KEYS.has(s))) {
      throw ConfigurationError.of(
        'unknown-key',
        path ? `${path}.${key}` : key,
        `'${path ? `${path}.${key}` : key}' is not a valid config key: dotted keys need a name between every dot, and ${[...FORBIDDEN_KEYS].join('/')} are reserved`,
      );
    }
    const value = isPlainObject(raw) ? expandDotted(raw, path ? `${path}.${key}` : key) : clonePlain(raw);
    let target = out;
    for (const segment of segments.slice(0, -1)) {
      const next = target[segment];
      target = isPlainObject(next) ? next : (target[segment] = {});
    }
    const last = segments[segments.length - 1]!;
    target[last] = isPlainObject(value) && isPlainObject(target[last]) ? mergeInto(target[last] as PlainObject, value) : value;
  }
  return out;
}

/** Merges `layer` over `base` recursively (objects merge, everything else replaces); returns a new object. */
export function deepMerge(base: PlainObject, layer: PlainObject): PlainObject {
  return mergeInto(clonePlain(base), layer);
}

function mergeInto(target: PlainObject, layer: PlainObject): PlainObject {
  for (const [key, value] of Object.entries(layer)) {
    const current = target[key];
    target[key] = isPlainObject(value) && isPlainObject(current) ? mergeInto(current, value) : clonePlain(value);
  }
  return target;
}
