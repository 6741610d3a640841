import { setTimeout as sleep } from 'node:timers/promises';
import { Args, Flags } from '@oclif/core';
import { MachinableCommand } from '../base-command.js';
import { latestRun } from '../latest-run.js';

/** How often `--follow` looks for new output. */
const FOLLOW_MS = 250;

export default class Logs extends MachinableCommand {
  static override summary = "Print a run's output (what it wrote to stdout and stderr).";

  static override description = `Prints the output.log of a run record: for a run's record id, its latest run; for a run record's id, that one. The output of every computation is kept there, whichever execution ran it (in this process, a process pool, or a cluster job). With --follow, keeps printing what the run writes until it ends (finished, failed or died).

The project is the current directory.`;

  static override examples = ['<%= config.bin %> logs q3ZxM0bT9aKe', '<%= config.bin %> logs q3ZxM0bT9aKe --follow'];

  static override args = {
    id: Args.string({ description: 'record id of a run or of a run record (see machinable ls --all)', required: true }),
  };

  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new output until the run ends' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Logs);
    const core = await import('@machinable/core');
    {
      const { run } = await latestRun(core, await this.project(), args.id, 'there is no output yet');
      let shown = 0;
      const show = (): void => {
        const text = run.output() ?? '';
        if (text.length > shown) process.stdout.write(text.slice(shown));
        shown = Math.max(shown, text.length);
      };
      show();
      if (flags.follow) {
        if (run.status() === 'pending') process.stderr.write(`waiting for run ${run.uuid} to start\n`);
        while (run.status() === 'pending' || run.status() === 'live') {
          await sleep(FOLLOW_MS);
          show();
        }
        show();
      }
      // Nothing on stdout: say why on stderr, so an empty answer is not taken for a lost log.
      if (shown === 0) process.stderr.write(`run record ${run.uuid} (${run.status()}) has no output: the run printed nothing${run.status() === 'pending' ? ' yet' : ''} (${run.localDirectory('output.log')})\n`);
    }
  }
}
