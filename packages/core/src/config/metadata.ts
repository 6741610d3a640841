/**
 * The one place that answers "what does this class declare?": config options, fields, versions
 * and config methods. Decorators only push records in here; `schema.ts` and `resolve.ts` read them.
 */

/** A class usable as a config: constructible without arguments. */
export type ConfigClass<T extends object = object> = new () => T;

/** Scalar kinds a field can be declared as. `number` and `float` are the same kind. */
export type ScalarType = 'float' | 'number' | 'int' | 'string' | 'boolean' | 'json';

/** Options of `@Config()`. */
export interface ConfigOptions {
  /** `'forbid'` (default) rejects keys that are not declared fields; `'allow'` keeps them verbatim. */
  extra?: 'forbid' | 'allow';
}

/** Options of `@Field()`. */
export interface FieldOptions {
  /**
   * The declared type. Inferred from the TypeScript type (decorator metadata) or, failing that,
   * from the default value. Give it for integers (`'int'`), for free-form values (`'json'`) and
   * for the element type of arrays and records (`type: Layer, each: true`).
   */
  type?: ScalarType | ConfigClass;
  /**
   * The field holds many values of `type`: an array (`Layer[]`) or, with `'record'`, a
   * string-keyed record (`Record<string, Layer>`). `true` picks from the TypeScript type.
   */
  each?: boolean | 'array' | 'record';
  /** `false` leaves the field out of the run's identity (paths, devices, verbosity). */
  identifying?: boolean;
  /** Allow `null` as a value besides the declared type. */
  nullable?: boolean;
  /** Shown in errors and docs. */
  description?: string;
}

export interface FieldRecord {
  readonly name: string;
  readonly options: FieldOptions;
  /** The TypeScript type recorded by `emitDecoratorMetadata`, when the compiler emitted it. */
  readonly designType: unknown;
}

class MetadataStorage {
  private readonly configs = new Map<Function, ConfigOptions>();
  private readonly fields = new Map<Function, FieldRecord[]>();
  private readonly versions = new Map<Function, Set<string>>();
  private readonly versionKeywords = new Map<string, Map<Function, readonly string[]>>();
  private readonly configMethods = new Map<Function, Set<string>>();

  addConfig(target: Function, options: ConfigOptions): void {
    this.configs.set(target, options);
  }

  addField(target: Function, field: FieldRecord): void {
    const own = this.fields.get(target) ?? [];
    this.fields.set(target, [...own.filter((f) => f.name !== field.name), field]);
  }

  addVersion(target: Function, name: string, options: { readonly keywords?: readonly string[] } = {}): void {
    add(this.versions, target, name);
    if (options.keywords) this.versionKeywords.set(`${name}`, new Map([...(this.versionKeywords.get(name) ?? []), [target, options.keywords]]));
  }

  /** The keywords a `@Version({ keywords })` declared, for the class or its nearest ancestor declaring them. */
  versionKeywordsOf(target: Function, name: string): readonly string[] | undefined {
    const declared = this.versionKeywords.get(name);
    if (!declared) return undefined;
    for (const cls of lineage(target).reverse()) {
      const keywords = declared.get(cls);
      if (keywords) return keywords;
    }
    return undefined;
  }

  addConfigMethod(target: Function, name: string): void {
    add(this.configMethods, target, name);
  }

  /** Options of the class itself; undefined when it was not decorated with `@Config()`. */
  configOptions(target: Function): ConfigOptions | undefined {
    return this.configs.get(target);
  }

  /** Fields declared on the class itself, not inherited. */
  ownFieldsOf(target: Function): readonly FieldRecord[] {
    return this.fields.get(target) ?? [];
  }

  /** Fields of the class and its ancestors, ancestors first; a subclass redeclaration wins. */
  fieldsOf(target: Function): FieldRecord[] {
    const byName = new Map<string, FieldRecord>();
    for (const cls of lineage(target)) {
      for (const field of this.fields.get(cls) ?? []) byName.set(field.name, field);
    }
    return [...byName.values()];
  }

  /** Names of `@Version()` methods on the class and its ancestors. */
  versionsOf(target: Function): string[] {
    return collect(this.versions, target);
  }

  /** Names of `@ConfigMethod()` methods on the class and its ancestors. */
  configMethodsOf(target: Function): string[] {
    return collect(this.configMethods, target);
  }
}

function add(map: Map<Function, Set<string>>, target: Function, name: string): void {
  const set = map.get(target) ?? new Set<string>();
  set.add(name);
  map.set(target, set);
}

function collect(map: Map<Function, Set<string>>, target: Function): string[] {
  const names = new Set<string>();
  for (const cls of lineage(target)) for (const n of map.get(cls) ?? []) names.add(n);
  return [...names];
}

/** The class and its ancestors, root first. */
function lineage(target: Function): Function[] {
  const chain: Function[] = [];
  for (let cls: unknown = target; typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    chain.unshift(cls as Function);
  }
  return chain;
}

/** The process-wide metadata storage. */
export const metadata = new MetadataStorage();
