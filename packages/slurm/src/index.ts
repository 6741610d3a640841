/**
 * `@machinable/slurm`: Slurm as a machinable plugin. A project declares it in its
 * `machinable.config.ts` (`plugins: ['@machinable/slurm']`); then `new Slurm({ partition })` (or
 * `machinable get slurm partition=… <module> --launch`) makes each launch a Slurm job.
 */
export { Slurm } from './slurm.js';
export { SlurmConfig } from './slurm-config.js';
export { SlurmError } from './errors.js';
export { slurmScheduler } from './scheduler.js';
export { plugin, slurm } from './plugin.js';
export { sbatchOptions, optionName, sbatchWord, expressible, type SbatchOptions, type ResourceLayer } from './sbatch-options.js';
export { batchScript, shellQuote, type BatchScript, type BatchScriptSpec } from './sbatch-script.js';
export { readJobFile, jobIdAt, SLURM_JOB_FILE, SLURM_SCRIPT_FILE, type SlurmJobFile } from './job-file.js';
export { jobStates, isJobActive, type JobState } from './commands.js';
export { plugin as default } from './plugin.js';
