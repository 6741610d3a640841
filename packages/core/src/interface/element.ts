import { Config } from '../config/config.decorator.js';
import type { ConfigClass } from '../config/metadata.js';
import { metadata } from '../config/metadata.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { VersionItem, VersionSpec } from '../config/version.js';
import { InterfaceStateError } from '../kernel/errors.js';
import { deepFreeze } from '../config/freeze.js';

/** Config of an element that declares none: accepts no keys. */
@Config()
class NoConfig {}

/** A class usable as a module: an `Element` (or `Interface`) subclass. */
export interface ElementClass<T extends Element<object> = Element<object>> {
  new (): T;
  readonly prototype: T;
  /** The `@Config()` class of the element. */
  Config?: unknown;
  /** Module name override for classes not loaded from a module file. */
  module?: string;
  /** Record kind, e.g. 'Interface', 'Execution'. */
  kind: string;
  readonly name: string;
}

/** The config class of an element class; one that accepts no keys when it declares none. */
export function configClassOf<C extends object>(cls: ElementClass): ConfigClass<C> {
  return (cls.Config ?? NoConfig) as ConfigClass<C>;
}

/** True for a class that extends `Element`. */
export function isElementClass(value: unknown): value is ElementClass {
  return typeof value === 'function' && (value === Element || value.prototype instanceof Element);
}

/** What an element knows about its configuration: the module it was loaded as and its resolution. */
interface ElementState {
  module?: string;
  resolved?: ResolvedConfig<object>;
}

const states = new WeakMap<Element<object>, ElementState>();

function stateOf(element: Element<object>): ElementState {
  let state = states.get(element);
  if (!state) states.set(element, (state = {}));
  return state;
}

/**
 * Something configurable: a typed config resolved from a version, with `@Version()` and
 * `@ConfigMethod()` methods. Never stored; `Interface` adds the record.
 *
 * @example
 * class Tokenizer extends Element<TokenizerConfig> { static Config = TokenizerConfig; }
 * const tokenizer = await get(Tokenizer, { vocab: 512 });
 */
export class Element<C extends object = Record<string, unknown>> {
  static Config?: unknown;
  static module?: string;
  static kind = 'Element';

  /** The resolved, typed config. Read-only: change it by asking for another version. */
  get config(): C {
    return resolutionOf(this).config;
  }

  /** The module this element was loaded as (`train`, `models.resnet`). */
  get module(): string {
    return stateOf(this).module ?? (this.constructor as ElementClass).module ?? this.constructor.name;
  }

  /** The version as given (`['~adam', { seed: 1 }]`). */
  version(): VersionItem[] {
    return resolutionOf(this).version;
  }

  /** Hook: runs once the config is resolved (read `this.config` here). */
  onConfigure(): void {}
}

/**
 * Resolves an element's config for `module` and `version` (calling its `@Version()` methods),
 * then its `onConfigure()` hook. What `get()` does to a fresh instance.
 */
export function configureElement<T extends Element<object>>(element: T, module: string, version: VersionSpec): T {
  const state = stateOf(element);
  state.module = module;
  const cls = element.constructor as ElementClass;
  const resolved = resolveConfig(configClassOf(cls), version, { host: element });
  deepFreeze(resolved.config);
  state.resolved = resolved;
  element.onConfigure();
  return element;
}

/** The element's resolution; an element made with `new` and never configured resolves its defaults. */
export function resolutionOf<C extends object>(element: Element<C>): ResolvedConfig<C> {
  const state = stateOf(element);
  state.resolved ??= defaultResolution(element);
  return state.resolved as ResolvedConfig<C>;
}

/**
 * The defaults of classes without `@ConfigMethod()`s, resolved once: nothing of the instance can
 * enter them then (an empty version calls no `@Version()` method), and every `new Execution()`
 * of a plain `launch()` asks for them. Frozen whole, since instances share them.
 */
const defaultResolutions = new WeakMap<Function, ResolvedConfig<object>>();

function defaultResolution(element: Element<object>): ResolvedConfig<object> {
  const cls = element.constructor as ElementClass;
  const cached = defaultResolutions.get(cls);
  if (cached) return cached;
  let resolved: ResolvedConfig<object>;
  try {
    resolved = resolveConfig(configClassOf(cls), [], { host: element });
  } catch (error) {
    throw new InterfaceStateError(
      `${cls.name} has no config yet: make it with get(${JSON.stringify(element.module)}, version) rather than new ${cls.name}() (${(error as Error).message})`,
    );
  }
  if (metadata.configMethodsOf(cls).length > 0) {
    deepFreeze(resolved.config);
    return resolved;
  }
  // Everything but the schema (the config class's compiled one, which is not ours to freeze).
  for (const part of [resolved.config, resolved.defaults, resolved.version, resolved.layers, resolved.resolved]) deepFreeze(part);
  defaultResolutions.set(cls, resolved);
  return resolved;
}

/** The resolution made so far, without resolving. */
export function peekResolution<C extends object>(element: Element<C>): ResolvedConfig<C> | undefined {
  return stateOf(element).resolved as ResolvedConfig<C> | undefined;
}

/** Sets an element's module and resolution (a stored record's, when it is loaded). */
export function restoreElement<C extends object>(element: Element<C>, module: string, resolved: ResolvedConfig<C>): void {
  const state = stateOf(element);
  state.module = module;
  state.resolved = resolved as ResolvedConfig<object>;
}
