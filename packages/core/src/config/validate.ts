import { validateSync, type ValidationError } from 'class-validator';
import type { ConfigIssue } from '../errors.js';
import { compileSchema, type ConfigSchema } from './schema.js';
import { isPlainObject, joinPath, showValue } from './plain.js';
import { closest } from './suggest.js';
import { describeType, type ValueType } from './value-type.js';

/**
 * Validates a config instance tree and returns every issue with its full path. class-validator
 * checks each config level (unknown keys, required fields, any constraints the user added such as
 * `@Min(0)`); this walker descends into nested configs, arrays and records itself, so each level
 * applies its own `extra` policy and paths come out as `layers[2].size`.
 */
export function validateConfig(instance: object, schema: ConfigSchema, path = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const errors = validateSync(instance, {
    whitelist: schema.extra === 'forbid',
    forbidNonWhitelisted: schema.extra === 'forbid',
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  for (const error of errors) issues.push(...fromValidationError(error, schema, path));

  const record = instance as Record<string, unknown>;
  for (const field of schema.fields.values()) {
    const value = record[field.name];
    if (value === undefined || (value === null && field.nullable)) continue;
    issues.push(...checkValue(value, field.type, joinPath(path, field.name)));
  }
  return issues;
}

function fromValidationError(error: ValidationError, schema: ConfigSchema, parent: string): ConfigIssue[] {
  const path = joinPath(parent, error.property);
  const constraints = error.constraints ?? {};
  const issues: ConfigIssue[] = [];
  for (const [name, text] of Object.entries(constraints)) {
    if (name === 'whitelistValidation') {
      issues.push({ code: 'unknown-key', path, message: unknownKey(path, error.property, schema) });
    } else if (name === 'isDefined') {
      const field = schema.fields.get(error.property);
      const type = field ? describeType(field.type) : 'value';
      issues.push({
        code: 'required',
        path,
        message: `missing required field '${path}' (${type}) of ${schema.name}: it has no default, so give it, e.g. { ${JSON.stringify(path)}: ... }`,
      });
    } else {
      issues.push({ code: 'constraint', path, message: `'${path}' = ${showValue(error.value)} is not allowed: ${text}` });
    }
  }
  return issues;
}

function unknownKey(path: string, key: string, schema: ConfigSchema): string {
  const declared = [...schema.fields.keys()];
  const hint = closest(key, declared);
  return (
    `unknown key '${path}'; ${schema.name} declares ${declared.length ? declared.join(', ') : 'no fields'}` +
    `${hint ? `. Did you mean '${hint}'?` : '.'} ` +
    `Fix or remove the key, or accept extra keys with @Config({ extra: 'allow' }) on ${schema.name}`
  );
}

function checkValue(value: unknown, type: ValueType, path: string): ConfigIssue[] {
  const wrong = (): ConfigIssue[] => [
    { code: 'type', path, message: `'${path}' must be ${article(describeType(type))}, got ${showValue(value)} (${kindOf(value)})` },
  ];
  switch (type.kind) {
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? [] : wrong();
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? [] : wrong();
    case 'string':
      return typeof value === 'string' ? [] : wrong();
    case 'boolean':
      return typeof value === 'boolean' ? [] : wrong();
    case 'json':
      return jsonIssues(value, path);
    case 'config':
      return value instanceof type.target ? validateConfig(value, compileSchema(type.target), path) : wrong();
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => checkValue(item, type.of, joinPath(path, i))) : wrong();
    case 'record':
      return isPlainObject(value)
        ? Object.entries(value).flatMap(([key, item]) => checkValue(item, type.of, joinPath(path, key)))
        : wrong();
  }
}

/** Free-form values are kept verbatim, but must still be storable and hashable JSON. */
function jsonIssues(value: unknown, path: string): ConfigIssue[] {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') {
    return Number.isFinite(value) ? [] : [{ code: 'type', path, message: `'${path}' is ${value}; NaN and Infinity cannot be stored or hashed` }];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonIssues(item, joinPath(path, i)));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => jsonIssues(v, joinPath(path, k)));
  return [{ code: 'type', path, message: `'${path}' holds ${kindOf(value)}, which is not JSON; free-form values must be JSON data` }];
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return isPlainObject(value) ? 'object' : (value.constructor?.name ?? 'object');
  return typeof value;
}

function article(text: string): string {
  return /^[aeiou]/i.test(text) ? `an ${text}` : `a ${text}`;
}
