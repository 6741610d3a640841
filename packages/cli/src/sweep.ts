/**
 * A sweep on the command line: `machinable get train lr=0.1,0.01 seed=range(3) --launch` gets
 * one run per config of the grid (see grid.ts), says how many are stored and how many are to
 * compute, computes those in this one process (or in the execution contexts given before the
 * module: multiprocess, slurm, …), goes on past a failure unless `--fail-fast`, and ends with a
 * table of the runs. `--dry` lists the grid and what each config's run is, computing nothing.
 */
import type { Element, Interface, Project, VersionItem } from '@machinable/core';
import { RunFailedError, UsageError } from './errors.js';
import type { Grid } from './grid.js';
import type { GetRequest, ModuleRequest } from './get-args.js';
import { formatTable } from './table.js';
import { withinContexts, type OpenedContext } from './within-contexts.js';

type Core = typeof import('@machinable/core');

/** The sweep's own options, taken out of the `get` tokens before they are parsed. */
export interface SweepOptions {
  /** `--dry`: list the grid and each config's state; compute and store nothing. */
  readonly dry: boolean;
  /** `--fail-fast`: stop at the first failed run. */
  readonly failFast: boolean;
  /** `--columns a,b`: result columns for the final table (as `find --columns` takes them). */
  readonly columns: readonly string[];
  /** The other tokens, for `parseGetArgs`. */
  readonly argv: readonly string[];
}

/** Takes `--dry`, `--fail-fast` and `--columns[=]a,b` out of the tokens of `machinable get`. */
export function sweepOptions(tokens: readonly string[]): SweepOptions {
  const argv: string[] = [];
  let dry = false;
  let failFast = false;
  const columns: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--dry') dry = true;
    else if (token === '--fail-fast') failFast = true;
    else if (token === '--columns' || token.startsWith('--columns=')) {
      const value = token === '--columns' ? tokens[++i] : token.slice('--columns='.length);
      if (value === undefined || value === '' || value.startsWith('-')) {
        throw new UsageError('--columns takes a comma-separated list, e.g. --columns result.json:loss,config.lr');
      }
      columns.push(...value.split(',').map((c) => c.trim()).filter(Boolean));
    } else argv.push(token);
  }
  return { dry, failFast, columns, argv };
}

/** Whether the command is a sweep: a grid with lists or ranges, or `--dry`. */
export function isSweep(grid: Grid, options: SweepOptions): boolean {
  const sweep = grid.axes.length > 0 || options.dry;
  if (!sweep && (options.failFast || options.columns.length > 0)) {
    throw new UsageError(`${options.failFast ? '--fail-fast' : '--columns'} is for a sweep (a comma list or range such as seed=1,2, or --dry); one run prints its results with --<method>, e.g. --loss`);
  }
  return sweep;
}

/** Where the run of a config stands before or after the sweep. */
export type ConfigState = 'computed' | 'failed' | 'new' | 'stored' | 'skipped';

/** What the sweep needs from `get`: its output, and how it reads versions and opens contexts. */
export interface SweepHost {
  log(text: string): void;
  versionOf(core: Core, project: Project, request: ModuleRequest): Promise<VersionItem[]>;
  openContext(core: Core, project: Project, request: ModuleRequest, executions: boolean): Promise<OpenedContext | undefined>;
}

interface Entry {
  readonly choice: readonly string[];
  readonly run: Interface<object>;
  before: ConfigState;
  after: ConfigState;
  error?: unknown;
}

const OWN_CONTEXTS = new Set(['scope', 'storage']);

/** Runs a sweep (see the file's comment); throws a `RunFailedError` after the table if a run failed. */
export async function runSweep(host: SweepHost, core: Core, project: Project, request: GetRequest, grid: Grid, options: SweepOptions): Promise<void> {
  const launch = request.actions.some((action) => action.kind === 'member' && action.name === 'launch');
  const other = request.actions.find((action) => action.kind !== 'member' || action.name !== 'launch');
  if (other) {
    const token = other.kind === 'path' ? '--path' : other.token;
    throw new UsageError(
      `a sweep (a comma list, a range or --dry) takes --launch, --dry, --fail-fast and --columns, not ${token}; ` +
        `ask one run at a time (machinable get ${request.target.module} key=value ${token}), or put result columns in the table: --columns result.json:loss`,
    );
  }
  // An execution context (multiprocess, slurm, a project's Execution) collects the launches and computes them when it closes.
  const pooled = request.contexts.some((context) => !OWN_CONTEXTS.has(context.module));
  if (options.failFast && pooled) {
    throw new UsageError(`--fail-fast stops a sweep computed in this process; ${request.contexts.map((c) => c.module).join(', ')} computes every run it is given (leave out --fail-fast, or the context)`);
  }
  const dry = options.dry || !launch;
  const entries: Entry[] = [];
  let dispatchError: unknown;
  try {
    await nest(host, core, project, request.contexts, !dry, async () => {
      for (const [i, sub] of grid.requests.entries()) {
        const run = (await core.get(sub.module, await host.versionOf(core, project, sub))) as Element<object>;
        if (!(run instanceof core.Interface)) throw new UsageError(`${sub.module} is not an Interface, so it has no runs to sweep; get it without lists or ranges`);
        const state = stateOf(run as Interface<object>);
        entries.push({ choice: grid.choices[i]!, run: run as Interface<object>, before: state, after: state });
      }
      if (dry) return;
      process.stderr.write(`${request.target.module}: ${plan(entries)}\n`);
      await compute(core, entries, request.target.module, options.failFast, pooled);
    });
  } catch (error) {
    // The execution rethrows the first failure after all its runs ran; the table says which.
    if (!pooled || entries.length === 0 || dry) throw error;
    dispatchError = error;
  }
  if (dry) {
    host.log(dryTable(grid, entries));
    const todo = entries.some((entry) => entry.before !== 'computed');
    if (!options.dry) process.stderr.write(`${request.target.module}: ${plan(entries)}${todo ? '; add --launch to compute them' : ''}\n`);
    return;
  }
  for (const entry of entries) if (entry.after !== 'skipped') entry.after = stateOf(entry.run);
  // Inside the scope and storage contexts again (not the executions): the columns come from the index the runs are in.
  let table = '';
  await nest(host, core, project, request.contexts, false, async () => {
    table = await resultTable(core, request.target.module, grid, entries, options.columns);
  });
  host.log(table);
  const failed = entries.filter((entry) => entry.after === 'failed');
  if (failed.length > 0 || dispatchError !== undefined) {
    const skipped = entries.filter((entry) => entry.after === 'skipped').length;
    const first = failed[0]?.run.failure()?.message;
    throw new RunFailedError(
      `${failed.length} of ${entries.length} runs failed${first ? ` (the first: ${first})` : ''}${skipped ? `; ${skipped} not run (--fail-fast)` : ''}; ` +
        `see machinable get ${request.target.module} <config> --failure, and run the same command again to compute only what failed or is missing`,
      { cause: failed[0]?.error ?? dispatchError },
    );
  }
}

