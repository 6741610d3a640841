import { MachinableCommand } from '../base-command.js';

/** What `machinable reindex --json` prints. */
export interface ReindexSummary {
  readonly storage: string;
  readonly indexed: number;
  readonly corrupt: { uuid: string; file: string; reason: string }[];
  readonly duplicates: { kept: string; dropped: string }[];
}

export default class Reindex extends MachinableCommand {
  static override summary = "Rebuild the project's index from the record directories.";

  static override description = `The index (.machinable.sqlite) is a cache over the record directories. reindex rebuilds it from the directories alone and reports what it found: the records indexed, corrupt records (skipped and left on disk, with the file that is wrong), and duplicates (two records of one run: the older is indexed, the other left on disk). Run it when no other process is creating records.

The project is the current directory.`;

  static override examples = ['<%= config.bin %> reindex', '<%= config.bin %> reindex --json'];

  static override enableJsonFlag = true;

  async run(): Promise<ReindexSummary> {
    await this.parse(Reindex);
    const core = await import('@machinable/core');
    const project = core.Project.current();
    try {
      const report = await core.reindex();
      const summary: ReindexSummary = {
        storage: project.storageRoot,
        indexed: report.indexed,
        corrupt: report.corrupt.map(({ uuid, error }) => ({ uuid, file: error.file, reason: error.reason })),
        duplicates: report.duplicates.map(({ kept, dropped }) => ({ kept, dropped })),
      };
      this.log(`indexed ${count(summary.indexed, 'record')} in ${summary.storage}`);
      this.log(`${count(summary.corrupt.length, 'corrupt record')}${summary.corrupt.length ? ' (skipped, left on disk):' : ''}`);
      for (const { file, reason } of summary.corrupt) this.log(`  ${file}: ${reason}`);
      this.log(`${count(summary.duplicates.length, 'duplicate')}${summary.duplicates.length ? ' (left on disk, not indexed):' : ''}`);
      for (const { kept, dropped } of summary.duplicates) this.log(`  ${dropped} (same run as ${kept}, which is kept)`);
      return summary;
    } finally {
      await project.close();
    }
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
