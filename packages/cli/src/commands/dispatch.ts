import { Args, Flags } from '@oclif/core';
import { MachinableCommand } from '../base-command.js';
import { RunFailedError, UsageError } from '../errors.js';

export default class Dispatch extends MachinableCommand {
  static override summary = 'Compute a stored run in this process.';

  static override description = `Loads the run stored under <uuid>, imports its module and computes it, unless it is computed already. This is how process pools and cluster jobs run work: launch (or materialize) runs anywhere, then run "machinable dispatch <uuid>" where they should compute. Exits with code 1 when the run fails; its error is stored with the run (failure.json).

The project is the current directory.`;

  static override examples = [
    '<%= config.bin %> dispatch 0193b2c4-5d6e-7f80-9a1b-2c3d4e5f6a7b',
    { description: 'From a cluster job that did the bookkeeping for an execution:', command: '<%= config.bin %> dispatch <uuid> --execution <execution-uuid>' },
  ];

  static override args = {
    uuid: Args.string({ description: 'uuid of the stored run (see machinable ls)', required: true }),
  };

  static override flags = {
    execution: Flags.string({ description: 'uuid of the execution that dispatched the run (it has recorded the dispatch); without it a local execution record is made' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Dispatch);
    const core = await import('@machinable/core');
    try {
      await core.dispatch(args.uuid, { execution: flags.execution });
    } catch (error) {
      if (error instanceof core.RecordNotFoundError) throw new UsageError(`${error.message}; machinable ls lists the stored runs`);
      const run = await core.get.byId(args.uuid).catch(() => undefined);
      const failure = run?.failure();
      if (run && failure && error instanceof Error && failure.message === error.message) {
        const what = error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
        throw new RunFailedError(`${run.module} ${run.uuid} failed: ${what} (stored in ${run.localDirectory('failure.json')})`, { cause: error });
      }
      throw error;
    } finally {
      await core.Project.current().close();
    }
  }
}
