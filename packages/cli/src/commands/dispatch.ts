import { Args, Flags } from '@oclif/core';
import { MachinableCommand } from '../base-command.js';
import { RunFailedError, UsageError } from '../errors.js';

export default class Dispatch extends MachinableCommand {
  static override summary = 'Compute a stored run in this process.';

  static override description = `Loads the run stored under <id> (a record id, or the record's directory), imports its module and computes it, unless it is computed already. This is how process pools and cluster jobs run work: launch (or materialize) runs anywhere, then run "machinable dispatch <id>" where they should compute. With --run, the computation continues the run record the dispatcher made (given by id or directory). Exits with code 1 when the run fails; its error is stored in the run record (failure.json).

The project is the current directory.`;

  static override examples = [
    '<%= config.bin %> dispatch q3ZxM0bT9aKe',
    { description: 'From a cluster job, continuing the run record its submitter made:', command: '<%= config.bin %> dispatch <record directory> --run <run record directory>' },
  ];

  static override args = {
    id: Args.string({ description: 'record id of the stored run (see machinable ls), or its directory', required: true }),
  };

  static override flags = {
    run: Flags.string({ description: 'the run record (id or directory) to compute into, made by the dispatcher' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Dispatch);
    const core = await import('@machinable/core');
    const project = await this.project();
    try {
      await project.within(() => project.dispatch(args.id, { run: flags.run, captureOutput: !core.takeOutputRedirected() }));
    } catch (error) {
      if (error instanceof core.RecordNotFoundError) throw new UsageError(`${error.message}; machinable ls lists the stored runs`);
      const run = await project.byId(args.id).catch(() => undefined);
      const failure = run?.failure();
      if (run && failure && error instanceof Error && failure.message === error.message) {
        const what = error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
        throw new RunFailedError(`${run.module} ${run.uuid} failed: ${what} (stored in ${run.execution?.localDirectory('failure.json')})`, { cause: error });
      }
      throw error;
    }
  }
}
