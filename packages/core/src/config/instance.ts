import { classTransformer } from './class-transformer.js';
import { coerce } from './coerce.js';
import type { ConfigClass } from './metadata.js';
import type { PlainObject } from './plain.js';
import { requireDependency } from '../kernel/require-dependency.js';
import type { ConfigSchema, FieldSchema } from './schema-types.js';

/**
 * Config instances from plain data and back. class-transformer builds them: nested configs,
 * arrays and records of them, and whatever class-transformer decorators a user adds (`@Exclude()`,
 * `@Expose()`, `@Type()`), with machinable's coercion registered as a transform on every field.
 *
 * A config of scalar fields only (float, int, string, boolean) that carries no decorators of
 * class-transformer but machinable's own coercion, given scalar values for declared fields only,
 * is built directly: `new Cls()`, then each given value coerced and assigned, which is what
 * class-transformer does for it (the tests hold the two to the same results) without its generic
 * walk over metadata (6–8% of a launch of a trivial run; bench/README.md). Anything else goes to
 * class-transformer.
 */

/** The part of class-transformer's metadata storage that tells whether a class uses its decorators. */
interface TransformerMetadata {
  getStrategy(target: Function): string;
  getExposedMetadatas(target: Function): readonly unknown[];
  getExcludedMetadatas(target: Function): readonly unknown[];
  findTypeMetadata(target: Function, propertyName: string): unknown;
  findTransformMetadatas(target: Function, propertyName: string, transformationType: number): readonly { readonly transformFn: unknown }[];
}

let storage: TransformerMetadata | undefined;

function transformerMetadata(): TransformerMetadata {
  storage ??= (requireDependency('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadata }).defaultMetadataStorage;
  return storage;
}

/** machinable's own coercion transforms, told apart from a user's `@Transform()`. */
const ownTransforms = new WeakSet<Function>();

/**
 * Registers coercion as a class-transformer transform on `cls` for `field` (to class only).
 * Called for every field of a compiled class, inherited ones included: class-transformer merges
 * a class's rules with its ancestors', and coercion is idempotent, so a rule seen twice is harmless.
 */
export function registerCoercion(cls: Function, field: FieldSchema): void {
  const { prototype } = cls as { prototype: object };
  const transform = ({ obj }: { obj: Record<string, unknown> }): unknown => coerce(obj[field.name], field.type);
  ownTransforms.add(transform);
  classTransformer().Transform(transform, { toClassOnly: true })(prototype, field.name);
}

/** The config instance of plain data (see the file's comment for the two ways it is built). */
export function plainToConfig<C extends object>(cls: ConfigClass<C>, schema: ConfigSchema, plain: PlainObject): C {
  if (!isBuiltDirectly(schema) || !hasScalarFieldsOnly(plain, schema)) return classTransformer().plainToInstance(cls, plain);
  const instance = new cls() as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    // class-transformer leaves a field alone whose initial value is a function.
    if (typeof instance[key] === 'function') continue;
    instance[key] = coerce(plain[key], schema.fields.get(key)!.type);
  }
  return instance as C;
}

/** The plain data of a config instance: its own properties, nested configs as plain objects. */
export function configToPlain(instance: object, schema: ConfigSchema): PlainObject {
  if (!isBuiltDirectly(schema) || instance.constructor !== schema.target) return classTransformer().instanceToPlain(instance);
  const values = instance as Record<string, unknown>;
  const plain: PlainObject = {};
  for (const key of Object.keys(values)) {
    const value = values[key];
    // An object among the values (one a config method computed, or a constructor set): the general way.
    if (!isScalar(value)) return classTransformer().instanceToPlain(instance);
    plain[key] = value;
  }
  return plain;
}

const SCALAR_KINDS = new Set(['float', 'int', 'string', 'boolean']);
const builtDirectly = new WeakMap<ConfigSchema, boolean>();

/** Whether instances of this schema's class may be built without class-transformer (decided once per class). */
function isBuiltDirectly(schema: ConfigSchema): boolean {
  let direct = builtDirectly.get(schema);
  if (direct === undefined) {
    direct = usesNothingOfClassTransformer(schema);
    builtDirectly.set(schema, direct);
  }
  return direct;
}

function usesNothingOfClassTransformer(schema: ConfigSchema): boolean {
  const cls = schema.target;
  const metadata = transformerMetadata();
  const { TransformationType } = classTransformer();
  if (metadata.getStrategy(cls) !== 'none') return false;
  if (metadata.getExposedMetadatas(cls).length > 0 || metadata.getExcludedMetadatas(cls).length > 0) return false;
  for (const field of schema.fields.values()) {
    if (!SCALAR_KINDS.has(field.type.kind)) return false;
    // A method or accessor of the field's name, which class-transformer would not assign through.
    if (field.name in (cls as { prototype: object }).prototype) return false;
    if (metadata.findTypeMetadata(cls, field.name) !== undefined) return false;
    const toClass = metadata.findTransformMetadatas(cls, field.name, TransformationType.PLAIN_TO_CLASS);
    if (!toClass.every((rule) => ownTransforms.has(rule.transformFn as Function))) return false;
    if (metadata.findTransformMetadatas(cls, field.name, TransformationType.CLASS_TO_PLAIN).length > 0) return false;
  }
  return true;
}

/** Every key a declared field, every value a scalar (or null). */
function hasScalarFieldsOnly(plain: PlainObject, schema: ConfigSchema): boolean {
  for (const key of Object.keys(plain)) {
    if (!schema.fields.has(key) || !isScalar(plain[key])) return false;
  }
  return true;
}

function isScalar(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}
