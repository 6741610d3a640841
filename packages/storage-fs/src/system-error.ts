/** The `code` of a Node system error (`ENOENT`, `ENOTEMPTY`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** What `rename()` reports when the target directory exists (Linux says ENOTEMPTY, others EEXIST). */
export function isTargetExists(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}
