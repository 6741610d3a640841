/** The shapes of a compiled `@Config()` class (apart from `schema.ts`, which compiles them). */
import type { ConfigClass } from './metadata.js';
import type { PlainObject } from './plain.js';
import type { ValueType } from './value-type.js';

/** A declared field, with everything resolution needs to know about it. */
export interface FieldSchema {
  readonly name: string;
  readonly type: ValueType;
  /** No default: the field must be given. */
  readonly required: boolean;
  readonly identifying: boolean;
  readonly nullable: boolean;
  readonly description?: string;
}

/** A compiled `@Config()` class. */
export interface ConfigSchema {
  readonly target: ConfigClass;
  readonly name: string;
  readonly extra: 'forbid' | 'allow';
  readonly fields: ReadonlyMap<string, FieldSchema>;
  /** Declared defaults as plain data; required fields are absent. */
  readonly defaults: PlainObject;
  /** Dotted paths of non-identifying fields, nested configs included (`optimizer.verbose`). */
  readonly excluded: readonly string[];
}
