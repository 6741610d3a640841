import { ConfigurationError } from '../kernel/errors.js';
import { parseCall, type Call } from './literal.js';
import { metadata } from './metadata.js';
import { joinPath, setEntry } from './plain.js';

/**
 * Replaces every config value of the form `"name(args)"`, where `name` is a `@ConfigMethod()` of
 * `host`, by what the method returns. Methods read other values through `this.config`; a value
 * read that way is itself computed first (on demand, once), and a cycle is an error. A string
 * that merely looks like a call but names no config method stays a string.
 */
export function evaluateConfigMethods(config: Record<string, unknown>, host: object | undefined): Record<string, unknown> {
  const names = host ? new Set(metadata.configMethodsOf(host.constructor)) : new Set<string>();
  if (names.size === 0) return config;

  const done = new Map<string, unknown>();
  const active = new Set<string>();

  const callOf = (value: unknown): Call | undefined => {
    if (typeof value !== 'string') return undefined;
    try {
      const call = parseCall(value);
      return call && names.has(call.name) && /\)\s*$/.test(value) ? call : undefined;
    } catch {
      return undefined; // not parseable as a call: an ordinary string
    }
  };

  const compute = (path: string, text: string, call: Call): unknown => {
    if (done.has(path)) return done.get(path);
    if (active.has(path)) {
      throw ConfigurationError.of('method', path, `config method '${text}' at '${path}' depends on itself through this.config`);
    }
    active.add(path);
    const self = Object.create(host!, { config: { value: view(config, '') } }) as object;
    const method = (host as Record<string, unknown>)[call.name] as (...args: unknown[]) => unknown;
    let result: unknown;
    try {
      result = method.apply(self, call.kwargs ? [...call.args, call.kwargs] : call.args);
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      throw ConfigurationError.of('method', path, `config method '${text}' at '${path}' threw: ${(error as Error).message}`);
    }
    active.delete(path);
    done.set(path, result);
    return result;
  };

  const resolveAt = (path: string, value: unknown): unknown => {
    const call = callOf(value);
    return call ? compute(path, value as string, call) : value;
  };

  // A read-only view whose leaves are computed on access.
  const view = (node: object, path: string): object =>
    new Proxy(node, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return value;
        if (Array.isArray(target) && !/^\d+$/.test(key)) return value;
        const childPath = joinPath(path, Array.isArray(target) ? Number(key) : key);
        const resolved = resolveAt(childPath, value);
        return resolved !== null && typeof resolved === 'object' ? view(resolved, childPath) : resolved;
      },
      set() {
        throw new TypeError('config is read-only inside a config method');
      },
    });

  const walk = (value: unknown, path: string): unknown => {
    const resolved = resolveAt(path, value);
    if (Array.isArray(resolved)) return resolved.map((item, i) => walk(item, joinPath(path, i)));
    if (resolved !== null && typeof resolved === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(resolved)) setEntry(out, k, walk(v, joinPath(path, k)));
      return out;
    }
    return resolved;
  };

  return walk(config, '') as Record<string, unknown>;
}
