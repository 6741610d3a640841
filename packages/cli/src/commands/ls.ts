import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import type { Interface, JsonValue } from '@machinable/core';
import { MachinableCommand } from '../base-command.js';
import { requireProjectFolder } from '../project-folder.js';
import { formatTable, MAX_CELL_WIDTH } from '../table.js';
import { visible } from '../visible.js';

/** One row of `machinable ls --json`. */
export interface LsRow {
  /** The record id. */
  readonly uuid: string;
  readonly kind: string;
  readonly module: string | null;
  /** The version as given. */
  readonly version: JsonValue[];
  /** `pending`, `live`, `died`, `finished`, `failed` or `cancelled`. */
  readonly status: string;
  readonly label: string | null;
  /** ISO-8601 creation time. */
  readonly created: string;
  /** The command that gets this run again (when its module loads). */
  readonly command?: string;
  /** For a failed or cancelled run: its stored error and the path of its output. */
  readonly failure?: { readonly name: string; readonly message: string; readonly output?: string };
}

export default class Ls extends MachinableCommand {
  static override summary = 'List stored runs, oldest first.';

  static override description = `Lists the runs stored in the project (all of them, or those of one module), oldest first: record id, module, version (the tokens to pass to machinable get <module>), status (pending, live, died, finished, failed, cancelled) and creation time; for each failed or cancelled run, its error and the path of its output.log follow on stderr. Run records (executions) are left out unless --all is given, hidden runs unless --hidden is. Records written by Python machinable are listed too. Long cells are cut at ${MAX_CELL_WIDTH} characters (--json has them whole); machinable find searches and picks columns.

The project is the current directory (a folder with a package.json, a machinable.config.ts, a module or stored runs; anywhere else it says so and creates nothing).`;

  static override examples = ['<%= config.bin %> ls', '<%= config.bin %> ls train', '<%= config.bin %> ls train --json'];

  static override enableJsonFlag = true;

  static override args = {
    module: Args.string({ description: 'only the runs of this module' }),
  };

  static override flags = {
    all: Flags.boolean({ description: 'Include run records (executions), code-state manifests and the project root.' }),
    hidden: Flags.boolean({ description: 'Include hidden runs.' }),
  };

  async run(): Promise<LsRow[]> {
    const { args, flags } = await this.parse(Ls);
    const core = await import('@machinable/core');
    const { toCli, versionTokens } = await import('../to-cli.js');
    const project = await this.project();
    requireProjectFolder(core, project, 'ls');
    // Listing never writes: without a storage folder or an index there is nothing to list.
    if (!existsSync(project.storageRoot) && !existsSync(project.indexPath)) {
      if (args.module) await project.load(args.module);
      this.log(`no stored runs in ${project.storageRoot}`);
      return [];
    }
    {
      const { store, instances } = await project.session();
      const rows = (await store.index.all({ module: args.module ?? null, include_hidden: flags.hidden, sort: [{ by: 'created_at_ns', direction: 'asc' }] })).filter((row) => flags.all || !['Execution', 'Project', 'Manifest'].includes(row.kind));
      if (args.module && rows.length === 0) await project.load(args.module); // an unknown module is an error, with near matches

      const out: LsRow[] = [];
      const failures: string[] = [];
      const shown: string[][] = [];
      for (const row of rows) {
        let stored;
        try {
          stored = row.kind === 'Project' ? undefined : await store.readRow(row);
        } catch (error) {
          // Unreadable now: reported below with the other problems of the storage.
          if (error instanceof core.CorruptRecordError) continue;
          throw error;
        }
        let run: Interface | undefined;
        try {
          run = stored && ((await instances.hydrate(stored)) as Interface);
        } catch {
          // its module no longer accepts the stored config: list what the record says
        }
        const version = core.toPlainNumbers(row.config.version);
        const status = stored ? await store.runs.statusOf(row.record_id, row.storage_uri, row.kind) : '-';
        const created = new Date(Number(row.created_at_ns / 1_000_000n)).toISOString();
        const command = run && run.module === row.module && (await project.load(run.module).then(() => true, () => false)) ? toCli(run) : undefined;
        const failure = status === 'failed' || status === 'cancelled' ? failureOf(core, run) : undefined;
        if (failure) failures.push(`${status}: ${row.module ?? row.kind} ${row.record_id}: ${failure.name}: ${failure.message}${failure.output ? ` (output: ${failure.output})` : ''}`);
        out.push({ uuid: row.record_id, kind: row.kind, module: row.module, version, status, label: row.label, created, ...(command ? { command } : {}), ...(failure ? { failure } : {}) });
        shown.push([
          row.record_id,
          row.module ?? row.kind,
          command && run ? versionTokens(run).join(' ') : core.formatVersion(version as never),
          status,
          localTime(created),
        ]);
      }
      if (out.length === 0) this.log(args.module ? `no stored runs of ${args.module}` : `no stored runs in ${project.storageRoot}`);
      else this.log(formatTable(['id', 'module', 'version', 'status', 'created'], shown));
      // Why runs failed, and where their output is, without opening each one.
      for (const line of failures) process.stderr.write(`${visible(line)}\n`);
      // Nothing stays out of view silently: directories the listing cannot show are named.
      const problems: { problem: string; message: string }[] = [];
      for await (const entry of store.storage.walk()) problems.push(...(await core.directoryProblems(store.storage, entry)).problems);
      for (const { problem, message } of problems) process.stderr.write(`warning: ${visible(`${problem}: ${message}`)}\n`);
      if (problems.length > 0) process.stderr.write(`warning: ${problems.length} record director${problems.length === 1 ? 'y is' : 'ies are'} not listed as they are; machinable verify checks every record\n`);
      return out;
    }
  }
}

/** The stored error of a failed (or cancelled) run, or run record, and where its output is. */
function failureOf(core: typeof import('@machinable/core'), record: Interface | undefined): LsRow['failure'] {
  const run = record instanceof core.Execution ? record : record?.execution;
  const failure = run?.failure();
  if (!run || !failure) return undefined;
  const output = run.localDirectory(core.OUTPUT_FILE);
  return { name: failure.name, message: failure.message.split('\n')[0] ?? '', ...(existsSync(output) ? { output } : {}) };
}

/** `2026-11-24 14:22:03` in local time. */
function localTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
