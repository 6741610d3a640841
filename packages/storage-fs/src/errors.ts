/**
 * A path or record name the storage refuses (absolute, escaping the record with `..`, empty, a
 * temporary name, or a file fixed at creation): core's `RecordPathError`, which every storage
 * adapter throws for such a path.
 */
export { RecordPathError } from '@machinable/core/storage';
