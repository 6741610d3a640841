import { ConfigurationError } from '../kernel/errors.js';
import { metadata, type ConfigClass, type FieldRecord, type ScalarType } from './metadata.js';
import { isPlainObject } from './plain.js';
import type { ValueType } from './value-type.js';

/**
 * Works out a field's `ValueType` from, in order: `@Field({ type, each })`, the TypeScript type
 * the compiler recorded, and the default value. The compiler records unannotated fields
 * (`lr = 0.1`) as `Object`, and loaders without decorator metadata (esbuild, plain JS) record
 * nothing, so the default value decides there.
 */
export function fieldType(owner: Function, field: FieldRecord, defaultValue: unknown): ValueType {
  const { type, each } = field.options;
  const design = field.designType;
  const where = `field '${field.name}' of ${owner.name}`;

  const container = containerOf(each, design, defaultValue, where);
  if (container) {
    const of = type !== undefined ? declared(type, where) : { kind: 'json' as const };
    return { kind: container, of };
  }
  if (type !== undefined) return declared(type, where);
  return fromDesign(design, where) ?? fromDefault(defaultValue, where, design === Object);
}

function containerOf(
  each: boolean | 'array' | 'record' | undefined,
  design: unknown,
  defaultValue: unknown,
  where: string,
): 'array' | 'record' | undefined {
  if (each === 'array' || each === 'record') return each;
  const looksArray = design === Array || (design === undefined && Array.isArray(defaultValue));
  if (looksArray) return 'array';
  if (!each) return undefined;
  if (design === Object || design === Map || (design === undefined && isPlainObject(defaultValue))) return 'record';
  throw definition(
    `${where}: \`each: true\` needs an array or record type; declare \`each: 'array'\` or \`each: 'record'\``,
  );
}

function declared(type: ScalarType | ConfigClass, where: string): ValueType {
  if (typeof type === 'function') return configType(type, where);
  if (type === 'number') return { kind: 'float' };
  if (['float', 'int', 'string', 'boolean', 'json'].includes(type)) return { kind: type } as ValueType;
  throw definition(`${where}: unknown type '${String(type)}'; use 'float', 'int', 'string', 'boolean', 'json' or a @Config() class`);
}

function fromDesign(design: unknown, where: string): ValueType | undefined {
  if (design === undefined) return undefined;
  if (design === Number) return { kind: 'float' };
  if (design === String) return { kind: 'string' };
  if (design === Boolean) return { kind: 'boolean' };
  // An unannotated field (`lr = 0.1`) is recorded as Object too, so Object defers to the default.
  if (design === Object) return undefined;
  if (typeof design === 'function') return configType(design, where);
  return undefined;
}

/** A default like `'scaledLr(2)'` is computed by a config method; its type is not the string's. */
const CALL_LIKE = /^\s*[A-Za-z_$][\w$]*\s*\([\s\S]*\)\s*$/;

function fromDefault(value: unknown, where: string, declaredObject: boolean): ValueType {
  switch (typeof value) {
    case 'number':
      return { kind: 'float' };
    case 'string':
      return CALL_LIKE.test(value) ? { kind: 'json' } : { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
  }
  if (isPlainObject(value)) return { kind: 'json' };
  if (value !== null && typeof value === 'object') return configType(value.constructor, where);
  if (declaredObject) return { kind: 'json' };
  throw definition(
    `${where}: cannot tell its type (no decorator metadata and no default); declare it, e.g. @Field({ type: 'float' })`,
  );
}

function configType(target: Function, where: string): ValueType {
  if (metadata.configOptions(target) === undefined) {
    throw definition(
      `${where} has type ${target.name || 'an anonymous class'}, which is not a config class; ` +
        `decorate ${target.name || 'it'} with @Config(), or declare @Field({ type: 'json' }) for free-form data`,
    );
  }
  return { kind: 'config', target: target as ConfigClass };
}

function definition(message: string): ConfigurationError {
  return ConfigurationError.of('definition', '', message);
}
