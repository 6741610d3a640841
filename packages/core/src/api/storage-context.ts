import { Project } from '../project/project.js';

/**
 * Runs a block with records stored under another root (with that storage's own index); the
 * project's modules stay the same. Outside the block nothing changes.
 *
 * @example
 * await storage('/mnt/shared/runs').within(async () => (await get('train', { seed: 1 })).launch());
 */
export function storage(root: string): { within<R>(fn: () => R | PromiseLike<R>): Promise<R> } {
  return {
    within: (fn) => Project.current().withStorage(root).within(fn),
  };
}
