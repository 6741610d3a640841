import { ConfigurationError } from '../kernel/errors.js';
import { evaluateConfigMethods } from './config-methods.js';
import { configToPlain, plainToConfig } from './instance.js';
import { deepMerge } from './layers.js';
import { keepProtoKeys } from './proto-keys.js';
import type { ConfigClass } from './metadata.js';
import { clonePlain, type PlainObject } from './plain.js';
import { compileDeep, type ConfigSchema } from './schema.js';
import type { ConfigIssue } from '../kernel/errors.js';
import { jsonDataIssues } from './json-data.js';
import { isReservedKeyIssue, unknownKeys, validateConfig } from './validate.js';
import { expandVersion, normalizeVersion, type VersionItem, type VersionSpec } from './version.js';

/** Everything resolution produced; `model.json` stores the layers, identity hashes `resolved`. */
export interface ResolvedConfig<C extends object = Record<string, unknown>> {
  /** The typed, coerced, validated config instance (nested configs are instances too). */
  readonly config: C;
  readonly schema: ConfigSchema;
  /** Declared defaults. */
  readonly defaults: PlainObject;
  /** The version as given, flattened: `['~adam', { seed: 1 }]`. */
  readonly version: VersionItem[];
  /** The version as plain layers: version calls made, dotted keys expanded. */
  readonly layers: PlainObject[];
  /** The final config as plain data: coerced, config methods computed. */
  readonly resolved: PlainObject;
}

export interface ResolveOptions {
  /** The object whose `@Version()` and `@ConfigMethod()` methods versions and values call (the interface). */
  readonly host?: object;
}

/**
 * Resolves a config: defaults, then each version layer deep-merged left to right, values coerced to
 * their declared types, config methods computed, everything validated. Throws one
 * `ConfigurationError` listing every problem with its dotted path.
 *
 * @example
 * const { config } = resolveConfig(TrainConfig, ['~adam', { seed: 1 }], { host: new Train() });
 * config.optimizer.name; // 'adam'
 */
export function resolveConfig<C extends object>(
  configClass: ConfigClass<C>,
  version?: VersionSpec,
  options: ResolveOptions = {},
): ResolvedConfig<C> {
  const schema = compileDeep(configClass);
  const { host } = options;
  const items = normalizeVersion(version);
  // Each layer is checked for JSON data (no cycles, no deep nesting, nothing JSON drops) as it is expanded.
  const layers = expandVersion(items, host);
  const merged = layers.reduce(deepMerge, clonePlain(schema.defaults));
  // Keys are checked on the plain input: class-transformer drops a key named like an Object
  // member (`toString`, `valueOf`) before the instance could be checked.
  const unknown = unknownKeys(merged, schema, '');
  const reserved = unknown.filter(isReservedKeyIssue);
  if (reserved.length > 0) throw new ConfigurationError(reserved, schema.name);

  // Coerce first so config methods read typed values, then again to coerce what they computed.
  let instance = plainToConfig(configClass, schema, merged);
  const coerced = keepProtoKeys(configToPlain(instance, schema), instance, schema);
  const computed = evaluateConfigMethods(coerced, host);
  if (computed !== coerced) {
    const computedIssues = jsonDataIssues(computed, '');
    if (computedIssues.length > 0) throw new ConfigurationError(computedIssues, schema.name);
    instance = plainToConfig(configClass, schema, computed);
  }

  const issues = distinct([...unknown, ...validateConfig(instance, schema)]);
  if (issues.length > 0) throw new ConfigurationError(issues, schema.name);

  return {
    config: instance,
    schema,
    defaults: clonePlain(schema.defaults),
    version: items,
    layers,
    // Without computed values the instance is the one `coerced` was read from (validation only
    // reads it): reading it again would give the same plain data.
    resolved: computed === coerced ? coerced : keepProtoKeys(configToPlain(instance, schema), instance, schema),
  };
}

/** Issues once each: the plain-input check and the instance check may both see an unknown key. */
function distinct(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.code}\n${issue.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
