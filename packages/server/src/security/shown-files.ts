/**
 * The files of a record the server lists and serves, of those its storage lists (`files`, paths
 * relative to the record): none under a dot segment (`.machinable` and the like are the store's
 * own; the reference does not list them either). What the storage lists is the record's: a
 * storage leaves out what is not (the filesystem storage, a symbolic link leading out of the
 * record), so a request can only name, and the server only read, the record's own files.
 *
 * @example
 * shownFiles(['.machinable', 'id.json', 'result.json']); // ['id.json', 'result.json']
 */
export function shownFiles(files: readonly string[]): string[] {
  return files.filter((path) => !path.split('/').some((segment) => segment.startsWith('.')));
}
