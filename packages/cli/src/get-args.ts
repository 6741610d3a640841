/**
 * The grammar of `machinable get`, read token by token in the order written:
 *
 *   get [<context module> [version…]]… <module> [version…] [--launch] [--<member>[(args)]]… [--path] [--quiet] [--debug]
 *
 * - a version token is `~name` / `~name(k=v, …)`, `key=value` (dotted keys allowed), or a whole
 *   object literal `{key: value, …}`; consecutive `key=value` tokens form one config object;
 * - any other bare token is a module; every module but the last is a context opened around it;
 * - `--x` / `--x(args)` calls a member of the interface (or prints a property), in order.
 *
 * Values: a value starting with `[`, `{`, `'` or `"` is a JSON-ish literal, parsed by core's
 * `parseLiteral` (`layers=[1,2]`, `name="'[draft]'"`); every other value is plain text, which
 * `typedVersion()` reads as a number, boolean or null where it is one (`samples=150` is the
 * number 150, as Python machinable reads it), and keeps as text for a field declared a string.
 * Nothing here imports core: its parsers are passed in, so loading this file costs nothing.
 */
import type { Call, PlainObject, VersionItem } from '@machinable/core';
import { UsageError } from './errors.js';

/** Core's literal parsers (`import('@machinable/core')` provides them). */
export interface LiteralParsers {
  parseLiteral(text: string): unknown;
  parseCall(text: string): Call | undefined;
  /** A plain-text value read as the reference reads it (`150` is a number, `true` a boolean). */
  parseScalar(text: string): unknown;
}

/** One module token with the version tokens that follow it. */
export interface ModuleRequest {
  readonly module: string;
  /** Version items in the order written: `~name(...)` strings and config objects. */
  readonly version: VersionItem[];
  /**
   * The keys of each config object whose values were written as plain text (`key=value`, not a
   * literal): `typedVersion()` reads them as scalars unless the field is declared a string.
   */
  readonly plain: ReadonlyMap<PlainObject, ReadonlySet<string>>;
}

/** What to do with the interface once it is got, in the order written. */
export type GetAction =
  | { readonly kind: 'path' }
  | { readonly kind: 'member'; readonly name: string; readonly args: readonly unknown[]; readonly called: boolean; readonly token: string };

export interface GetRequest {
  /** Context modules, outermost first. */
  readonly contexts: readonly ModuleRequest[];
  /** The last module: the interface to get. */
  readonly target: ModuleRequest;
  readonly actions: readonly GetAction[];
  readonly debug: boolean;
  /** `--quiet`: no progress lines for a sweep. */
  readonly quiet: boolean;
}

