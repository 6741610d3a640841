import { ConfigurationError } from '../errors.js';
import { expandDotted } from './layers.js';
import { parseCall } from './literal.js';
import { metadata } from './metadata.js';
import { isPlainObject, showValue, type PlainObject } from './plain.js';
import { closest } from './suggest.js';

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
  return normalizeVersion(spec).flatMap((item) =>
    typeof item === 'string' ? callVersion(item, host, depth) : [expandDotted(item)],
  );
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
