import { SchedulerError } from '@machinable/core';

/**
 * A Slurm client command (`sbatch`, `squeue`, `scancel`) is not installed here or failed: the
 * message names the command line, what it printed on stderr, and the fix. Core's
 * `SchedulerError`, so code that handles any scheduler's failures catches it too.
 *
 * @example
 * try { await new Slurm({ partition: 'debug' }).within(() => run.launch()); }
 * catch (error) { if (error instanceof SlurmError) console.error(error.command.join(' '), error.stderr); }
 */
export class SlurmError extends SchedulerError {}
