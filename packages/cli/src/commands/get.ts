import { Args, Flags } from '@oclif/core';
import type { Element, ElementClass, Interface, Project, VersionItem } from '@machinable/core';
import { MachinableCommand } from '../base-command.js';
import { RunFailedError, UsageError } from '../errors.js';
import { parseGetArgs, typedVersion, type GetAction, type ModuleRequest } from '../get-args.js';
import { callMember, checkActions } from '../get-actions.js';
import { hiddenNote, hiddenTwin, unhideCommand } from '../hidden-run.js';
import { beforeLaunch, launchReport, type BeforeLaunch } from '../launch-report.js';
import { declaredType } from '../to-cli.js';
import { formatOutput } from '../output.js';
import { expandGrid } from '../grid.js';
import { isSweep, runSweep, sweepOptions } from '../sweep.js';
import { withinContexts, type OpenedContext } from '../within-contexts.js';

type Core = typeof import('@machinable/core');

/** Context names the command line itself opens; executions come from the project's registry (core's and its plugins'). */
const OWN_CONTEXTS = ['scope', 'storage'] as const;

/**
 * The contexts of machinable's own plugins, by the package that registers each: named (not
 * imported) so that a project that does not declare the plugin is told how to.
 */
const PLUGIN_CONTEXTS: Readonly<Record<string, string>> = { slurm: '@machinable/slurm' };

export default class Get extends MachinableCommand {
  static override summary = 'Get a run of a module (stored, or new), launch it and call its methods.';

  static override description = `Finds the stored run of <module> with the same config, or configures a new one, then does what the --flags after it say, in order.

Versions follow the module and apply left to right: ~name or ~name(key=value, ...) calls a @Version() method, key=value sets a config value (dotted keys reach into nested configs: optimizer.momentum=0.95), and {key: value, ...} is a whole config object. Values are passed as written and converted to the declared type (seed=3 is the integer 3 for an int field); a value starting with [ { ' or " is a literal: layers=[1,2], name="'[draft]'".

Several modules: every module but the last opens a context around the last one: scope (key=value tags every run made inside), storage (root=DIR keeps records under DIR), and the executions the project has: execution, multiprocess (processes=N: launches run in a pool of N child processes) and those of its plugins (with @machinable/slurm declared in machinable.config: slurm partition=, cpus=, memory=, time=, gres=, sbatch.<option>=, dry=true, wait=true, each launch a Slurm job). A project module whose class extends Execution works as a context too.

--launch computes the run unless it is stored as computed. --<method> calls a method of the interface and prints what it returns (strings as they are, objects as JSON); --<method>(args) passes arguments (quote it for the shell); --<property> prints a property (--uuid, --config); --path prints the run's directory.

The project is the current directory.`;

  static override usage = 'get <module> [~version …] [key=value …] [--launch] [--<method>[(args)] …] [--path]';

  static override examples = [
    { description: 'Compute a run once (running it again reloads it) and print its summary:', command: '<%= config.bin %> get montecarlo samples=1000 --launch --summary' },
    { description: 'A version, then config values (dotted keys reach into nested configs):', command: '<%= config.bin %> get train ~adam seed=1 optimizer.momentum=0.95 --launch' },
    { description: 'A version with arguments, and a method with arguments (quoted for the shell):', command: `<%= config.bin %> get train '~adam(lr=3e-4)' seed=1 '--loss(2)'` },
    { description: 'A sweep: comma lists and ranges expand to a grid (6 configs); --dry lists it, --launch computes what is not computed (docs/sweeps.md):', command: `<%= config.bin %> get train lr=0.1,0.01 'seed=range(3)' --launch --columns result.json:loss` },
    { description: 'Launch in a pool of two child processes:', command: '<%= config.bin %> get multiprocess processes=2 train ~adam seed=1 --launch' },
    { description: 'Submit a run as a Slurm job (its output goes to the run record\'s output.log):', command: '<%= config.bin %> get slurm partition=debug time=1:00:00 train ~adam seed=1 --launch' },
    { description: 'Where a run is stored, and its status:', command: '<%= config.bin %> get train seed=1 --path --status' },
  ];

  // The arguments are read from the raw argv, in order (see parseGetArgs); these entries are for --help.
  static override strict = false;

  static override args = {
    module: Args.string({ description: 'the module (a file of the project: train is train.ts, models.resnet is models/resnet.ts), after any context modules' }),
  };

