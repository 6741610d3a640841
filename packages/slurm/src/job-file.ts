import { encodeFile } from '../files/file-codecs.js';
import { parseJson } from '../json/json.js';
import type { Storage } from '../ports/storage.js';

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

/** Writes `slurm.json` of a run record. */
export function writeJobFile(storage: Storage, location: string, job: SlurmJobFile): void {
  storage.writeFile(location, SLURM_JOB_FILE, encodeFile(SLURM_JOB_FILE, job));
}

/** `slurm.json` of a run record; undefined when there is none (or it cannot be read). */
export function readJobFile(storage: Storage, location: string): SlurmJobFile | undefined {
  const text = storage.readFile(location, SLURM_JOB_FILE)?.toString('utf8');
  if (text === undefined) return undefined;
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

/** The Slurm job id recorded with a run record, as text (`'1234'`). */
export function jobIdAt(storage: Storage, location: string): string | undefined {
  const id = readJobFile(storage, location)?.job_id;
  return id === null || id === undefined ? undefined : String(id);
}
