import type { ElementClass, MachinablePlugin } from '@machinable/core';
import { PLUGIN_NAME } from './plugin-name.js';
import { slurmScheduler } from './scheduler.js';
import { Slurm } from './slurm.js';

/**
 * The plugin a project declares (`plugins: ['@machinable/slurm']` in `machinable.config.ts`): it
 * registers the `Slurm` execution as the module `machinable.slurm` and the command line's `slurm`
 * context, and the Slurm scheduler backend (asked whether a handed claim's job is still queued,
 * and to cancel it). Every process of the project reads the declaration, so the CLI, a waiting
 * launch and the jobs themselves all know Slurm.
 *
 * @example
 * // machinable.config.ts
 * import { defineProject } from '@machinable/core';
 * export default defineProject({ plugins: ['@machinable/slurm'] });
 */
export const plugin: MachinablePlugin = {
  name: PLUGIN_NAME,
  setup(context) {
    context.registerModule(Slurm.module, Slurm as unknown as ElementClass, {
      context: 'slurm',
      description: 'partition=, cpus=, memory=, time=, gres=, sbatch.<option>=, dry=true, wait=true: each launch is a Slurm job',
    });
    context.registerScheduler(slurmScheduler);
  },
};

/**
 * The plugin as an object, for a declaration that passes objects rather than package names.
 *
 * @example
 * import { slurm } from '@machinable/slurm';
 * export default defineProject({ plugins: [slurm()] });
 */
export function slurm(): MachinablePlugin {
  return plugin;
}
