import { ConfigurationError } from '../kernel/errors.js';
import { expandDotted } from './layers.js';
import { parseCall, type Call } from './literal.js';
import { metadata } from './metadata.js';
import { isPlainObject, showValue, type PlainObject } from './plain.js';
import { closest } from './suggest.js';
import { jsonDataIssues } from './json-data.js';

/**
 * A version layer checked before anything recurses into it: a cycle or a 5,000-deep object is an
 * error naming its path, not a stack overflow, and nothing JSON cannot hold is dropped or rewritten.
 */
function jsonData(layer: PlainObject): PlainObject {
  const issues = jsonDataIssues(layer, '');
  if (issues.length > 0) throw new ConfigurationError(issues);
  return layer;
}

/** One version: a config object or a `~name` / `~name(k=v, …)` call of a `@Version()` method. */
export type VersionItem = string | PlainObject;

/** What `get()` accepts as a version: one item, a list applied left to right, or nothing. */
export type VersionSpec = VersionItem | readonly VersionSpec[] | null | undefined;

const MAX_DEPTH = 32;

/** Flattens a version spec into its items, in order, dropping `null`/`undefined`. */
export function normalizeVersion(spec: VersionSpec): VersionItem[] {
  if (spec === null || spec === undefined) return [];
  if (Array.isArray(spec)) return (spec as readonly VersionSpec[]).flatMap(normalizeVersion);
  if (typeof spec === 'string' || isPlainObject(spec)) return [spec as VersionItem];
  throw ConfigurationError.of(
    'version',
    '',
    `a version is a config object, a '~name' string or a list of them; got ${showValue(spec)}`,
  );
}

/**
 * Turns a version spec into plain config layers: version calls are made on `host`, dotted keys
 * are expanded. The layers are what gets deep-merged over the defaults.
 *
 * @example
 * expandVersion(['~adam(lr=3e-4)', { 'optimizer.momentum': 0.95 }], new Train());
 */
export function expandVersion(spec: VersionSpec, host?: object, depth = 0): PlainObject[] {
  if (depth > MAX_DEPTH) {
    throw ConfigurationError.of('version', '', `versions call each other more than ${MAX_DEPTH} levels deep; is there a cycle?`);
  }
  return normalizeVersion(spec).flatMap((item) => (typeof item === 'string' ? callVersion(item, host, depth) : [expandDotted(jsonData(item))]));
}

function callVersion(text: string, host: object | undefined, depth: number): PlainObject[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('~')) {
    throw ConfigurationError.of(
      'version',
      '',
      `version strings call a @Version() method and start with '~'; got '${text}' (did you mean '~${trimmed}'?)`,
    );
  }
  let call;
  try {
    call = parseCall(trimmed.slice(1));
  } catch (error) {
    throw ConfigurationError.of('version', '', `cannot parse version '${text}': ${(error as Error).message}`);
  }
  if (!call) {
    throw ConfigurationError.of('version', '', `cannot parse version '${text}'; write '~name' or '~name(key=value, ...)'`);
  }
  const owner = host?.constructor as Function | undefined;
  const available = owner ? metadata.versionsOf(owner) : [];
  if (!host || !available.includes(call.name)) {
    const where = owner ? owner.name : 'this config (it has no interface to hold versions)';
    const hint = closest(call.name, available);
    const list = available.length ? `available: ${available.map((v) => `~${v}`).join(', ')}` : 'it declares no @Version() methods';
    throw ConfigurationError.of(
      'version',
      '',
      `unknown version '~${call.name}' for ${where}; ${list}${hint ? `. Did you mean '~${hint}'?` : ''}`,
    );
  }
  const method = (host as Record<string, unknown>)[call.name] as (...args: unknown[]) => unknown;
  const accepted = metadata.versionKeywordsOf(owner!, call.name) ?? keywordsOf(method);
  if (call.args.length > 0 && accepted !== undefined) {
    // The method takes keywords (one options object), so a positional value would be lost.
    throw ConfigurationError.of('version', '', positionalMessage(text, owner!.name, call, accepted));
  }
  if (call.kwargs) {
    const unknown = accepted === undefined ? [] : Object.keys(call.kwargs).filter((k) => !accepted.includes(k));
    if (unknown.length > 0) {
      const hint = closest(unknown[0]!, [...accepted!]);
      throw ConfigurationError.of(
        'version',
        '',
        `version '${text}' of ${owner!.name}: unknown keyword ${unknown.map((k) => `'${k}'`).join(', ')}; ~${call.name} takes ` +
          `${accepted!.length ? accepted!.join(', ') : 'no keywords'}${hint ? `. Did you mean '${hint}'?` : ''}`,
      );
    }
  }
  const args = call.kwargs ? [...call.args, call.kwargs] : call.args;
  let result: unknown;
  try {
    result = method.apply(host, args);
  } catch (error) {
    throw ConfigurationError.of('version', '', `version '${text}' of ${owner!.name} threw: ${(error as Error).message}`);
  }
  if (result === undefined || result === null) return [];
  if (typeof result === 'string' || Array.isArray(result) || isPlainObject(result)) {
    return expandVersion(result as VersionSpec, host, depth + 1);
  }
  throw ConfigurationError.of(
    'version',
    '',
    `version '${text}' of ${owner!.name} returned ${showValue(result)}; a version returns a config object, a '~name' string or a list of them`,
  );
}

