import type { ElementClass } from '../interface/element.js';

/**
 * Modules machinable ships (executions), loadable by name like a project's own, so a stored
 * execution record reloads in any process: `machinable.execution`, `machinable.multiprocess`.
 */
const builtins = new Map<string, ElementClass>();

export function registerBuiltin(cls: ElementClass & { module: string }): void {
  builtins.set(cls.module, cls);
}

export function builtinModule(name: string): ElementClass | undefined {
  return builtins.get(name);
}
