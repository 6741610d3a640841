import type { Filter } from './api.js';

/** Dotted paths of the leaves of a config (`optimizer.name`), arrays as one leaf. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  const out: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out.push(...leafPaths(item, prefix ? `${prefix}.${key}` : key));
  return out;
}

/** The value at a dotted path. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A value as a table cell's text. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A version list as written on the command line (`~adam lr=0.1`). */
export function versionText(version: readonly unknown[]): string {
  return version.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ');
}

/** A nanosecond timestamp (a number of the JSON) as local time. */
export function timeText(ns: number | bigint | string | null | undefined): string {
  if (ns === null || ns === undefined) return '';
  const date = typeof ns === 'string' ? new Date(ns) : new Date(Number(ns) / 1e6);
  return Number.isNaN(date.getTime()) ? String(ns) : date.toLocaleString();
}

const OPS: ReadonlyArray<readonly [string, Filter['op']]> = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['!=', 'ne'],
  ['==', 'eq'],
  ['=', 'eq'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['~', 'contains'],
  ['~~', 'like'],
];

/** A value as `key=value` reads it: numbers, booleans and null where they are one, else text. */
export function scalar(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return Number(trimmed);
  return trimmed.replace(/^(['"])(.*)\1$/, '$2');
}

/**
 * Conditions as the command line writes them (`lr>0.01, optimizer.name=adam`, separated by commas
 * or new lines) as config filters; `label=...` is returned apart (a column, not a config path).
 */
export function parseConditions(text: string): { filters: Filter[]; label?: string; errors: string[] } {
  const filters: Filter[] = [];
  const errors: string[] = [];
  let label: string | undefined;
  for (const part of text.split(/[\n,]/).map((p) => p.trim()).filter(Boolean)) {
    // The grammar of --where (docs/find.md): the operator is the whole run of < > = ! ~ after the path.
    const match = /^([A-Za-z0-9_$][\w$.\-[\]]*)\s*([<>=!~]+)\s*(.*)$/.exec(part);
    if (!match) {
      errors.push(`cannot read '${part}': write path op value, e.g. lr>0.01`);
      continue;
    }
    const [, rawPath = '', symbol = '', value = ''] = match;
    const op = OPS.find(([s]) => s === symbol)?.[1];
    if (op === undefined || /^[<>=!~]/.test(value)) {
      errors.push(`cannot read '${part}': unknown operator '${op === undefined ? symbol : symbol + value[0]}'; use one of ${OPS.map(([s]) => s).join(' ')} (quote a value starting with one of < > = ! ~)`);
      continue;
    }
    const path = rawPath.replace(/^config\./, '');
    if (path === 'label' && op === 'eq') label = value.trim();
    else filters.push({ path, op, value: op === 'contains' || op === 'like' ? value.trim() : scalar(value) });
  }
  return label === undefined ? { filters, errors } : { filters, label, errors };
}
