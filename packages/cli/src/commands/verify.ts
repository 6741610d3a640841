import { MachinableCommand } from '../base-command.js';
import { CheckFailedError } from '../errors.js';
import { visible } from '../visible.js';

/** What `machinable verify --json` prints. */
export interface VerifySummary {
  readonly storage: string;
  readonly checked: number;
  readonly problems: { directory: string; problem: string; message: string }[];
}

export default class Verify extends MachinableCommand {
  static override summary = "Check every record of the project's storage against its own header.";

  static override description = `Reads every record directory and reports, changing nothing: directories with an id.json but no .machinable sentinel (not found by get or ls until it is restored), records that cannot be read, id.json keys that contradict model.json or the directory they are in, identity keys that model.json's config does not give (re-derived with the module's class, as Python machinable's verify does), and index rows that hold a record with other keys. Exits 1 when it finds a problem.

The project is the current directory.`;

  static override examples = ['<%= config.bin %> verify', '<%= config.bin %> verify --json'];

  static override enableJsonFlag = true;

  async run(): Promise<VerifySummary> {
    await this.parse(Verify);
    const core = await import('@machinable/core');
    const project = await this.project();
    {
      const report = await core.verify();
      const summary: VerifySummary = { storage: project.storageRoot, checked: report.checked, problems: report.problems.map(({ directory, problem, message }) => ({ directory, problem, message })) };
      this.log(`checked ${report.checked} record director${report.checked === 1 ? 'y' : 'ies'} in ${project.storageRoot}`);
      for (const { problem, message } of summary.problems) this.log(`  ${visible(`${problem}: ${message}`)}`);
      if (summary.problems.length > 0) {
        if (this.jsonEnabled()) process.exitCode = 1;
        else throw new CheckFailedError(`${summary.problems.length} problem${summary.problems.length === 1 ? '' : 's'} found (listed above); nothing was changed`);
      }
      this.log('no problems');
      return summary;
    }
  }
}
