import { metadata, type ConfigOptions } from './metadata.js';

/**
 * Declares a class as a config: its `@Field()`s are typed, coerced and validated, and keys it
 * does not declare are rejected (unless `{ extra: 'allow' }`).
 *
 * @example
 * @Config() class Optimizer { @Field() name = 'sgd'; @Field() momentum = 0.9; }
 */
export function Config(options: ConfigOptions = {}): ClassDecorator {
  return (target) => {
    metadata.addConfig(target, { extra: 'forbid', ...options });
  };
}
