import type { Interface, Project, RunRecord } from '@machinable/core';
import { UsageError } from './errors.js';

type Core = typeof import('@machinable/core');

/** A run record found by id: the run record itself, or the latest run of an interface. */
export interface FoundRun {
  /** The run record. */
  readonly run: RunRecord;
  /** True when the id was the run record's own (not its interface's). */
  readonly direct: boolean;
  /** The record the id named. */
  readonly record: Interface;
}

/**
 * The run record an id names, for commands that act on a run (`logs`, `cancel`): a run record's
 * id names itself, an interface's id its latest run. An unknown id, or an interface never
 * launched, is a `UsageError` saying so (`unlaunched` completes "has not been launched: …").
 *
 * @example
 * const { run } = await latestRun(core, 'q3ZxM0bT9aKe', 'there is no output yet');
 */
export async function latestRun(core: Core, project: Project, id: string, unlaunched: string): Promise<FoundRun> {
  const record: Interface = await project.byId(id);
  const direct = record instanceof core.Execution;
  const run: RunRecord | undefined = direct ? (record as unknown as RunRecord) : record.execution;
  if (!run) throw new UsageError(`${record.module} ${record.uuid} has not been launched: ${unlaunched}`);
  return { run, direct, record };
}
