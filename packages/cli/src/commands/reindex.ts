import { MachinableCommand } from '../base-command.js';
import { visible } from '../visible.js';

/** What `machinable reindex --json` prints. */
export interface ReindexSummary {
  readonly storage: string;
  readonly indexed: number;
  readonly corrupt: { directory: string; file: string; reason: string }[];
  readonly orphans: string[];
  readonly duplicates: { kept: string; dropped: string }[];
  readonly collisions: string[];
  readonly removed: string[];
  readonly mismatched: string[];
}

export default class Reindex extends MachinableCommand {
  static override summary = "Rebuild the project's index from the record directories.";

  static override description = `The index (.machinable.sqlite) is a cache over the record directories. reindex rebuilds it from the directories alone (a copy of each record's id.json and model.json, as Python machinable does it) and reports what it found: the records indexed; corrupt records (left on disk, with the file that is wrong); directories with an id.json but no .machinable sentinel; duplicates (two records of one run: both indexed, the older is the one get() finds); id collisions (two directories claiming one record id); and index rows dropped because their directory is gone. Nothing on disk is changed. Run it when no other process is creating records.

The project is the current directory.`;

  static override examples = ['<%= config.bin %> reindex', '<%= config.bin %> reindex --json'];

  static override enableJsonFlag = true;

  async run(): Promise<ReindexSummary> {
    await this.parse(Reindex);
    const core = await import('@machinable/core');
    const project = await this.project();
    {
      const report = await core.reindex();
      const summary: ReindexSummary = {
        storage: project.storageRoot,
        indexed: report.indexed,
        corrupt: report.corrupt.map(({ location, error }) => ({ directory: location, file: error.file, reason: error.reason })),
        orphans: report.orphans,
        duplicates: report.duplicates.map(({ kept, dropped }) => ({ kept, dropped })),
        collisions: report.collisions.map((error) => error.message),
        removed: report.removed,
        mismatched: report.mismatched.map((problem) => problem.message),
      };
      this.log(`indexed ${count(summary.indexed, 'record')} in ${visible(summary.storage)}`);
      this.log(`${count(summary.corrupt.length, 'corrupt record')}${summary.corrupt.length ? ' (left on disk, not indexed):' : ''}`);
      for (const { file, reason } of summary.corrupt) this.log(`  ${visible(`${file}: ${reason}`)}`);
      if (summary.orphans.length > 0) {
        this.log(`${count(summary.orphans.length, 'directory')} with an id.json but no .machinable sentinel (not indexed; restore the sentinel to bring them back):`);
        for (const directory of summary.orphans) this.log(`  ${visible(directory)}`);
      }
      this.log(`${count(summary.duplicates.length, 'duplicate')}${summary.duplicates.length ? ' (both indexed):' : ''}`);
      for (const { kept, dropped } of summary.duplicates) this.log(`  ${visible(dropped)} (same run as ${visible(kept)}, which get() finds)`);
      for (const message of summary.collisions) this.log(`  collision: ${visible(message)}`);
      if (summary.mismatched.length > 0) {
        this.log(`${count(summary.mismatched.length, 'record')} whose id.json contradicts its model or directory (indexed as id.json says; see machinable verify):`);
        for (const message of summary.mismatched) this.log(`  ${visible(message)}`);
      }
      if (summary.removed.length > 0) this.log(`dropped ${count(summary.removed.length, 'row')} whose directory is gone`);
      return summary;
    }
  }
}

function count(n: number, noun: string): string {
  const plural = noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`;
  return `${n} ${n === 1 ? noun : plural}`;
}
