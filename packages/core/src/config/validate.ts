import type { ValidationError } from 'class-validator';
import type { ConfigIssue } from '../kernel/errors.js';
import { requireDependency } from '../kernel/require-dependency.js';
import { compileSchema, compiledSchemaOf, registerValidationRules, type ConfigSchema } from './schema.js';
import { isPlainObject, joinPath, RESERVED_KEYS, showValue } from './plain.js';
import { closest } from './suggest.js';
import { describeType, type ValueType } from './value-type.js';

type ClassValidator = typeof import('class-validator');

let classValidator: ClassValidator | undefined;

/**
 * True once anything in the process used class-validator: its decorators (`@Min(0)` next to a
 * `@Field()`) create its global metadata storage. Until then no config can carry a constraint of
 * its, so the two rules machinable itself needs (no unknown keys, required fields present) are
 * checked here directly, and class-validator (about 100 ms to import) is never loaded.
 */
function constraintsInUse(): boolean {
  return (globalThis as { classValidatorMetadataStorage?: unknown }).classValidatorMetadataStorage !== undefined;
}

/**
 * Validates a config instance tree and returns every issue with its full path. Each config level
 * is checked for unknown keys, required fields and any class-validator constraints the user added
 * (such as `@Min(0)`, through class-validator); this walker descends into nested configs, arrays
 * and records itself, so each level applies its own `extra` policy and paths come out as
 * `layers[2].size`.
 */
export function validateConfig(instance: object, schema: ConfigSchema, path = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (constraintsInUse()) {
    classValidator ??= requireDependency('class-validator') as ClassValidator;
    registerValidationRules(classValidator);
    const errors = classValidator.validateSync(instance, {
      whitelist: schema.extra === 'forbid',
      forbidNonWhitelisted: schema.extra === 'forbid',
      forbidUnknownValues: false,
      validationError: { target: false, value: true },
    });
    for (const error of errors) issues.push(...fromValidationError(error, schema, path));
  } else {
    issues.push(...levelIssues(instance as Record<string, unknown>, schema, path));
  }

  const record = instance as Record<string, unknown>;
  for (const field of schema.fields.values()) {
    const value = record[field.name];
    if (value === undefined || (value === null && field.nullable)) continue;
    issues.push(...checkValue(value, field.type, joinPath(path, field.name)));
  }
  return issues;
}

/**
 * Undeclared keys of a plain config, at every config level that forbids them (nested configs,
 * arrays and records of configs included), with their full paths. Every own key counts, also one
 * named like an `Object` member (`toString`, `valueOf`, `hasOwnProperty`).
 */
export function unknownKeys(plain: unknown, schema: ConfigSchema, path: string): ConfigIssue[] {
  if (!isPlainObject(plain)) return [];
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(plain)) {
    const field = schema.fields.get(key);
    if (!field) {
      if (RESERVED_KEYS.has(key)) issues.push(reservedKeyIssue(joinPath(path, key), key, schema));
      else if (schema.extra === 'forbid') issues.push(unknownKeyIssue(joinPath(path, key), key, schema));
      continue;
    }
    issues.push(...unknownKeysOfType(value, field.type, joinPath(path, key)));
  }
  return issues;
}

function unknownKeysOfType(value: unknown, type: ValueType, path: string): ConfigIssue[] {
  switch (type.kind) {
    case 'config':
      return unknownKeys(value, compileSchema(type.target), path);
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => unknownKeysOfType(item, type.of, joinPath(path, i))) : [];
    case 'record':
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, item]) => unknownKeysOfType(item, type.of, joinPath(path, k))) : [];
    default:
      return [];
  }
}

/**
 * What class-validator reports for one level when no user constraint exists, in its order:
 * undeclared keys of the instance (with `extra: 'forbid'`), then required fields that are
 * undefined or null. A field is required if this class or a compiled ancestor declares it without
 * a default, as class-validator merges an ancestor's presence rule into its subclasses.
 */
function levelIssues(instance: Record<string, unknown>, schema: ConfigSchema, parent: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (schema.extra === 'forbid') {
    for (const key of Object.keys(instance)) {
      if (!schema.fields.has(key)) issues.push(unknownKeyIssue(joinPath(parent, key), key, schema));
    }
  }
  for (const field of schema.fields.values()) {
    const value = instance[field.name];
    if ((value === undefined || value === null) && requiredInLineage(schema, field.name)) {
      issues.push(requiredIssue(joinPath(parent, field.name), field.name, schema));
    }
  }
  return issues;
}

function requiredInLineage(schema: ConfigSchema, name: string): boolean {
  if (schema.fields.get(name)?.required) return true;
  for (let cls: unknown = Object.getPrototypeOf(schema.target); typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    if (compiledSchemaOf(cls as Function)?.fields.get(name)?.required) return true;
  }
  return false;
}

function fromValidationError(error: ValidationError, schema: ConfigSchema, parent: string): ConfigIssue[] {
  const path = joinPath(parent, error.property);
  const constraints = error.constraints ?? {};
  const issues: ConfigIssue[] = [];
  for (const [name, text] of Object.entries(constraints)) {
    if (name === 'whitelistValidation') {
      issues.push(unknownKeyIssue(path, error.property, schema));
    } else if (name === 'isDefined') {
      issues.push(requiredIssue(path, error.property, schema));
    } else {
      issues.push({ code: 'constraint', path, message: `'${path}' = ${showValue(error.value)} is not allowed: ${text}` });
    }
  }
  return issues;
}

const reservedIssues = new WeakSet<ConfigIssue>();

/**
 * Whether an issue of `unknownKeys` is a reserved key (`__proto__`, `constructor`, `prototype`) at
 * a config level: no config instance can be built with one, so it is refused before one is.
 */
export function isReservedKeyIssue(issue: ConfigIssue): boolean {
  return reservedIssues.has(issue);
}

function reservedKeyIssue(path: string, key: string, schema: ConfigSchema): ConfigIssue {
  const issue: ConfigIssue = {
    code: 'unknown-key',
    path,
    message:
      `'${path}' cannot be a key of ${schema.name}: ${[...RESERVED_KEYS].join(', ')} are reserved (they name parts of every ` +
      `object, so no config class holds them). Rename the key, or keep such keys inside a free-form field (@Field({ type: 'json' }))`,
  };
  reservedIssues.add(issue);
  return issue;
}

function unknownKeyIssue(path: string, key: string, schema: ConfigSchema): ConfigIssue {
  const declared = [...schema.fields.keys()];
  const hint = closest(key, declared);
  const message =
    `unknown key '${path}'; ${schema.name} declares ${declared.length ? declared.join(', ') : 'no fields'}` +
    `${hint ? `. Did you mean '${hint}'?` : '.'} ` +
    `Fix or remove the key, or accept extra keys with @Config({ extra: 'allow' }) on ${schema.name}`;
  return { code: 'unknown-key', path, message };
}

function requiredIssue(path: string, key: string, schema: ConfigSchema): ConfigIssue {
  const field = schema.fields.get(key);
  const type = field ? describeType(field.type) : 'value';
  return {
    code: 'required',
    path,
    message: `missing required field '${path}' (${type}) of ${schema.name}: it has no default, so give it, e.g. { ${JSON.stringify(path)}: ... }`,
  };
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
