import { existsSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import type { FindQuery, FindRequest } from '@machinable/core';
import { MachinableCommand } from '../base-command.js';
import { requireProjectFolder } from '../project-folder.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import { unwrapDescending, wrapDescending } from '../descending-values.js';

/** Columns of the table when none are asked for. */
const DEFAULT_COLUMNS = ['id', 'module', 'version', 'status', 'created'];

export default class Find extends MachinableCommand {
  static override summary = 'Find runs by config, result, label or status, as a table, CSV or JSON.';

  static override description = `Searches the project's index with the find algebra of Python machinable: conditions on config paths (--where 'lr>0.01', --where optimizer.name=adam), on the predicate (--where predicate.dataset=v2) or on a column (--where label=baseline), sorted by columns, config paths or values read from a run's files (--sort=result.json:loss, lowest first; --sort=-result.json:loss, highest first), paged (--limit, --offset). Prints a table with the columns asked for (--columns config.lr,status,result.json:loss), or CSV (--csv), or JSON (--json: the API's { "items": [...], "total": N } without --columns, the rows with them).

A condition is <path><op><value> with op one of = == != < <= > >= ~ (contains, as text) ~~ (like: a pattern, % and _ wildcards) or ' in ' ('lr in [0.1, 0.01]'); any other run of < > = ! ~ is an error (quote a value starting with one: note='=x'). The value may hold = or spaces (quote it for the shell); docs/find.md has the grammar. Values read as key=value values do: 150 is a number, true a boolean, anything else text; [..], {..} and quoted values are literals.

--request takes a whole FindRequest as JSON (keys as Python machinable spells them) and, with --json, prints exactly what the API returns for it.

The project is the current directory (a folder with a package.json, a machinable.config.ts, a module or stored runs; anywhere else it says so and creates nothing).`;

  static override examples = [
    { description: 'Every train run with lr > 0.01 on dataset v2, best loss first:', command: `<%= config.bin %> find train --where 'lr>0.01' --where predicate.dataset=v2 --sort=result.json:loss --columns config.lr,status,result.json:loss` },
    { description: 'The same, worst loss first (a leading - sorts descending):', command: `<%= config.bin %> find train --where 'lr>0.01' --sort=-result.json:loss --columns config.lr,status,result.json:loss` },
    { description: 'Adam runs as CSV:', command: '<%= config.bin %> find train --where optimizer.name=adam --csv' },
    { description: 'A FindRequest as the API takes it:', command: `<%= config.bin %> find --request '{"module": "train", "config": {"filters": [{"path": "lr", "op": "gt", "value": 0.01}]}, "limit": 20}' --json` },
  ];

  static override args = {
    module: Args.string({ description: 'only runs of this module' }),
  };

  static override flags = {
    where: Flags.string({ char: 'w', multiple: true, description: "a condition, e.g. 'lr>0.01' or optimizer.name=adam (repeat for more: all must hold)" }),
    sort: Flags.string({ multiple: true, description: 'a sort term: a column, a config path or <file>:<path>; a leading - sorts descending (write --sort=-lr)' }),
    limit: Flags.integer({ description: 'at most this many runs (default: 100; with --csv or --json and --columns: all)' }),
    offset: Flags.integer({ description: 'skip this many runs first' }),
    columns: Flags.string({ char: 'c', description: `comma-separated columns (default ${DEFAULT_COLUMNS.join(',')}): id, module, version, status, cached, label, created, created_by, kind, config.<path>, predicate.<path>, <file>:<path>` }),
    label: Flags.string({ description: 'only runs with this label' }),
    kind: Flags.string({ description: 'only records of this kind (Interface, Execution, ...)' }),
    hidden: Flags.boolean({ description: 'include hidden runs' }),
    request: Flags.string({ description: 'a whole FindRequest as JSON (the other filters must not be given)' }),
    json: Flags.boolean({ description: 'print JSON' }),
    csv: Flags.boolean({ description: 'print CSV', exclusive: ['json'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Find, wrapDescending(this.argv, ['sort']));
    if (flags.sort) flags.sort = flags.sort.map(unwrapDescending);
    const core = await import('@machinable/core');
    const project = await this.project();
    requireProjectFolder(core, project, 'find');
    {
      let query: FindQuery;
      if (flags.request !== undefined) {
        const given = [args.module && 'module', flags.where && '--where', flags.sort && '--sort', flags.label && '--label', flags.kind && '--kind', flags.hidden && '--hidden'].filter(Boolean);
        if (given.length > 0) throw new UsageError(`--request is the whole request; leave out ${given.join(', ')} (put them into the JSON)`);
        let request: unknown;
        try {
          request = core.parseJson(flags.request);
        } catch (error) {
          throw new UsageError(`--request is not valid JSON: ${(error as Error).message}`);
        }
        core.checkFindRequest(request);
        query = project.find(request as FindRequest);
      } else {
        query = project.find({
          ...(args.module ? { module: args.module } : {}),
          ...(flags.label !== undefined ? { label: flags.label } : {}),
          ...(flags.kind !== undefined ? { kind: flags.kind } : {}),
          ...(flags.hidden ? { include_hidden: true } : {}),
        });
        for (const condition of flags.where ?? []) query = query.where(condition);
        if (flags.sort) query = query.sort(...flags.sort);
      }
      if (flags.limit !== undefined) query = query.limit(flags.limit);
      if (flags.offset !== undefined) query = query.offset(flags.offset);

      // Nothing stored yet: no index to open (and none to create by looking).
      if (!existsSync(project.storageRoot) && !existsSync(project.indexPath)) {
        if (args.module) await project.load(args.module);
        await query.check(); // a condition on a key the module does not declare is refused here too
        if (flags.json) this.log(core.pyJson({ items: [], total: 0 }));
        else if (!flags.csv) this.log(`no stored runs in ${project.storageRoot}`);
        return;
      }

      const columns = flags.columns?.split(',').map((c) => c.trim()).filter(Boolean);
      if (flags.json && !columns) {
        this.log(core.pyJson(await query, { ensureAscii: false }));
        return;
      }
      const wanted = columns ?? DEFAULT_COLUMNS;
      // A table shows a page (100 unless asked otherwise); CSV and JSON rows hold every match.
      if (!flags.json && !flags.csv && flags.limit === undefined) query = query.limit(100);
      const rows = await query.rows(wanted);
      if (flags.json) this.log(core.pyJson(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? null]))), { ensureAscii: false }));
      else if (flags.csv) process.stdout.write(core.rowsToCsv(rows, wanted));
      else if (rows.length === 0) this.log(args.module ? `no stored runs of ${args.module} match` : 'no stored runs match');
      else {
        const { total } = await query;
        this.log(formatTable(wanted, rows.map((row) => wanted.map((column) => text(row[column])))));
        if (total > rows.length) this.log(`(${rows.length} of ${total}; --limit and --offset page through them)`);
      }
    }
  }
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}
