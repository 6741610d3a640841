/**
 * The worked example against the contract, answering at once and answering with promises: the
 * kit holds its own example to every rule it checks.
 */
import { SENTINEL_FILE } from '@machinable/core/storage';
import { describeStorageConformance, MemoryStorage, type StorageConformanceOptions } from '@machinable/storage-kit';

/** A directory without a sentinel is what `create()` makes of files without one. */
const options: StorageConformanceOptions = {
  // The records live in this process's memory: no second process can open them, so the
  // cross-process cases do not apply (left out, not skipped).
  unsupported: 'omit',
  sentinelless: ({ storage }, location, files) => {
    if (files.has(SENTINEL_FILE)) throw new Error('the files hold a sentinel');
    return storage.create(location, files);
  },
};

describeStorageConformance('MemoryStorage', () => ({ storage: new MemoryStorage() }), options);
describeStorageConformance('MemoryStorage { async: true }', () => ({ storage: new MemoryStorage({ async: true }) }), options);
