import { classTransformer } from './class-transformer.js';
import { ConfigurationError } from '../kernel/errors.js';
import { fieldType } from './field-type.js';
import { registerCoercion } from './instance.js';
import { metadata, type ConfigClass } from './metadata.js';
import { isPlainObject, type PlainObject } from './plain.js';
import type { ConfigSchema, FieldSchema } from './schema-types.js';
import type { ValueType } from './value-type.js';

export type { FieldSchema, ConfigSchema } from './schema-types.js';

const compiled = new WeakMap<Function, ConfigSchema>();
// Compiled schemas whose presence rules class-validator has not been given yet (in compile order).
let unregistered: ConfigSchema[] = [];

/**
 * Reads what a `@Config()` class declares, once per class, and registers the coercion
 * (class-transformer) that resolution relies on; the presence rules for class-validator follow
 * once it is in use (see {@link registerValidationRules}).
 *
 * @example
 * const schema = compileSchema(TrainConfig);
 * schema.fields.get('layers')?.type; // { kind: 'int' }
 */
export function compileSchema(target: unknown): ConfigSchema {
  const cls = assertConfigClass(target);
  const cached = compiled.get(cls);
  if (cached) return cached;

  const defaultsInstance = construct(cls);
  const fields = new Map<string, FieldSchema>();
  const defaults: PlainObject = {};
  for (const record of metadata.fieldsOf(cls)) {
    const value: unknown = defaultsInstance[record.name];
    const field: FieldSchema = {
      name: record.name,
      type: fieldType(cls, record, value),
      required: value === undefined,
      identifying: record.options.identifying !== false,
      nullable: record.options.nullable === true,
      description: record.options.description,
    };
    fields.set(record.name, field);
    if (value !== undefined) defaults[record.name] = toPlain(value);
    registerCoercion(cls, field);
  }

  const schema: ConfigSchema = {
    target: cls,
    name: cls.name,
    extra: metadata.configOptions(cls)?.extra ?? 'forbid',
    fields,
    defaults,
    excluded: excludedPaths(fields, ''),
  };
  compiled.set(cls, schema);
  unregistered.push(schema);
  return schema;
}

/** The schema of a class compiled before, if any (without compiling it). */
export function compiledSchemaOf(target: Function): ConfigSchema | undefined {
  return compiled.get(target);
}

/**
 * Gives class-validator the presence rule of every field of every schema compiled so far (each
 * once): `IsDefined` for a required field, `Allow` for the others, so that its whitelist accepts
 * exactly the declared fields. Called before class-validator validates, which it does only once
 * user constraints exist; a class's rules come after its own decorators, as when they were
 * registered at compile time.
 */
export function registerValidationRules(validator: Pick<typeof import('class-validator'), 'Allow' | 'IsDefined'>): void {
  if (unregistered.length === 0) return;
  const pending = unregistered;
  unregistered = [];
  for (const schema of pending) {
    const { prototype } = schema.target as { prototype: object };
    for (const field of schema.fields.values()) {
      (field.required ? validator.IsDefined() : validator.Allow())(prototype, field.name);
    }
  }
}

function assertConfigClass(target: unknown): ConfigClass<Record<string, unknown>> {
  if (typeof target !== 'function') {
    const what = isPlainObject(target) ? 'a plain object' : typeof target;
    throw ConfigurationError.of(
      'definition',
      '',
      `a config must be a class decorated with @Config(), got ${what}; ` +
        'declare `@Config() class MyConfig { @Field() lr = 0.1; }` and set `static Config = MyConfig`',
    );
  }
  if (metadata.configOptions(target) === undefined) {
    throw ConfigurationError.of(
      'definition',
      '',
      `${target.name || 'the config class'} is not a config class; decorate it with @Config() ` +
        'and its fields with @Field()',
    );
  }
  return target as ConfigClass<Record<string, unknown>>;
}

function construct(cls: ConfigClass<Record<string, unknown>>): Record<string, unknown> {
  try {
    return new cls();
  } catch (error) {
    throw ConfigurationError.of(
      'definition',
      '',
      `${cls.name} could not be constructed without arguments (${(error as Error).message}); ` +
        'config classes take no constructor arguments: give defaults as property initializers',
    );
  }
}

function toPlain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !isPlainObject(value) && !Array.isArray(value)) {
    return classTransformer().instanceToPlain(value);
  }
  return classTransformer().instanceToPlain({ value }).value;
}

/**
 * Non-identifying paths reach into directly nested configs; array items have no dotted path.
 * Joined with plain dots (no quoting), as `canonicalConfig` compares them.
 */
function excludedPaths(fields: ReadonlyMap<string, FieldSchema>, prefix: string): string[] {
  const paths: string[] = [];
  for (const field of fields.values()) {
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    if (!field.identifying) paths.push(path);
    else if (field.type.kind === 'config') {
      paths.push(...compileSchema(field.type.target).excluded.map((p) => `${path}.${p}`));
    }
  }
  return paths;
}

/** Compiles nested config classes too, so their transforms exist before instances are built. */
export function compileDeep(target: unknown, seen = new Set<Function>()): ConfigSchema {
  const schema = compileSchema(target);
  if (seen.has(schema.target)) return schema;
  seen.add(schema.target);
  for (const field of schema.fields.values()) {
    const nested = innermost(field.type);
    if (nested.kind === 'config') compileDeep(nested.target, seen);
  }
  return schema;
}

function innermost(type: ValueType): ValueType {
  return type.kind === 'array' || type.kind === 'record' ? innermost(type.of) : type;
}
