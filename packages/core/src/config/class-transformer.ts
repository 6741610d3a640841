import { requireDependency } from '../kernel/require-dependency.js';

type ClassTransformer = typeof import('class-transformer');
let loaded: ClassTransformer | undefined;

/** class-transformer (coercion into config instances), loaded when a config is first compiled. */
export function classTransformer(): ClassTransformer {
  loaded ??= requireDependency('class-transformer') as ClassTransformer;
  return loaded;
}
