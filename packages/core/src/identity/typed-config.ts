import { isPlainObject, setEntry, type PlainObject } from '../config/plain.js';
import { compileSchema, type ConfigSchema } from '../config/schema.js';
import type { ValueType } from '../config/value-type.js';
import { PyFloat } from '../json/py-float.js';

/**
 * Marks the values of float fields as `PyFloat`, so they hash as `1.0` even when integral, as a
 * Python float field would. Int fields stay integers; free-form values keep JavaScript's own
 * distinction (integral numbers as ints, others as floats). Keys come in the order the config
 * class declares its fields (then any undeclared ones), as a pydantic model dumps them.
 */
export function typedConfig(config: PlainObject, schema: ConfigSchema): PlainObject {
  const out: PlainObject = {};
  for (const [key, field] of schema.fields) {
    if (Object.prototype.hasOwnProperty.call(config, key)) setEntry(out, key, typed(config[key], field.type));
  }
  for (const [key, value] of Object.entries(config)) {
    if (!schema.fields.has(key)) setEntry(out, key, value);
  }
  return out;
}

function typed(value: unknown, type: ValueType): unknown {
  switch (type.kind) {
    case 'float':
      return typeof value === 'number' ? new PyFloat(value) : value;
    case 'config':
      return isPlainObject(value) ? typedConfig(value, compileSchema(type.target)) : value;
    case 'array':
      return Array.isArray(value) ? value.map((item) => typed(item, type.of)) : value;
    case 'record': {
      if (!isPlainObject(value)) return value;
      const out: PlainObject = {};
      for (const [k, v] of Object.entries(value)) setEntry(out, k, typed(v, type.of));
      return out;
    }
    default:
      return value;
  }
}
