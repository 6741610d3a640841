import { ContextSlot } from '../context/context.js';
import { InterfaceStateError } from '../kernel/errors.js';
import type { SessionSource } from './session.js';

const slot = new ContextSlot<SessionSource>('project');
let fallback: (() => SessionSource) | undefined;

/**
 * The project an interface made with `new` (and `Interface.fromDirectory`) joins: the one made
 * current by the innermost `project.within(...)`, else the default the composition root installs
 * (the project of the working directory). Read only there: everything else is handed its session.
 */
export function ambientSource(): SessionSource {
  const current = slot.current() ?? fallback?.();
  if (!current) throw new InterfaceStateError('no project: open one with project(directory).within(...) (import @machinable/core, which installs the working directory\'s as the default)');
  return current;
}

/** Runs `fn` with `source` current (what `project.within(fn)` does). */
export function withinSource<R>(source: SessionSource, fn: () => R | PromiseLike<R>): Promise<R> {
  return slot.within(source, fn);
}

/** Sets the project used when none is current (the composition root sets the working directory's). */
export function setDefaultSource(make: () => SessionSource): void {
  fallback = make;
}
