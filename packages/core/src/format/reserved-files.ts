/** Files machinable keeps in records besides the format's own (`format/layout.ts`). */

/** On a run record: the error of a run that threw (name, message, stack, time). */
export const FAILURE_FILE = 'failure.json';

/** On a run record: the host, user and process it ran on (the reference's `host.json`). */
export const HOST_FILE = 'host.json';

/** On an interface record, while it is being computed: who computes it (see `store/claims.ts`). */
export const CLAIM_FILE = 'claim.json';

/** On a run record: what the run wrote to stdout and stderr (the reference's `output.log`). */
export const OUTPUT_FILE = 'output.log';

/**
 * On a run record: it was cancelled (`cancel()`, `machinable cancel`); holds the time. The
 * reference's marker of the same name; its run record is finished and reads as `cancelled`.
 */
export const CANCELLED_FILE = 'cancelled';
