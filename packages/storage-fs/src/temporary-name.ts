import { TEMPORARY_PREFIX } from '@machinable/core/storage';

/**
 * What a temporary file next to its target is named: `<file>.tmp-<suffix>`, the suffix as
 * `randomSuffix()` (atomic.ts) makes it.
 */
const TEMPORARY_SIBLING = /\.tmp-[0-9a-z]+-[0-9a-z]+$/;

/**
 * A temporary entry of this storage: `.tmp-<label>-<suffix>` (made by `create()`, `copyIn()`,
 * `remove()`) or `<file>.tmp-<suffix>` (made by `writeFile()` and `createFile()`). Readers skip
 * such entries and `cleanTemporary()` deletes them, so no record, file or folder may be named so.
 *
 * @example
 * isTemporary('result.json.tmp-1a2b3c4d5k-2f'); // true
 * isTemporary('report.tmp-final.txt'); // false
 */
export function isTemporary(name: string): boolean {
  return name.startsWith(TEMPORARY_PREFIX) || TEMPORARY_SIBLING.test(name);
}
