import type { ConfigClass } from './metadata.js';

/** The resolved type of a config value: what it is coerced to, validated as and hashed as. */
export type ValueType =
  | { readonly kind: 'float' | 'int' | 'string' | 'boolean' | 'json' }
  | { readonly kind: 'config'; readonly target: ConfigClass }
  | { readonly kind: 'array' | 'record'; readonly of: ValueType };

/** Human name of a type, for error messages: `integer`, `Optimizer`, `array of Layer`. */
export function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'float':
      return 'number';
    case 'int':
      return 'integer';
    case 'string':
    case 'boolean':
      return type.kind;
    case 'json':
      return 'free-form JSON value';
    case 'config':
      return `${type.target.name} config`;
    case 'array':
      return `array of ${describeType(type.of)}`;
    case 'record':
      return `record of ${describeType(type.of)}`;
  }
}
