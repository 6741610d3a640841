/**
 * `@machinable/storage-kit`: what a storage adapter's author needs besides the contract. A
 * conformance suite for Node's test runner (`describeStorageConformance`), and `MemoryStorage`,
 * the worked example of an adapter, complete and kept in memory.
 */
export { describeStorageConformance } from './conformance.js';
export type { ProcessOptions, StorageConformanceOptions, StorageFactory, StorageSubject } from './options.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
