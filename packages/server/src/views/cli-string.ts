import { toPlainNumbers, type JsonValue } from '@machinable/core';

/**
 * The command that finds a record again, from its module and version as stored:
 * `machinable get train ~adam seed=1 optimizer.momentum=0.95` (versions as written, config
 * objects flattened to dotted `key=value`, values other than plain text as JSON).
 *
 * @example
 * cliString('train', ['~adam', { seed: 1 }]); // 'machinable get train ~adam seed=1'
 */
export function cliString(module: string | null, version: readonly JsonValue[]): string {
  if (module === null) return '';
  const tokens = ['machinable', 'get', module];
  for (const item of version) {
    if (typeof item === 'string') tokens.push(item);
    else if (item !== null && typeof item === 'object' && !Array.isArray(item)) tokens.push(...flatten(item as Record<string, JsonValue>, ''));
  }
  return tokens.map(quote).join(' ');
}

function flatten(value: Record<string, JsonValue>, prefix: string): string[] {
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = `${prefix}${key}`;
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.getPrototypeOf(item) === Object.prototype) out.push(...flatten(item as Record<string, JsonValue>, `${path}.`));
    else out.push(`${path}=${typeof item === 'string' ? item : jsonText(item)}`);
  }
  return out;
}

function jsonText(value: JsonValue): string {
  return JSON.stringify(toPlainNumbers(value), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function quote(token: string): string {
  return /^~?[\w@%+=:,./-]+$/.test(token) ? token : `'${token.replaceAll("'", `'\\''`)}'`;
}
