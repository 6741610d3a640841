import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { TEMPORARY_PREFIX } from '@machinable/core/storage';

import { inside } from './record-path.js';

/** A fresh temporary name next to a file: `<file>.tmp-<random>`, in the same directory. */
export function temporarySibling(path: string): string {
  return `${path}${TEMPORARY_PREFIX}${randomSuffix()}`;
}

/** `<directory>/.tmp-<label>-<random>`: a hidden name that no reader mistakes for a record. */
export function temporaryIn(directory: string, label: string): string {
  return inside(directory, `${TEMPORARY_PREFIX}${label}-${randomSuffix()}`);
}

// Random per process, then a counter: unique across processes (random prefix, pid) and within
// one (counter), and a counter costs nothing, while randomBytes() per write was ~8% of a launch.
const processPrefix = randomBytes(4).toString('hex');
let counter = 0;

/** A suffix no other temporary name uses: random per process, the pid, then a counter. */
export function randomSuffix(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${processPrefix}${process.pid.toString(36)}-${counter.toString(36)}`;
}

/** Options of {@link atomicWriteFile}. */
export interface AtomicWriteOptions {
  /** Create missing parent directories first. Default true. */
  readonly mkdir?: boolean;
}

/**
 * Writes a file so that readers see either the old content or the new one, never a prefix: the
 * data goes to a temporary file in the same directory (same filesystem, so `rename` is atomic),
 * which then replaces the target. Atomic against a crashing process; there is no `fsync`, so a
 * power loss may still leave an empty file on filesystems that reorder metadata and data.
 *
 * @example
 * atomicWriteFile('/runs/0190.../result.json', JSON.stringify({ loss: 0.1 }));
 */
export function atomicWriteFile(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  if (options.mkdir ?? true) mkdirSync(dirname(path), { recursive: true });
  const temporary = temporarySibling(path);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
