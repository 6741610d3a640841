/**
 * How a child process of the conformance suite opens the store of a case: an `FsStorage` on the
 * root the case's factory shares (see `fs-storage.conformance.test.ts`).
 */
import { FsStorage } from '@machinable/storage-fs';

export function openStorage(root: string): FsStorage {
  return new FsStorage({ root });
}
