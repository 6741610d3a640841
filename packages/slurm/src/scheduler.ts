import type { SchedulerBackend } from '@machinable/core';
import { cancelJob } from './commands.js';
import { jobIdAt } from './job-file.js';
import { queuedJobAlive } from './job-liveness.js';

/**
 * Slurm as core asks a scheduler (its `SchedulerBackend`, registered by the plugin under the name
 * `slurm`, which the Slurm execution writes into the claims it hands to jobs): the job of a run
 * record is the `job_id` of its `slurm.json`; a handed claim lives while `squeue` has that job
 * queued or running; `cancel()` runs `scancel`.
 *
 * @example
 * slurmScheduler.describe('1234'); // 'Slurm job 1234'
 */
export const slurmScheduler: SchedulerBackend = {
  name: 'slurm',
  jobOf: (storage, runLocation) => jobIdAt(storage, runLocation),
  isQueuedAlive: (storage, runLocation) => queuedJobAlive(storage, runLocation),
  describe: (job) => `Slurm job ${job}`,
  cancel: (job, run) =>
    cancelJob(job, {
      purpose: `to cancel Slurm job ${job} of run record ${run}`,
      fix: `check the job with squeue -j ${job}; the run record is left as it was`,
    }),
};
