import { classTransformer } from './class-transformer.js';
import { clonePlain, isPlainObject, setEntry, type PlainObject } from './plain.js';
import { compileSchema, type ConfigSchema } from './schema.js';
import type { ValueType } from './value-type.js';

/**
 * Puts back the `__proto__` keys class-transformer loses: its `instanceToPlain` copies a value by
 * assignment, so a free-form value's own `__proto__` key becomes the copy's prototype and drops out
 * of the resolved config (and of its identity). `plain` is what `configToPlain(instance, schema)`
 * gave; where the instance holds no `__proto__` key (always, but for such free-form data) it is
 * returned as it is; otherwise free-form values (`json` fields, undeclared keys of an
 * `extra: 'allow'` config, records' keys) are copied again from the instance, keys as keys.
 */
export function keepProtoKeys(plain: PlainObject, instance: object, schema: ConfigSchema): PlainObject {
  return holdsProtoKey(instance, 0) ? configLevel(plain, instance as PlainObject, schema) : plain;
}

function configLevel(plain: PlainObject, instance: PlainObject, schema: ConfigSchema): PlainObject {
  for (const key of Object.keys(instance)) {
    if (!Object.prototype.hasOwnProperty.call(plain, key)) continue;
    const field = schema.fields.get(key);
    setEntry(plain, key, field ? ofType(plain[key], instance[key], field.type) : clonePlain(instance[key]));
  }
  return plain;
}

function ofType(converted: unknown, value: unknown, type: ValueType): unknown {
  switch (type.kind) {
    case 'json':
      return clonePlain(value);
    case 'config': {
      if (!(value instanceof type.target)) return converted;
      const base = isPlainObject(converted) ? converted : (classTransformer().instanceToPlain(value) as PlainObject);
      return configLevel(base, value as PlainObject, compileSchema(type.target));
    }
    case 'array':
      return Array.isArray(value) && Array.isArray(converted) && value.length === converted.length
        ? value.map((item, i) => ofType(converted[i], item, type.of))
        : converted;
    case 'record': {
      if (!isPlainObject(value) || !isPlainObject(converted)) return converted;
      const out: PlainObject = {};
      for (const key of Object.keys(value)) {
        const item = Object.prototype.hasOwnProperty.call(converted, key) ? converted[key] : value[key];
        setEntry(out, key, ofType(item, value[key], type.of));
      }
      return out;
    }
    default:
      return converted;
  }
}

/** Whether a `__proto__` own key is anywhere in the value (bounded: config data is at most 64 deep). */
function holdsProtoKey(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => holdsProtoKey(item, depth + 1));
  return Object.keys(value).some((key) => key === '__proto__' || holdsProtoKey((value as PlainObject)[key], depth + 1));
}
