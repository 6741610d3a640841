/** Files an interface keeps in its record besides the format's own. */

/** The error of the latest failed attempt. */
export const FAILURE_FILE = 'failure.json';
/** pid and host of the process computing the run, for liveness checks. */
export const PROCESS_FILE = 'process.json';
export { RELATIONS_FILE } from '../record/record.js';
