/** The package name projects declare the plugin by (`plugins: ['@machinable/slurm']` in `machinable.config.ts`). */
export const PLUGIN_NAME = '@machinable/slurm';
