import { classTransformer } from './class-transformer.js';
import { isPlainObject, setEntry, type PlainObject } from './plain.js';
import type { ValueType } from './value-type.js';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Converts a value towards its declared type where that is lossless and unambiguous: the CLI
 * passes every value as a string, so `"3"` becomes `3` and `"true"` becomes `true`. Anything
 * that does not convert cleanly is returned unchanged, and validation then reports it with its
 * path; coercion itself never throws and never guesses.
 */
export function coerce(value: unknown, type: ValueType): unknown {
  switch (type.kind) {
    case 'float':
    case 'int':
      return typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value.trim()) : value;
    case 'boolean':
      return typeof value === 'string' ? toBoolean(value) : value;
    case 'string':
    case 'json':
      return value;
    case 'config':
      return isPlainObject(value) ? classTransformer().plainToInstance(type.target, value) : value;
    case 'array':
      return Array.isArray(value) ? value.map((item) => coerce(item, type.of)) : value;
    case 'record': {
      if (!isPlainObject(value)) return value;
      const out: PlainObject = {};
      for (const [key, item] of Object.entries(value)) setEntry(out, key, coerce(item, type.of));
      return out;
    }
  }
}

function toBoolean(text: string): boolean | string {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return text;
}
