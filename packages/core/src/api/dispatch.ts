import type { DispatchOptions } from '../execution/dispatch.js';
import type { Interface } from '../interface/interface.js';
import { Project } from '../project/project.js';

/**
 * Computes a stored record of the current project in this process: loads it (by record id, or by
 * directory), imports its module and runs it, unless it is computed already. The one entry point
 * behind `machinable dispatch`, `Multiprocess` and cluster backends; with `run`, it continues the
 * run record the dispatcher made.
 *
 * @example
 * await project('/research').within(() => dispatch('q3ZxM0bT9aKe'));
 */
export function dispatch(target: string, options: DispatchOptions = {}): Promise<Interface> {
  return Project.current().dispatch(target, options);
}
