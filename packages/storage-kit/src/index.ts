/**
 * `@machinable/storage-kit`: what a storage adapter's author needs besides the contract:
 * `MemoryStorage`, the worked example of an adapter, complete and kept in memory.
 */
export { MemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
