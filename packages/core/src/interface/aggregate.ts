import type { VersionSpec } from '../config/version.js';
import { InterfaceCollection } from './collection.js';
import type { Target } from './session.js';
import { Interface } from './interface.js';
import { currentExecution } from '../context/execution-context.js';

/** One member of an aggregate's grid: the module (or class) and its version. */
export type GridItem = readonly [target: Target<Interface>, version?: VersionSpec];

/**
 * An interface that stands for a grid of other interfaces (a sweep, a set of seeds): `grid()`
 * lays the grid out, `interfaces` finds or configures each member *without running it*, and
 * `launch()` launches every member, then the aggregate itself. Members are derived from the
 * aggregate, so two sweeps with the same member config are separate runs, and the aggregate
 * finds its own members again after a restart.
 *
 * Launching inside `execution.within(...)` queues the members with the aggregate, so they are
 * computed together when the block ends. `run()` of an aggregate usually does nothing (what it
 * stands for is its members), but may summarise them.
 *
 * @example
 * export default class Sweep extends Aggregate { grid() { return [0.1, 0.01].map((lr) => ['train', { lr }] as const); } }
 * const sweep = await get('sweep'); await sweep.launch(); (await sweep.interfaces).map((run) => run.cached()); // [true, true]
 */
export abstract class Aggregate<C extends object = Record<string, unknown>> extends Interface<C> {
  /** @internal how records list this class in `inherits`. */
  static override readonly frameworkModule: string = 'machinable.aggregate';

  /**
   * The members, as `[module, version]` pairs, in launch order. Called whenever `interfaces` is
   * read; it may depend on the aggregate's config.
   *
   * @example
   * grid() { return this.config.seeds.map((seed) => ['train', { seed }] as const); }
   * grid() { return [['train', '~adam'], ['train', { lr: 0.01 }]] as const; }
   */
  abstract grid(): readonly GridItem[] | Promise<readonly GridItem[]>;

  /**
   * The grid's interfaces, derived from this aggregate (which is materialized for that; nothing
   * runs). Members stored before come back with their results; new ones are unmaterialized.
   *
   * @example
   * const runs = await (await get('sweep')).interfaces;
   * runs.map((run) => run.cached()); // [false, false] before launch()
   */
  get interfaces(): Promise<InterfaceCollection<Interface>> {
    return this.collect();
  }

  /**
   * Launches every member through the current execution, then the aggregate itself. Members
   * already computed are cached no-ops, so launching a half-finished sweep again completes it.
   *
   * @example
   * const sweep = await (await get('sweep')).launch();
   * (await sweep.interfaces).map((run) => run.isFinished()); // [true, true]
   */
  override async launch(): Promise<this> {
    const members = [...(await this.interfaces)];
    if (currentExecution()) {
      for (const member of members) await member.launch();
    } else {
      // One sweep for the default execution, so it reports the members' progress together.
      for (const member of members) await member.materialize();
      await (await this.joined()).launcher.launchAll(members);
    }
    return super.launch();
  }

  private async collect(): Promise<InterfaceCollection<Interface>> {
    await this.materialize();
    const members: Interface[] = [];
    for (const [target, version] of await this.grid()) members.push(await this.derive(target, version));
    return new InterfaceCollection(members);
  }
}
