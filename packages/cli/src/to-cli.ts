/**
 * Renders the `machinable get` command that finds an interface again: its module, its version
 * as written tokens, and the scope it was made in. The inverse of `parseGetArgs`: running the
 * rendered command (in the same project) gets the same record.
 */
import { compileSchema, isPlainObject, parseScalar, type Element, type ValueType, type VersionItem } from '@machinable/core';
import { LITERAL_START } from './get-args.js';
import { expandsToGrid } from './grid.js';

/**
 * The command line that reproduces an interface: `machinable get <module> <version tokens…>`,
 * preceded by `scope …` when it was made inside a scope. Config objects become `key=value`
 * tokens with dotted keys; tokens are quoted for a POSIX shell where needed.
 *
 * @example
 * toCli(await get('train', ['~adam', { seed: 1, optimizer: { momentum: 0.95 } }]));
 * // machinable get train ~adam seed=1 optimizer.momentum=0.95
 */
export function toCli(iface: Element<object>): string {
  const tokens = ['machinable', 'get'];
  const scope = scopeOf(iface);
  if (scope) tokens.push('scope', ...layerTokens(scope, () => undefined));
  tokens.push(iface.module, ...versionTokens(iface));
  return tokens.map(shellQuote).join(' ');
}

/**
 * The version of an interface as `machinable get` tokens (unquoted): `~name(...)` strings as
 * written, config objects flattened to `key=value`. A value the CLI would not read back as the
 * same thing from `key=value` (a number or boolean where no number or boolean field is declared,
 * `null`) goes into a `{key: value}` token instead, which the CLI parses as a literal.
 *
 * @example
 * versionTokens(run); // ['~adam', 'seed=1', 'optimizer.momentum=0.95']
 */
export function versionTokens(iface: Element<object>): string[] {
  const configClass = (iface.constructor as { Config?: unknown }).Config;
  const typeAt = (path: readonly string[]) => declaredType(configClass, path);
  return iface.version().flatMap((item: VersionItem) => (typeof item === 'string' ? [item.trim()] : layerTokens(item, typeAt)));
}

/** Quotes a token for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(token: string): string {
  // A leading '~' is left bare: that is how versions are written (see the README on quoting).
  return /^~?[\w@%+=:,./-]+$/.test(token) ? token : `'${token.replaceAll("'", `'\\''`)}'`;
}

/**
 * Renders a value in the literal syntax core's `parseLiteral` reads: quoted strings, numbers,
 * `true`/`false`, `null`, lists and objects.
 */
export function renderLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value.replace(/[\\'\n\r\t]/g, (ch) => ESCAPES[ch]!)}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${IDENTIFIER.test(key) ? key : renderLiteral(key)}: ${renderLiteral(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return renderLiteral(String(value));
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A key `parseLiteral` reads unquoted in an object (dots allowed: core expands them). */
const DOTTED_WORD = /^[A-Za-z_$][\w$.]*$/;
/** A dotted key the CLI reads back from `key=value`: word segments, not starting with '-'. */
const KEY_SEGMENT = /^[A-Za-z0-9_$][\w$-]*$/;

/** Tokens of one config object: `key=value` where that reads back the same, `{key: value}` otherwise. */
function layerTokens(layer: object, typeAt: (path: readonly string[]) => ValueType | undefined): string[] {
  const tokens: string[] = [];
  for (const [path, value] of leaves(layer, [])) {
    const key = path.join('.');
    const plainKey = path.every((segment) => KEY_SEGMENT.test(segment));
    const text = plainKey ? keyValueText(value, typeAt(path)) : undefined;
    tokens.push(text === undefined ? `{${DOTTED_WORD.test(key) ? key : renderLiteral(key)}: ${renderLiteral(value)}}` : `${key}=${text}`);
  }
  return tokens;
}

/**
 * The text after `key=` that the CLI reads back as `value`, or undefined when there is none. The
 * CLI reads plain text as a number, boolean or null where it is one (see `parseScalar`), except
 * for a field declared a string: a string that would read as something else is quoted.
 */
function keyValueText(value: unknown, type: ValueType | undefined): string | undefined {
  if (typeof value === 'string') {
    // A comma list or a range would be read back as a sweep: such a text is written as a literal.
    if (LITERAL_START.test(value) || value === '' || expandsToGrid(value)) return renderLiteral(value);
    return type?.kind === 'string' || parseScalar(value) === value ? value : renderLiteral(value);
  }
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return renderLiteral(value);
  if (type?.kind === 'string') return undefined;
  if ((typeof value === 'number' || typeof value === 'boolean' || value === null) && parseScalar(String(value)) === value) return String(value);
  return undefined;
}

/** `[path, value]` of every leaf; nested plain objects are walked, empty ones and arrays are leaves. */
function leaves(value: object, path: string[]): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, ...key.split('.')];
    if (isPlainObject(child) && Object.keys(child).length > 0) out.push(...leaves(child, childPath));
    else out.push([childPath, child]);
  }
  return out;
}

/** The declared type at a dotted path of a config class, through nested configs and records. */
export function declaredType(configClass: unknown, path: readonly string[]): ValueType | undefined {
  let type: ValueType | undefined = { kind: 'config', target: configClass as never };
  try {
    for (const segment of path) {
      if (type?.kind === 'config') type = compileSchema(type.target).fields.get(segment)?.type;
      else if (type?.kind === 'record') type = type.of;
      else return undefined;
    }
  } catch {
    return undefined; // no (valid) config class: nothing is declared
  }
  return type;
}

/** The scope values an interface was made in (the `machinable.scope` entries of its contexts), if any. */
function scopeOf(iface: Element<object>): object | undefined {
  const contexts = (iface as { context?: unknown }).context;
  if (!Array.isArray(contexts)) return undefined;
  let scope: Record<string, unknown> = {};
  for (const entry of contexts) {
    if (!Array.isArray(entry) || entry[0] !== 'machinable.scope' || !Array.isArray(entry[1])) continue;
    for (const layer of entry[1]) if (isPlainObject(layer)) scope = { ...scope, ...layer };
  }
  return Object.keys(scope).length > 0 ? scope : undefined;
}
