/**
 * The grid of a command-line sweep: `key=value` arguments whose plain-text value holds commas or
 * ranges expand to several values, and the module request to one request per combination
 * (the cartesian product), as Hydra's multirun does.
 *
 *   lr=0.1,0.01        two values, 0.1 and 0.01
 *   seed=range(3)      0, 1, 2 (Python's range: range(stop), range(start, stop), range(start, stop, step))
 *   seed=0,range(5,7)  0, 5, 6 (items of a comma list may be ranges)
 *
 * Only plain values expand: a literal (a value starting with `[`, `{`, `'` or `"`) stays one
 * value, so `layers=[1,2]` is one list and `name="'a,b'"` is the text `a,b`. Nothing here
 * imports core, so loading it costs nothing.
 */
import type { PlainObject, VersionItem } from '@machinable/core';
import { UsageError } from './errors.js';
import type { ModuleRequest } from './get-args.js';

/** One key that varies across the grid, with its values (as written, before typing). */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly string[];
}

/** A module request expanded: one request per combination, and the keys that vary. */
export interface Grid {
  readonly axes: readonly GridAxis[];
  /** One request per combination; the last axis varies fastest (itertools.product order). */
  readonly requests: readonly ModuleRequest[];
  /** For each request, the value (as written) of each axis, in the order of `axes`. */
  readonly choices: readonly (readonly string[])[];
}

/** The most configs one command line may expand to (a typo such as range(1000000) is refused). */
export const MAX_GRID = 10_000;

const RANGE = /^range\((.*)\)$/s;

/**
 * The values a plain-text value stands for: itself, unless it holds a top-level comma or a range.
 * Throws a `UsageError` naming the key for an empty item or a malformed range.
 *
 * @example
 * expandValue('seed', '0,range(2,4)'); // ['0', '2', '3']
 */
export function expandValue(key: string, text: string): string[] {
  const items = splitTopLevel(text);
  if (items.length === 1 && !RANGE.test(text.trim())) return [text];
  const values: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') {
      throw new UsageError(`'${key}=${text}' has an empty value in its comma list; write ${key}=a,b (a value with a comma is quoted as a literal: ${key}="'a,b'")`);
    }
    const range = RANGE.exec(item);
    values.push(...(range ? rangeValues(key, item, range[1]!) : [item]));
  }
  if (values.length === 0) throw new UsageError(`'${key}=${text}' stands for no values (the range is empty); e.g. ${key}=range(3) is 0, 1, 2`);
  return values;
}

/** Python's `range(stop)`, `range(start, stop)`, `range(start, stop, step)`, integers only. */
function rangeValues(key: string, item: string, inner: string): string[] {
  const parts = inner.split(',').map((part) => part.trim());
  const bad = (why: string) =>
    new UsageError(`'${key}=${item}' is not a range: ${why}; write range(stop), range(start, stop) or range(start, stop, step) with integers, e.g. ${key}=range(1,10,2)`);
  if (parts.length < 1 || parts.length > 3 || parts[0] === '') throw bad(`it takes 1 to 3 integers, not ${parts[0] === '' ? 0 : parts.length}`);
  const numbers = parts.map((part) => {
    if (!/^[+-]?\d+$/.test(part)) throw bad(`'${part}' is not an integer`);
    return Number(part);
  });
  const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
  if (step === 0) throw bad('its step is 0');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_GRID) throw bad(`it has ${count} values, more than ${MAX_GRID}`);
  return Array.from({ length: count }, (_, i) => String(start + i * step));
}

/** Splits at commas outside parentheses: `0,range(1,3)` is `0` and `range(1,3)`. */
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

/**
 * Expands the plain `key=value` values of a request to a grid. A request without lists or ranges
 * is a grid of one (itself, unchanged).
 */
export function expandGrid(request: ModuleRequest): Grid {
  // Every (config object, key) that expands is an axis, in the order written.
  const slots: { item: PlainObject; key: string; values: string[] }[] = [];
  for (const item of request.version) {
    if (typeof item === 'string') continue;
    const plain = request.plain.get(item);
    if (!plain) continue;
    for (const [key, value] of Object.entries(item)) {
      if (!plain.has(key) || typeof value !== 'string') continue;
      const values = expandValue(key, value);
      if (values.length !== 1 || values[0] !== value) slots.push({ item, key, values });
    }
  }
  if (slots.length === 0) return { axes: [], requests: [request], choices: [[]] };
  const size = slots.reduce((n, slot) => n * slot.values.length, 1);
  if (size > MAX_GRID) {
    throw new UsageError(`the sweep has ${size} configs (${slots.map((s) => `${s.values.length} ${s.key}`).join(' × ')}), more than ${MAX_GRID}; split it into several commands`);
  }
  const requests: ModuleRequest[] = [];
  const choices: string[][] = [];
  const combination = (index: number, chosen: readonly string[]): void => {
    if (index === slots.length) {
      requests.push(withValues(request, slots, chosen));
      choices.push([...chosen]);
      return;
    }
    for (const value of slots[index]!.values) combination(index + 1, [...chosen, value]);
  };
  combination(0, []);
  return { axes: slots.map(({ key, values }) => ({ key, values })), requests, choices };
}

/** A copy of the request with each slot's key set to the chosen value (still plain text). */
function withValues(request: ModuleRequest, slots: readonly { item: PlainObject; key: string }[], chosen: readonly string[]): ModuleRequest {
  const plain = new Map<PlainObject, ReadonlySet<string>>();
  const version: VersionItem[] = request.version.map((item) => {
    if (typeof item === 'string') return item;
    const copy: PlainObject = {};
    for (const [key, value] of Object.entries(item)) {
      const at = slots.findIndex((slot) => slot.item === item && slot.key === key);
      Object.defineProperty(copy, key, { value: at === -1 ? value : chosen[at], enumerable: true, writable: true, configurable: true });
    }
    const keys = request.plain.get(item);
    if (keys) plain.set(copy, keys);
    return copy;
  });
  return { module: request.module, version, plain };
}

/**
 * Whether `key=<text>` would not be read back as the one text: a comma list or a range expands
 * (or is refused as malformed), so `toCli` writes such a text as a quoted literal.
 */
export function expandsToGrid(text: string): boolean {
  try {
    const values = expandValue('', text);
    return values.length !== 1 || values[0] !== text;
  } catch {
    return true;
  }
}
