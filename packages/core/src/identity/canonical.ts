import { isPlainObject, setEntry, type PlainObject } from '../config/plain.js';
import { pyEquals } from './py-equals.js';

/**
 * The identifying part of a config, as the reference's `canonical()` computes it (see "Identity:
 * the reference's Python semantics" in docs/format.md):
 *
 * - a key whose dotted path is `excluded` (non-identifying) is dropped;
 * - a key the defaults have is dropped when its value equals the default by Python's `==`
 *   (`pyEquals`: `true == 1 == 1.0`); when both are objects it is canonicalised against the
 *   default recursively and dropped if nothing is left;
 * - a key the defaults do not have is kept verbatim, unless exclusions reach under it and it is
 *   an object: then it is canonicalised against `{}` and dropped if that leaves it empty;
 * - so an exclusion under a default that is not an object (`null`, a number) does not apply: the
 *   value differs from that default and is kept verbatim.
 *
 * Keys are ordinary keys (`__proto__` included: it is stored as an own key, never as a prototype).
 *
 * @example
 * canonicalConfig({ lr: 0.1, seed: 1 }, { lr: 0.1 }, []); // { seed: 1 }
 * canonicalConfig({ flag: 1 }, { flag: true }, []); // {}
 */
export function canonicalConfig(resolved: PlainObject, defaults: PlainObject, excluded: readonly string[]): PlainObject {
  const out: PlainObject = {};
  for (const key of Object.keys(resolved)) {
    if (excluded.includes(key)) continue;
    const value = resolved[key];
    if (Object.prototype.hasOwnProperty.call(defaults, key)) {
      const fallback = defaults[key];
      if (isPlainObject(value) && isPlainObject(fallback)) {
        const sub = canonicalConfig(value, fallback, nestedExclusions(excluded, key));
        if (Object.keys(sub).length > 0) setEntry(out, key, sub);
        continue;
      }
      if (pyEquals(value, fallback)) continue;
    } else if (isPlainObject(value)) {
      const nested = nestedExclusions(excluded, key);
      if (nested.length > 0) {
        const sub = canonicalConfig(value, {}, nested);
        if (Object.keys(sub).length > 0) setEntry(out, key, sub);
        continue;
      }
    }
    setEntry(out, key, value);
  }
  return out;
}

/** The exclusions below `key`, relative to it: `data.uri` under `data` is `uri`. */
function nestedExclusions(excluded: readonly string[], key: string): string[] {
  if (excluded.length === 0) return [];
  const prefix = `${key}.`;
  const out: string[] = [];
  for (const path of excluded) if (path.startsWith(prefix)) out.push(path.slice(prefix.length));
  return out;
}
