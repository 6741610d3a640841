import { get } from '../interface/get.js';
import type { Interface } from '../interface/interface.js';
import { Execution, computeInterface } from './execution.js';

export interface DispatchOptions {
  /**
   * uuid of the execution that dispatched the run. Given by process pools and cluster backends,
   * which did the bookkeeping (dispatched_at, the execution edge); without it a new local
   * execution record is made.
   */
  readonly execution?: string;
}

/**
 * Runs a stored record in this process: load it by uuid, import its module, compute it (unless
 * it is computed already). The one entry point behind `machinable dispatch`, `Multiprocess` and
 * any cluster backend.
 *
 * @example
 * await project('/research').within(() => dispatch('0193…'));
 */
export async function dispatch(uuid: string, options: DispatchOptions = {}): Promise<Interface> {
  const item = await get.byId(uuid);
  if (item.cached()) return item;
  if (options.execution) await computeInterface(item);
  else await new Execution().dispatch([item]);
  return item;
}
