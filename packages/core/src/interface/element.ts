import { Config } from '../config/config.decorator.js';
import type { ConfigClass } from '../config/metadata.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { VersionItem, VersionSpec } from '../config/version.js';
import { deepFreeze } from './freeze.js';
import { CONFIGURE } from './internal.js';

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
  /** Record kind, e.g. 'Interface', 'Experiment'. */
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

  #module?: string;
  #version: VersionSpec = [];
  #resolved?: ResolvedConfig<C>;

  /** The resolved, typed config. Read-only: change it by asking for another version. */
  get config(): C {
    return this.resolution.config;
  }

  /** The module this element was loaded as (`train`, `models.resnet`). */
  get module(): string {
    return this.#module ?? (this.constructor as ElementClass).module ?? this.constructor.name;
  }

  /** The version as given (`['~adam', { seed: 1 }]`). */
  version(): VersionItem[] {
    return this.resolution.version;
  }

  /** Everything config resolution produced (layers, defaults, schema). */
  protected get resolution(): ResolvedConfig<C> {
    this.#resolved ??= this.resolve(this.#version);
    return this.#resolved;
  }

  /** Hook: runs once the config is resolved (read `this.config` here). */
  onConfigure(): void {}

  /** @internal called by `get()`. */
  [CONFIGURE](module: string, version: VersionSpec): this {
    this.#module = module;
    this.#version = version;
    this.#resolved = this.resolve(version);
    this.onConfigure();
    return this;
  }

  /** The resolution made so far, without resolving (undefined before `get()` configured it). */
  protected peekResolution(): ResolvedConfig<C> | undefined {
    return this.#resolved;
  }

  /** @internal replaces the resolution with a stored one. */
  protected setResolution(module: string, resolved: ResolvedConfig<C>): void {
    this.#module = module;
    this.#resolved = resolved;
  }

  private resolve(version: VersionSpec): ResolvedConfig<C> {
    const resolved = resolveConfig(configClassOf<C>(this.constructor as ElementClass), version, { host: this });
    deepFreeze(resolved.config);
    return resolved;
  }
}