  static override flags = {
    launch: Flags.boolean({ description: 'Compute the run, unless it is stored as computed.' }),
    path: Flags.boolean({ description: "Print the run's directory (the run must be stored)." }),
    quiet: Flags.boolean({ char: 'q', description: 'No progress lines while a sweep computes (they go to stderr).' }),
    dry: Flags.boolean({ description: 'Sweep: list the configs of the grid (lr=0.1,0.01 seed=range(3)), each with its id, identity and whether it is computed, failed or new; compute nothing.' }),
    'fail-fast': Flags.boolean({ description: 'Sweep: stop at the first run that fails (by default every config is computed).' }),
    columns: Flags.string({ description: "Sweep: columns for the table at the end, as find takes them, e.g. result.json:loss" }),
  };

  async run(): Promise<void> {
    this.parsed = true; // argv is parsed by parseGetArgs: oclif's parser would reorder the --flags
    const core = await import('@machinable/core');
    const sweep = sweepOptions(this.argv);
    const request = parseGetArgs(sweep.argv, core);
    if (request.quiet) process.env['MACHINABLE_PROGRESS'] = 'off';
    const grid = expandGrid(request.target);
    // Actions up to the last --launch run inside every context, so an execution context collects
    // the launch and computes it when it closes; the actions after it see the computed run.
    const cut = request.actions.findLastIndex((action) => action.kind === 'member' && action.name === 'launch') + 1;
    let iface: Element<object> | undefined;
    let before: BeforeLaunch | undefined;
    const project = await this.project();
    try {
      if (isSweep(grid, sweep)) return await runSweep({ log: (text) => this.log(text), versionOf, openContext }, core, project, request, grid, sweep);
      await this.nest(core, project, request.contexts, true, async () => {
        const version = await versionOf(core, project, request.target);
        iface = (await core.get(request.target.module, version)) as Element<object>;
        iface = await this.hidden(core, iface, version, request.actions);
        // Every action is checked before any runs: a misspelt --sumary after --launch computes nothing.
        checkActions(core, iface, request.actions);
        if (cut > 0) before = await beforeLaunch(core, iface);
        await this.perform(core, iface, request.actions.slice(0, cut));
      });
      if (before) {
        const report = await launchReport(core, iface!, before);
        if (report !== undefined) process.stderr.write(`${report}\n`);
      }
      const rest = request.actions.slice(cut);
      if (rest.length > 0) await this.nest(core, project, request.contexts, false, () => this.perform(core, iface!, rest));
      if (request.actions.length === 0) this.log(describe(core, iface!));
    } catch (error) {
      throw withCliHint(core, asRunFailure(core, iface, error));
    }
  }

  /**
   * A run not stored because its stored twin is hidden (the reference does not reuse hidden runs):
   * with --unhide that run is unhidden and got instead; otherwise stderr says it exists and how to
   * unhide it. Any other interface as it is.
   */
  private async hidden(core: Core, iface: Element<object>, version: VersionItem[], actions: readonly GetAction[]): Promise<Element<object>> {
    if (!(iface instanceof core.Interface) || iface.isMaterialized) return iface;
    const twin = await hiddenTwin(core, iface.module, version, iface as Interface<object>);
    if (!twin) return iface;
    if (!actions.some((action) => action.kind === 'member' && action.name === 'unhide')) {
      process.stderr.write(`${hiddenNote(iface.module, twin, unhideCommand(this.argv))}\n`);
      return iface;
    }
    await twin.run.async.unhide();
    return (await core.get(iface.module, version)) as Element<object>;
  }

  /** Opens the contexts in order, outermost first, each inside the ones before it, and runs `fn` inside. */
  private nest(core: Core, project: Project, contexts: readonly ModuleRequest[], executions: boolean, fn: () => Promise<void>): Promise<void> {
    return withinContexts(contexts, (context) => openContext(core, project, context, executions), fn);
  }

  private async perform(core: Core, iface: Element<object>, actions: readonly GetAction[]): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'path') {
        if (!(iface instanceof core.Interface) || !iface.isMaterialized) {
          throw new UsageError(`${iface.module} is not stored yet, so it has no directory; put --launch before --path`);
        }
        this.log(iface.localDirectory());
        continue;
      }
      const value = await callMember(core, iface, action);
      const text = formatOutput(value, iface);
      if (text !== undefined) this.log(text);
    }
  }
}