/** Opens the contexts in order, outermost first, and runs `fn` inside. */
function nest(host: SweepHost, core: Core, project: Project, contexts: readonly ModuleRequest[], executions: boolean, fn: () => Promise<void>): Promise<void> {
  return withinContexts(contexts, (context) => host.openContext(core, project, context, executions), fn);
}

/** Launches the runs that are not computed: one by one here, or queued to the execution context. */
async function compute(core: Core, entries: Entry[], module: string, failFast: boolean, pooled: boolean): Promise<void> {
  const todo = entries.filter((entry) => entry.before !== 'computed');
  if (pooled) {
    for (const entry of todo) await entry.run.launch();
    return;
  }
  const progress = todo.length > 1 ? new core.SweepProgress(module, todo.length) : undefined;
  try {
    for (const [i, entry] of todo.entries()) {
      const key = String(i);
      progress?.report(key, 'running');
      try {
        await entry.run.launch();
        progress?.report(key, 'finished');
      } catch (error) {
        progress?.report(key, 'failed');
        entry.error = error;
        entry.after = 'failed';
        if (failFast) {
          for (const rest of todo.slice(i + 1)) rest.after = 'skipped';
          return;
        }
      }
    }
  } finally {
    progress?.close();
  }
}

/** Where a run stands: computed (finished), failed, stored otherwise (pending, live, died, cancelled), or new. */
function stateOf(run: Interface<object>): ConfigState {
  if (!run.isMaterialized) return 'new';
  const status = run.status();
  return status === 'finished' ? 'computed' : status === 'failed' ? 'failed' : 'stored';
}

/** The line before a launch: `6 configs: 4 computed, 2 to compute (1 failed before, 1 new)`. */
export function plan(entries: readonly { before: ConfigState }[]): string {
  const count = (state: ConfigState) => entries.filter((entry) => entry.before === state).length;
  const computed = count('computed');
  const todo = entries.length - computed;
  const head = `${entries.length} config${entries.length === 1 ? '' : 's'}`;
  if (todo === 0) return `${head}, all computed before; nothing to compute`;
  const why = [
    count('failed') && `${count('failed')} failed before`,
    count('stored') && `${count('stored')} stored but not computed`,
    count('new') && `${count('new')} new`,
  ].filter(Boolean);
  return `${head}: ${computed} computed before, ${todo} to compute (${why.join(', ')})`;
}

/** `--dry`: one line per config with its varying values, record id (if stored), identity key and state. */
function dryTable(grid: Grid, entries: readonly Entry[]): string {
  const columns = [...grid.axes.map((axis) => axis.key), 'id', 'identity', 'state'];
  const rows = entries.map((entry) => [...entry.choice, entry.run.isMaterialized ? entry.run.uuid : '-', entry.run.identityKey, entry.before]);
  return formatTable(columns, rows);
}

/** The table after a launch: varying values, record id, status, and the `--columns` asked for. */
async function resultTable(core: Core, module: string, grid: Grid, entries: readonly Entry[], columns: readonly string[]): Promise<string> {
  const values = new Map<string, Record<string, unknown>>();
  if (columns.length > 0) {
    const rows = await core.find({ module, include_hidden: true }).rows(['id', ...columns]);
    for (const row of rows) values.set(String(row['id']), row);
  }
  const header = [...grid.axes.map((axis) => axis.key), 'id', 'status', ...columns];
  const rows = entries.map((entry) => {
    const id = entry.run.isMaterialized ? entry.run.uuid : '-';
    const row = values.get(id) ?? {};
    return [...entry.choice, id, entry.after === 'skipped' ? 'not run (--fail-fast)' : entry.after, ...columns.map((column) => text(row[column]))];
  });
  return formatTable(header, rows);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
