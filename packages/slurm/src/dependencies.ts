import type { Interface } from '../interface/interface.js';
import { RECORD } from '../store/record-state.js';
import { isJobActive, jobStates } from './commands.js';
import { jobIdAt } from './job-file.js';

/**
 * The interfaces a run depends on: the one it was derived from (`ancestor`) and those it uses
 * (`use()`), as the reference's Slurm integration makes a job wait for the jobs of what it uses.
 */
export async function parentsOf(item: Interface<object>): Promise<Interface[]> {
  const parents: Interface[] = [];
  const ancestor = await item.ancestor;
  if (ancestor) parents.push(ancestor);
  for (const used of await item.uses()) if (!parents.some((p) => p.uuid === used.uuid)) parents.push(used);
  return parents;
}

/**
 * The items in an order where each comes after the items it depends on (see `parentsOf`), and
 * otherwise in the order given; also each item's parents.
 */
export async function dependencyOrder(items: readonly Interface<object>[]): Promise<{ order: Interface<object>[]; parents: Map<string, Interface[]> }> {
  const parents = new Map<string, Interface[]>();
  for (const item of items) parents.set(item.uuid, await parentsOf(item));
  const byId = new Map(items.map((item) => [item.uuid, item]));
  const order: Interface<object>[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (item: Interface<object>): void => {
    if (placed.has(item.uuid) || visiting.has(item.uuid)) return; // a cycle of uses: keep the given order
    visiting.add(item.uuid);
    for (const parent of parents.get(item.uuid) ?? []) {
      const queued = byId.get(parent.uuid);
      if (queued) place(queued);
    }
    visiting.delete(item.uuid);
    placed.add(item.uuid);
    order.push(item);
  };
  for (const item of items) place(item);
  return { order, parents };
}

/**
 * The Slurm jobs a run must wait for (`--dependency=afterok:…`): for each parent that is not
 * computed, its job submitted in this launch (`submitted`, by record id), else the job of its
 * latest run record while Slurm still has that job queued or running. Parents that are neither
 * (not computed, not queued) are returned as `unqueued`: the run is submitted without waiting
 * for them.
 */
export function parentJobs(parents: readonly Interface[], submitted: ReadonlyMap<string, string>): { jobs: string[]; unqueued: Interface[] } {
  const jobs: string[] = [];
  const unqueued: Interface[] = [];
  const earlier = new Map<Interface, string>();
  for (const parent of parents) {
    if (parent.cached()) continue;
    const job = submitted.get(parent.uuid);
    if (job !== undefined) {
      jobs.push(job);
      continue;
    }
    const run = parent.execution;
    const stored = run?.[RECORD].stored;
    const id = stored && jobIdAt(run[RECORD].records!.storage, stored.location);
    if (id !== undefined && run?.finishedAt() === undefined) earlier.set(parent, id);
    else unqueued.push(parent);
  }
  if (earlier.size > 0) {
    const states = jobStates([...earlier.values()]);
    for (const [parent, id] of earlier) {
      const state = states?.get(id);
      // Slurm cannot be asked: the job is trusted to be queued (afterok on a job that is over fails sbatch, naming it).
      if (states === undefined || (state !== undefined && isJobActive(state))) jobs.push(id);
      else unqueued.push(parent);
    }
  }
  return { jobs: [...new Set(jobs)], unqueued };
}
