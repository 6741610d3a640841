import { Args, Flags } from '@oclif/core';
import type { CancelResult } from '@machinable/core';
import { MachinableCommand } from '../base-command.js';
import { latestRun } from '../latest-run.js';
import { stopWithin } from '../process-stop.js';

export default class Cancel extends MachinableCommand {
  static override summary = 'Cancel a run that has not finished: its Slurm job, or the process computing it.';

  static override description = `Cancels the latest run of <id> (a run's record id), or the run record <id> itself. A run handed to Slurm has its job cancelled (scancel), queued or running; a run computing in a process on this host (machinable get ... --launch, a multiprocess pool) has that process sent SIGTERM, and SIGKILL if it has not ended after --grace seconds (a run busy in synchronous code cannot take SIGTERM until it next awaits). The run record is then marked cancelled (the "cancelled" marker, the reason in failure.json, finished_at): it reads as cancelled in machinable ls, and launching the run again computes it in a new run record. A finished run has nothing to cancel (exit 1); cancelling a cancelled run again does nothing.

The project is the current directory.`;

  static override examples = ['<%= config.bin %> cancel q3ZxM0bT9aKe', { description: 'A run record (machinable ls --all lists them):', command: '<%= config.bin %> cancel r4Nd0mRunId1' }];

  static override args = {
    id: Args.string({ description: 'record id of a run, or of one of its run records', required: true }),
  };

  static override flags = {
    grace: Flags.integer({ description: 'seconds a process sent SIGTERM has to end before it is sent SIGKILL', default: 10, min: 0 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cancel);
    const core = await import('@machinable/core');
    const { run, direct, record } = await latestRun(core, await this.project(), args.id, 'there is nothing to cancel');
    const what = direct ? `run record ${run.uuid}` : `${record.module} ${record.uuid} (run record ${run.uuid})`;
    const result = run.cancel();
    this.log(describe(what, result));
    if (result.pid !== undefined && (await stopWithin(result.pid, flags.grace * 1000, core.processAlive)) === 'killed') {
      this.log(`process ${result.pid} had not ended ${flags.grace} s after SIGTERM (busy in synchronous code, which takes no signal until it awaits): sent SIGKILL`);
    }
  }
}

function describe(what: string, result: CancelResult): string {
  if (result.already) return `${what} was cancelled before; nothing to do`;
  const how = result.job !== undefined ? `: ${result.jobDescription ?? `job ${result.job}`} cancelled` : result.pid !== undefined ? `: process ${result.pid} sent SIGTERM` : '';
  return `cancelled ${what}, which was ${result.was}${how}`;
}
