import { readdirSync, type Dirent } from 'node:fs';
import { errorCode } from './system-error.js';

/**
 * The entries of a directory, with their types; undefined when it is gone (or is not a
 * directory), as happens when another process removes a record during a walk. Other errors
 * (permissions) are thrown.
 *
 * @example
 * for (const entry of directoryEntries('/project/storage') ?? []) console.log(entry.name);
 */
export function directoryEntries(directory: string): Dirent[] | undefined {
  try {
    return readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
