import { requireDependency } from '../require-dependency.js';

type UuidModule = typeof import('uuid');
let uuid: UuidModule | undefined;

/**
 * A new record uuid: version 7 (RFC 9562), time-ordered, so records made later sort later (and
 * within one process strictly increasing). The `uuid` package is loaded on the first call, as
 * a process that only reads stored records (a cached `get`) never makes one.
 *
 * @example
 * newUuid(); // '019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b'
 */
export function newUuid(): string {
  uuid ??= requireDependency('uuid') as UuidModule;
  return uuid.v7();
}
