import type { Interface, Launch, RecordStore } from '@machinable/core';
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
 * The launches in an order where each comes after the launches of the interfaces it depends on
 * (see `parentsOf`), and otherwise in the order given; also each interface's parents, by record id.
 *
 * @example
 * const { order } = await dependencyOrder([childLaunch, parentLaunch]); // [parentLaunch, childLaunch]
 */
export async function dependencyOrder(launches: readonly Launch[]): Promise<{ order: Launch[]; parents: Map<string, Interface[]> }> {
  const parents = new Map<string, Interface[]>();
  for (const launch of launches) parents.set(launch.item.uuid, await parentsOf(launch.item));
  const byId = new Map(launches.map((launch) => [launch.item.uuid, launch]));
  const order: Launch[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (launch: Launch): void => {
    const id = launch.item.uuid;
    if (placed.has(id) || visiting.has(id)) return; // a cycle of uses: keep the given order
    visiting.add(id);
    for (const parent of parents.get(id) ?? []) {
      const queued = byId.get(parent.uuid);
      if (queued) place(queued);
    }
    visiting.delete(id);
    placed.add(id);
    order.push(launch);
  };
  for (const launch of launches) place(launch);
  return { order, parents };
}

/**
 * The Slurm jobs a run must wait for (`--dependency=afterok:…`): for each parent that is not
 * computed, its job submitted in this launch (`submitted`, by record id), else the job of its
 * latest run record while Slurm still has that job queued or running. Parents that are neither
 * (not computed, not queued) are returned as `unqueued`: the run is submitted without waiting
 * for them.
 */
export async function parentJobs(store: RecordStore, parents: readonly Interface[], submitted: ReadonlyMap<string, string>): Promise<{ jobs: string[]; unqueued: Interface[] }> {
  const jobs: string[] = [];
  const unqueued: Interface[] = [];
  const earlier = new Map<Interface, string>();
  for (const parent of parents) {
    const location = parent.record?.location;
    if (location !== undefined && (await store.files.isCached(location))) continue;
    const job = submitted.get(parent.uuid);
    if (job !== undefined) {
      jobs.push(job);
      continue;
    }
    const run = await store.runs.latest(parent.uuid);
    const id = run && (await jobIdAt(store.storage, run.storage_uri));
    if (run && id !== undefined && (await store.runs.markersAt(run.storage_uri)).finished_at === undefined) earlier.set(parent, id);
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