/** Characters that make a value a literal rather than a plain string. */
export const LITERAL_START = /^[[{'"]/;

const MODULE = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/;

/**
 * Parses the tokens after `machinable get`.
 *
 * @example
 * parseGetArgs(['train', '~adam', 'seed=1', 'optimizer.momentum=0.95', '--launch'], core);
 * // target: { module: 'train', version: ['~adam', { seed: '1', 'optimizer.momentum': '0.95' }] }
 */
export function parseGetArgs(tokens: readonly string[], parsers: LiteralParsers): GetRequest {
  const modules: { module: string; version: VersionItem[]; plain: Map<PlainObject, Set<string>>; pending?: PlainObject }[] = [];
  const actions: GetAction[] = [];
  let debug = false;
  let quiet = false;

  const current = (token: string) => {
    const last = modules.at(-1);
    if (!last) {
      throw new UsageError(
        `'${token}' comes before any module; versions and key=value follow the module they configure, ` +
          `e.g. machinable get train ${token}`,
      );
    }
    return last;
  };
  const flush = () => {
    const last = modules.at(-1);
    if (last?.pending) last.version.push(last.pending);
    if (last) last.pending = undefined;
  };

  for (const token of tokens) {
    if (token === '--debug') {
      debug = true;
    } else if (token === '--quiet' || token === '-q') {
      quiet = true;
    } else if (token.startsWith('--')) {
      actions.push(parseAction(token, parsers));
    } else if (token.startsWith('-')) {
      throw new UsageError(`unknown option '${token}'; call members with two dashes (--launch, --summary) and see machinable get --help`);
    } else if (token.startsWith('~')) {
      const last = current(token);
      flush();
      last.version.push(token);
    } else if (token.startsWith('{')) {
      const last = current(token);
      const layer = literal(token, `the config object ${token}`, parsers);
      if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) {
        throw new UsageError(`'${token}' is not a config object; write {key: value, ...} or key=value`);
      }
      flush();
      last.version.push(layer as PlainObject);
    } else if (token.includes('=')) {
      const last = current(token);
      const at = token.indexOf('=');
      const key = token.slice(0, at);
      if (key === '') throw new UsageError(`'${token}' has no key before '='; write key=value, e.g. seed=1`);
      const text = token.slice(at + 1);
      const isLiteral = LITERAL_START.test(text);
      const value = isLiteral ? literal(text, `the value of '${key}'`, parsers) : text;
      last.pending ??= {};
      if (!isLiteral) {
        let keys = last.plain.get(last.pending);
        if (!keys) last.plain.set(last.pending, (keys = new Set()));
        keys.add(key);
      }
      // defineProperty keeps a key like '__proto__' an ordinary key, for core to reject by name.
      Object.defineProperty(last.pending, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (MODULE.test(token)) {
      flush();
      modules.push({ module: token, version: [], plain: new Map() });
    } else {
      throw new UsageError(
        `'${token}' is neither a module name, a ~version, key=value nor a {config object}; ` +
          `quote values that contain spaces or brackets together with their key ('key=[1, 2]')`,
      );
    }
  }
  flush();

  const target = modules.at(-1);
  if (!target) {
    throw new UsageError('name the module to get: machinable get <module> [~version …] [key=value …] [--launch]');
  }
  const request = (m: (typeof modules)[number]): ModuleRequest => ({ module: m.module, version: m.version, plain: m.plain });
  return { contexts: modules.slice(0, -1).map(request), target: request(target), actions, debug, quiet };
}

function parseAction(token: string, parsers: LiteralParsers): GetAction {
  const text = token.slice(2);
  if (text === 'path') return { kind: 'path' };
  if (text === '') throw new UsageError("unexpected '--'; machinable get takes no positional arguments after '--'");
  const equals = /^([A-Za-z_$][\w$.]*)=(.*)$/s.exec(text);
  if (equals) {
    throw new UsageError(`'${token}': config values take no dashes; write ${equals[1]}=${equals[2]} (and call methods as --name or --name(args))`);
  }
  let call: Call | undefined;
  try {
    call = parsers.parseCall(text);
  } catch (error) {
    throw new UsageError(`cannot parse '${token}': ${(error as Error).message}; write --name or --name(arg, key=value)`);
  }
  if (!call) throw new UsageError(`'${token}' is not a member to call; write --name or --name(arg, key=value)`);
  const args = call.kwargs ? [...call.args, call.kwargs] : call.args;
  return { kind: 'member', name: call.name, args, called: text.includes('('), token };
}

function literal(text: string, what: string, parsers: LiteralParsers): unknown {
  try {
    return parsers.parseLiteral(text);
  } catch (error) {
    throw new UsageError(
      `cannot parse ${what} (${text}): ${(error as Error).message}; a value starting with [ { ' or " is a literal ` +
        `such as [1, 2], {name: 'adam'} or '[text]'`,
    );
  }
}

/** The declared type kind at a dotted path, when the module's config declares one. */
export type TypeAt = (path: readonly string[]) => string | undefined;

/**
 * The version of a request with its plain-text values read by core's `parseScalar`, except those
 * of fields declared as strings, which keep the text as written.
 */
export function typedVersion(request: ModuleRequest, typeAt: TypeAt, parsers: Pick<LiteralParsers, 'parseScalar'>): VersionItem[] {
  return request.version.map((item) => {
    const keys = typeof item === 'string' ? undefined : request.plain.get(item);
    if (typeof item === 'string' || !keys) return item;
    const out: PlainObject = {};
    for (const [key, value] of Object.entries(item)) {
      const typed = keys.has(key) && typeof value === 'string' && typeAt(key.split('.')) !== 'string' ? parsers.parseScalar(value) : value;
      Object.defineProperty(out, key, { value: typed, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
}