/**
 * Why `~name(0.3)` is refused for a version that takes keywords, with the keyword form to write:
 * `~adam(lr=0.3)` (positional values named by the keywords in the order the method lists them).
 */
function positionalMessage(text: string, owner: string, call: Call, accepted: readonly string[]): string {
  const head = `version '${text}' of ${owner}: ~${call.name} takes keyword arguments, not positional ones (a positional value would be dropped)`;
  if (accepted.length === 0) return `${head}; it takes no arguments: write '~${call.name}'`;
  const named = call.args.map((value, i) => `${accepted[i] ?? '<keyword>'}=${literalText(value)}`);
  const given = Object.entries(call.kwargs ?? {}).map(([key, value]) => `${key}=${literalText(value)}`);
  return `${head}; write '~${call.name}(${[...named, ...given].join(', ')})' (it takes ${accepted.join(', ')})`;
}

/** A value as the call language writes it: strings quoted, everything else as JSON. */
function literalText(value: unknown): string {
  return typeof value === 'string' ? `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : JSON.stringify(value);
}

/**
 * The keywords a version method takes, read from its first parameter when that is an object
 * pattern (`adam({ lr = 1e-3, beta } = {})` takes lr and beta; no parameter takes none);
 * undefined when the method does not say (an `options` parameter, a rest element `...more`).
 */
export function keywordsOf(method: Function): string[] | undefined {
  const source = Function.prototype.toString.call(method);
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  let depth = 0;
  let end = -1;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        end = i;
        break;
      }
    } else if (c === '"' || c === "'" || c === '`') {
      const close = source.indexOf(c, i + 1);
      if (close < 0) return undefined;
      i = close;
    }
  }
  if (end < 0) return undefined;
  const params = source.slice(open + 1, end).trim();
  if (params === '') return [];
  if (!params.startsWith('{')) return undefined;
  const keys: string[] = [];
  let level = 0;
  let token = '';
  const flush = (): boolean => {
    const name = /^\s*([A-Za-z_$][\w$]*)\s*(?:[:=][\s\S]*)?$/.exec(token);
    token = '';
    if (name) keys.push(name[1]!);
    return true;
  };
  for (let i = params.indexOf('{') + 1; i < params.length; i++) {
    const c = params[i]!;
    if (level === 0 && c === '}') {
      flush();
      break;
    }
    if (c === '{' || c === '[' || c === '(') level++;
    if (c === '}' || c === ']' || c === ')') level--;
    if (level === 0 && c === ',') {
      flush();
      continue;
    }
    if (level === 0 && token.trim() === '' && params.startsWith('...', i)) return undefined;
    token += c;
  }
  return keys;
}
