import type { ConfigIssue } from '../kernel/errors.js';
import { metadata } from './metadata.js';
import { isPlainObject, joinPath } from './plain.js';

/** How deep a config may nest; deeper is an error, never a stack overflow. */
export const MAX_CONFIG_DEPTH = 64;

/**
 * The problems that keep a value from being config data, each with its path and the fix: config
 * is JSON data (plain objects, arrays, strings, finite numbers, booleans, null; and `@Config()`
 * instances), so nothing a JSON round trip would drop or change gets in silently: a `Date`, a
 * `Map` or `Set`, a function, a class instance, a sparse array or `undefined` in an array,
 * NaN or Infinity, a cycle, nesting deeper than {@link MAX_CONFIG_DEPTH} levels, a Symbol key, or
 * a string (value or key) holding a lone UTF-16 surrogate, which UTF-8 stores as U+FFFD: the
 * stored config would no longer be the one its identity was hashed from.
 *
 * @example
 * jsonDataIssues({ when: new Date() }, ''); // [{ path: 'when', message: "'when' is a Date; ..." }]
 */
export function jsonDataIssues(value: unknown, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(value, path, 0, new Set(), issues);
  return issues;
}

/** A UTF-16 surrogate not part of a pair (with the `u` flag a pair is one code point, so it never matches). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function loneSurrogate(text: string): string {
  const at = text.search(LONE_SURROGATE);
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return `holds a lone UTF-16 surrogate (\\u${unit} at index ${at}), which UTF-8 cannot store: model.json would hold U+FFFD instead, no longer the text its identity was hashed from`;
}

function visit(value: unknown, path: string, depth: number, ancestors: Set<object>, issues: ConfigIssue[]): void {
  const at = path || 'the config';
  const issue = (message: string): void => {
    issues.push({ code: 'type', path, message: `'${at}' ${message}` });
  };
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) issue(`${loneSurrogate(value)}; fix the string (it is not valid Unicode text)`);
      return;
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(value)) issue(`is ${value}, which has no JSON form; use null or a finite number`);
      return;
    case 'function':
      issue('is a function; config values are data, not code: store a name or a number and let the interface look it up');
      return;
    case 'symbol':
      issue('is a symbol; config values are JSON data: use a string');
      return;
  }
  if (value === null) return;
  const object = value as object;
  if (depth >= MAX_CONFIG_DEPTH) {
    issue(`is nested deeper than ${MAX_CONFIG_DEPTH} levels; flatten the config`);
    return;
  }
  if (ancestors.has(object)) {
    issue('contains itself (a cycle); config values are trees of data');
    return;
  }
  if (object instanceof Date) return issue('is a Date; config values are JSON data: write it as a string (date.toISOString()) or a number (date.getTime())');
  if (object instanceof Map) return issue('is a Map; use a plain object instead (Object.fromEntries(map))');
  if (object instanceof Set) return issue('is a Set; use an array instead ([...set])');
  ancestors.add(object);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const item = joinPath(path, i);
      if (!(i in object)) issues.push({ code: 'type', path: item, message: `'${item}' is a hole in a sparse array; write null or remove the element` });
      else if (object[i] === undefined) issues.push({ code: 'type', path: item, message: `'${item}' is undefined, which JSON has no form for; write null or remove the element` });
      else visit(object[i], item, depth + 1, ancestors, issues);
    }
  } else if (isPlainObject(object) || metadata.configOptions(object.constructor) !== undefined) {
    if (isPlainObject(object)) {
      for (const symbol of Object.getOwnPropertySymbols(object)) {
        issue(`has the Symbol key ${String(symbol)}, which JSON has no form for (it would be dropped); use a string key`);
      }
    }
    for (const [key, child] of Object.entries(object)) {
      const at = joinPath(path, key);
      if (LONE_SURROGATE.test(key)) issues.push({ code: 'type', path: at, message: `the key '${at}' ${loneSurrogate(key)}; rename the key (it is not valid Unicode text)` });
      visit(child, at, depth + 1, ancestors, issues);
    }
  } else {
    issue(`is an instance of ${object.constructor?.name ?? 'a class'}; config values are JSON data: use a plain object, or declare a @Config() class for it`);
  }
  ancestors.delete(object);
}
