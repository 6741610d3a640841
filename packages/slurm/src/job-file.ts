import { encodeFile, parseJson, whenDone, type MaybePromise, type Storage } from '@machinable/core';

/**
 * On a run record of a Slurm execution: the job, as the reference's Slurm integration writes it:
 * `{ job_id, cmd, script }`, `job_id` null until `sbatch` accepted the script (and in dry mode).
 */
export const SLURM_JOB_FILE = 'slurm.json';

/** On a run record of a Slurm execution: the batch script submitted (the reference's name). */
export const SLURM_SCRIPT_FILE = 'slurm.sh';

/** What `slurm.json` holds. */
export interface SlurmJobFile {
  /** The Slurm job id, once submitted. */
  readonly job_id: number | null;
  /** The `#SBATCH` lines of the script (the reference's `cmd`). */
  readonly cmd: readonly string[];
  /** The script itself. */
  readonly script: string;
}

/** Writes `slurm.json` of a run record (a promise only when the storage answers with one). */
export function writeJobFile(storage: Storage, location: string, job: SlurmJobFile): MaybePromise<void> {
  return storage.writeFile(location, SLURM_JOB_FILE, encodeFile(SLURM_JOB_FILE, job));
}

/**
 * `slurm.json` of a run record; undefined when there is none (or it cannot be read). A promise
 * only when the storage answers with one.
 *
 * @example
 * const job = await readJobFile(storage, runLocation); // { job_id: 1234, cmd: ['#SBATCH --partition=debug'], script: '#!/usr/bin/env bash…' }
 */
export function readJobFile(storage: Storage, location: string): MaybePromise<SlurmJobFile | undefined> {
  return whenDone(storage.readFile(location, SLURM_JOB_FILE), (bytes) => (bytes === undefined ? undefined : parseJobFile(bytes.toString('utf8'))));
}

/** The Slurm job id recorded with a run record, as text (`'1234'`); undefined before `sbatch` accepted it. */
export function jobIdAt(storage: Storage, location: string): MaybePromise<string | undefined> {
  return whenDone(readJobFile(storage, location), (job) => (job?.job_id === null || job?.job_id === undefined ? undefined : String(job.job_id)));
}

function parseJobFile(text: string): SlurmJobFile | undefined {
  try {
    const value = parseJson(text) as Partial<SlurmJobFile> | null;
    if (value === null || typeof value !== 'object') return undefined;
    const id = Number(value.job_id);
    return {
      job_id: value.job_id === null || value.job_id === undefined || !Number.isFinite(id) ? null : id,
      cmd: Array.isArray(value.cmd) ? value.cmd.map(String) : [],
      script: typeof value.script === 'string' ? value.script : '',
    };
  } catch {
    return undefined; // cut short by a crash: as if it had no job
  }
}
