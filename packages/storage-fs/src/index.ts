/** Placeholder entry point; the storage-fs package is built out in a later issue. */
export const PACKAGE = '@machinable/storage-fs';