/** Builds one context; `undefined` for an execution when `executions` is false (after the launch). */
async function openContext(core: Core, project: Project, request: ModuleRequest, executions: boolean): Promise<OpenedContext | undefined> {
  const { module } = request;
  const version = await versionOf(core, project, request);
  switch (module) {
    case 'scope':
      return core.scope(objectLayers(core, request, version));
    case 'storage': {
      const { root, ...other } = objectLayers(core, request, version);
      const extra = Object.keys(other);
      if (typeof root !== 'string' || root === '' || extra.length > 0) {
        throw new UsageError(`storage takes one value, root=DIR${extra.length ? ` (not ${extra.join(', ')})` : ''}; e.g. machinable get storage root=./runs train --launch`);
      }
      return core.storage(root);
    }
  }
  const contexts = await project.contexts();
  const registered = contexts.get(module);
  if (registered) {
    const Execution = registered.cls as unknown as new (version: VersionItem[]) => OpenedContext;
    return executions ? new Execution(version) : undefined;
  }
  const cls = await loadModule(core, project, module);
  if (!(cls.prototype instanceof core.Execution)) {
    throw new UsageError(
      `'${module}' cannot be a context: only the last module is the one to get, and a module before it must be ` +
        `${[...OWN_CONTEXTS, ...contexts.keys()].join(', ')} or a module whose class extends Execution (a plugin's, such as slurm, once machinable.config declares it)`,
    );
  }
  return executions ? ((await core.get(module, version)) as unknown as InstanceType<Core['Execution']>) : undefined;
}

/**
 * The version of a module request with its `key=value` texts read as the reference reads them
 * (numbers, booleans, null), except for fields its config declares as strings.
 */
async function versionOf(core: Core, project: Project, request: ModuleRequest): Promise<VersionItem[]> {
  const { module } = request;
  if (module === 'scope') return typedVersion(request, () => undefined, core);
  if (module === 'storage') return typedVersion(request, () => 'string', core);
  const cls: { Config?: unknown } = (await project.contexts()).get(module)?.cls ?? (await loadModule(core, project, module));
  return typedVersion(request, (path) => declaredType(cls.Config, path)?.kind, core);
}

/**
 * A module of the project; a module it does not have that is a plugin's context (`slurm`) says
 * how to declare that plugin in machinable.config.
 */
async function loadModule(core: Core, project: Project, module: string): Promise<ElementClass> {
  try {
    return await project.load(module);
  } catch (error) {
    const plugin = PLUGIN_CONTEXTS[module];
    if (plugin === undefined || !(error instanceof core.ModuleNotFoundError)) throw error;
    throw new UsageError(
      `'${module}' is the context of the plugin ${plugin}, which this project does not declare: add it to machinable.config.ts ` +
        `(export default defineProject({ plugins: ['${plugin}'] })), installed with npm install ${plugin}`,
      { cause: error },
    );
  }
}

/** The config objects of a scope or storage context merged into one (they take no ~versions). */
function objectLayers(core: Core, request: ModuleRequest, version: VersionItem[]): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const item of version) {
    if (typeof item === 'string') {
      throw new UsageError(`${request.module} takes key=value, not a version ('${item}'); e.g. machinable get scope dataset=v2 train --launch`);
    }
    values = core.deepMerge(values, core.expandDotted(item));
  }
  return values;
}

/** What `get` prints without actions: the run and whether it is stored. */
function describe(core: Core, iface: Element<object>): string {
  if (!(iface instanceof core.Interface)) return JSON.stringify(iface.config, null, 2);
  const run = iface as Interface<object>;
  return run.isMaterialized ? `${run.module} ${run.uuid} ${run.status()}` : `${run.module}: not stored yet (add --launch to compute it)`;
}

/** A missing required field also says how to give it here: `seed=…`. */
function withCliHint(core: Core, error: unknown): unknown {
  if (!(error instanceof core.ConfigurationError)) return error;
  const missing = error.issues.filter((issue) => issue.code === 'required' && issue.path !== '').map((issue) => `${issue.path}=…`);
  return missing.length > 0 ? new UsageError(`${error.message} (on the command line: ${missing.join(' ')})`, { cause: error }) : error;
}

/**
 * The error of a run that was computed in this process and threw, as one line naming the run and
 * where its error is stored; any other error as it is. (A pool's child process reports its own
 * failure, naming the run.)
 */
function asRunFailure(core: Core, iface: Element<object> | undefined, error: unknown): unknown {
  if (!(iface instanceof core.Interface) || !iface.isMaterialized || !(error instanceof Error)) return error;
  const failure = iface.failure();
  if (!failure || failure.message !== error.message) return error;
  const what = error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return new RunFailedError(`${iface.module} ${iface.uuid} failed: ${what} (stored in ${iface.execution?.localDirectory('failure.json')})`, { cause: error });
}
