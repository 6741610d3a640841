/**
 * The one line `machinable get … --launch` writes on stderr about the run: whether it was computed
 * now or reloaded from the store (stdout keeps only what the actions print).
 */
import type { Element, Interface } from '@machinable/core';

type Core = typeof import('@machinable/core');

/** What the run was before the launch: computed already (reloaded), or to compute. */
export interface BeforeLaunch {
  readonly cached: boolean;
  readonly started: number;
}

/** Notes, before the launch, whether the run is stored as computed (then the launch reloads it). */
export async function beforeLaunch(core: Core, iface: Element<object>, now: () => number = Date.now): Promise<BeforeLaunch> {
  const cached = iface instanceof core.Interface && iface.isMaterialized && (await iface.async.cached());
  return { cached, started: now() };
}

/**
 * `reloaded train <id> (stored <time>)`, `computed train <id> in 1.2 s`, or for a launch that did
 * not compute here (a Slurm job, a run another process computes) `launched train <id> (<status>)`;
 * undefined for an element that is not a run.
 */
export async function launchReport(core: Core, iface: Element<object>, before: BeforeLaunch, now: () => number = Date.now): Promise<string | undefined> {
  if (!(iface instanceof core.Interface) || !iface.isMaterialized) return undefined;
  const run = iface as Interface<object>;
  if (before.cached) return `reloaded ${run.module} ${run.uuid} (stored ${run.createdAt?.toISOString() ?? 'at an unknown time'})`;
  const status = await run.async.status();
  if (status === 'finished') return `computed ${run.module} ${run.uuid} in ${((now() - before.started) / 1000).toFixed(1)} s`;
  return `launched ${run.module} ${run.uuid} (${status})`;
}
