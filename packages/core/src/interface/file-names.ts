import { FORMAT_FILES, RELATED_DIRECTORY } from '../format/layout.js';
import { CLAIM_FILE, FAILURE_FILE } from '../format/reserved-files.js';
import { MachinableError } from '../kernel/errors.js';

/** Refuses a file name the record itself keeps (format files, related links, failure, claim). */
export function checkFileName(name: string): void {
  const first = name.split('/')[0] ?? '';
  if (FORMAT_FILES.has(name) || first === RELATED_DIRECTORY || name === FAILURE_FILE || name === CLAIM_FILE) {
    throw new MachinableError(`'${name}' is kept by machinable for the record itself; save your data under another name`);
  }
}

/** The error of `loadFile()` for a file that is not there (and no fallback): `where` names the record. */
export function noFileError(name: string, where: string): MachinableError {
  return new MachinableError(`no file '${name}' in ${where}; save it with saveFile('${name}', ...) or pass a fallback`);
}
