import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import type { IndexEntry, Interface, VersionItem } from '@machinable/core';
import { MachinableCommand } from '../base-command.js';
import { formatTable } from '../table.js';

/** One row of `machinable ls --json`. */
export interface LsRow {
  readonly uuid: string;
  readonly module: string;
  /** The version as given. */
  readonly version: VersionItem[];
  /** `pending`, `running`, `finished`, `failed`, `died`, or `unknown` when the module cannot be loaded. */
  readonly status: string;
  /** ISO-8601 creation time. */
  readonly created: string;
  /** The command that gets this run again (when its module loads). */
  readonly command?: string;
}

export default class Ls extends MachinableCommand {
  static override summary = 'List stored runs, oldest first.';

  static override description = `Lists the runs stored in the project (all of them, or those of one module), oldest first: uuid, module, version (the tokens to pass to machinable get <module>), status (pending, running, finished, failed, died) and creation time. Execution records are left out unless --all is given or their module is named.

The project is the current directory.`;

  static override examples = ['<%= config.bin %> ls', '<%= config.bin %> ls train', '<%= config.bin %> ls train --json'];

  static override enableJsonFlag = true;

  static override args = {
    module: Args.string({ description: 'only the runs of this module' }),
  };

  static override flags = {
    all: Flags.boolean({ description: 'Include execution records.' }),
  };

  async run(): Promise<LsRow[]> {
    const { args, flags } = await this.parse(Ls);
    const core = await import('@machinable/core');
    const { toCli, versionTokens } = await import('../to-cli.js');
    const project = core.Project.current();
    // Listing never writes: without a storage folder there is nothing to list (and no index to create).
    if (!existsSync(project.storageRoot)) {
      if (args.module) await project.load(args.module);
      this.log(`no stored runs in ${project.storageRoot}`);
      return [];
    }
    try {
      const [storage, index] = await Promise.all([project.storage(), project.index()]);
      let entries: IndexEntry[];
      if (args.module) {
        entries = index.findByModule(args.module);
        if (entries.length === 0) await project.load(args.module); // an unknown module is an error, with near matches
      } else {
        entries = [...storage.list()]
          .map((uuid) => index.findByUuid(uuid))
          .filter((entry): entry is IndexEntry => entry !== undefined && (flags.all || entry.kind !== 'Execution'));
      }
      entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.uuid.localeCompare(b.uuid));

      const rows: LsRow[] = [];
      const shown: string[][] = [];
      for (const entry of entries) {
        const version = JSON.parse(entry.version) as VersionItem[];
        let run: Interface | undefined;
        try {
          run = await core.get.byId(entry.uuid);
        } catch {
          // its module is gone or broken: list what the index knows
        }
        rows.push({
          uuid: entry.uuid,
          module: entry.module,
          version,
          status: run?.status() ?? 'unknown',
          created: entry.createdAt,
          ...(run ? { command: toCli(run) } : {}),
        });
        shown.push([
          entry.uuid,
          entry.module,
          run ? versionTokens(run).join(' ') : core.formatVersion(version),
          run?.status() ?? 'unknown',
          localTime(entry.createdAt),
        ]);
      }
      if (rows.length === 0) this.log(args.module ? `no stored runs of ${args.module}` : `no stored runs in ${project.storageRoot}`);
      else this.log(formatTable(['uuid', 'module', 'version', 'status', 'created'], shown));
      return rows;
    } finally {
      await project.close();
    }
  }
}

/** `2026-11-24 14:22:03` in local time. */
function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
