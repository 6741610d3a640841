import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { inside } from './record-path.js';

/**
 * `writeFileSync` options for a file that must not exist yet. The encoding is spelled out: Node
 * (20) takes its one-call native path for a string only when the options object names `utf8`
 * (an object without it is not merged with the defaults), otherwise it opens, writes and closes
 * in three calls after copying the string into a Buffer.
 */
export const NEW_FILE = { flag: 'wx', encoding: 'utf8' } as const;

/** Writes a file into a directory that no one else sees yet (no temp + rename needed). */
export function writeNew(directory: string, path: string, data: Uint8Array | string): void {
  const file = inside(directory, path);
  if (path.includes('/')) mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data, NEW_FILE);
}
