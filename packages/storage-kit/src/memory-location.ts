import { RecordPathError } from '@machinable/core/storage';

import { isPlainName } from './record-path.js';

/** The scheme of {@link MemoryStorage} locations: `memory://<segment>/<segment>/…`. */
export const MEMORY_SCHEME = 'memory://';

/**
 * A location of {@link MemoryStorage}: `memory://` followed by its segments joined with `/`. A
 * segment is one plain name (checked by `locate()`), so the join can be read back unambiguously.
 *
 * @example
 * memoryLocation(['404e…', '4413…']); // 'memory://404e…/4413…'
 */
export function memoryLocation(segments: readonly string[]): string {
  return MEMORY_SCHEME + segments.join('/');
}

/**
 * The segments of a {@link MemoryStorage} location (`[]` for the root, `memory://`); a trailing
 * slash names the same record, as it names the same directory on a filesystem.
 *
 * @throws RecordPathError for a location of another scheme, or with a segment that is not one
 * plain name (`memory://a//b`, `memory://a/../b`).
 */
export function memorySegments(location: string): string[] {
  if (!location.startsWith(MEMORY_SCHEME)) {
    throw new RecordPathError(location, `the memory storage opens ${MEMORY_SCHEME} locations only`);
  }
  const rest = location.slice(MEMORY_SCHEME.length).replace(/\/$/, '');
  if (rest === '') return [];
  const segments = rest.split('/');
  if (!segments.every(isPlainName)) throw new RecordPathError(location, 'every segment of a location must be one plain name');
  return segments;
}

/** Whether the record at `segments` is `ancestor` itself or lies inside it. */
export function isWithin(segments: readonly string[], ancestor: readonly string[]): boolean {
  return ancestor.length <= segments.length && ancestor.every((segment, i) => segments[i] === segment);
}

/** Orders locations by their segments, name by name: a parent before its children, siblings by name. */
export function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
