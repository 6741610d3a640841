import { MachinableError } from '@machinable/core';

/**
 * A file path or record name given to the filesystem storage is not allowed: absolute, escaping
 * the record directory with `..`, empty, or naming a file machinable owns (`id.json`).
 *
 * @example
 * try { storage.writeFile(location, '../other/result.json', '{}'); }
 * catch (e) { if (e instanceof RecordPathError) console.error(e.path); } // "../other/result.json"
 */
export class RecordPathError extends MachinableError {
  constructor(
    /** The path (or record name) as it was given. */
    readonly path: string,
    reason: string,
  ) {
    super(`invalid record path ${JSON.stringify(path)}: ${reason}`);
  }
}
