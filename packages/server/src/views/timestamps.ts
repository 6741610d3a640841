import { isoTimestamp } from '@machinable/core';

/**
 * A nanosecond timestamp as ISO-8601 with microseconds and offset, as Python's `isoformat()`
 * writes a record's times (`2026-01-01T12:00:00.123456+00:00`).
 *
 * @example
 * isoOf(1767268800000000000n); // '2026-01-01T12:00:00.000000+00:00' (in UTC)
 */
export function isoOf(ns: bigint): string {
  return isoTimestamp(ns);
}
