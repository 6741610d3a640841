import type {} from 'reflect-metadata'; // the Reflect.getMetadata types
import { requireDependency } from '../kernel/require-dependency.js';
import { metadata, type FieldOptions } from './metadata.js';

requireDependency('reflect-metadata');

/**
 * Declares a config field. The default is the property initializer; a field without one is
 * required.
 *
 * @example
 * @Field({ type: 'int' }) layers = 2;
 * @Field() seed!: number;            // required
 */
export function Field(options: FieldOptions = {}): PropertyDecorator {
  return (prototype, key) => {
    if (typeof key !== 'string') throw new TypeError('@Field() needs a string property name');
    const designType: unknown = Reflect.getMetadata('design:type', prototype, key);
    metadata.addField(prototype.constructor, { name: key, options, designType });
  };
}
