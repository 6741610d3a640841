/**
 * Times as the format writes them (`str(arrow.now())`: Python's isoformat in the local zone, with
 * microseconds when not zero) and the nanoseconds the index keeps for them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isoTimestamp, timestampNs } from '@machinable/core';

const nsOf = (ms: number, extraMicros = 0): bigint => BigInt(ms) * 1_000_000n + BigInt(extraMicros) * 1_000n;

/** isoTimestamp of each ns in a process whose local zone is `zone`, in order, one per line. */
function inZone(zone: string, times: readonly bigint[]): string[] {
  const source = `import { isoTimestamp } from '@machinable/core'; for (const ns of ${JSON.stringify(times.map(String))}) console.log(isoTimestamp(BigInt(ns)));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], { env: { ...process.env, TZ: zone }, encoding: 'utf8' }).trim().split('\n');
}

describe('format: timestamps', () => {
  it('writes local time with microseconds and offset, as Python isoformat does', () => {
    const noon = Date.UTC(2026, 0, 1, 12, 0, 0, 123);
    assert.deepEqual(inZone('Asia/Kolkata', [nsOf(noon, 456), nsOf(Date.UTC(2026, 0, 1, 12, 0, 0))]), [
      '2026-01-01T17:30:00.123456+05:30',
      '2026-01-01T17:30:00+05:30',
    ]);
    assert.deepEqual(inZone('UTC', [nsOf(noon, 456)]), ['2026-01-01T12:00:00.123456+00:00']);
  });

  it('keeps each second its own offset, also across a daylight saving change, within and between seconds', () => {
    // New York moves from -05:00 to -04:00 at 2026-03-08 07:00 UTC.
    const before = Date.UTC(2026, 2, 8, 6, 59, 59, 500);
    const after = Date.UTC(2026, 2, 8, 7, 0, 0);
    assert.deepEqual(inZone('America/New_York', [nsOf(before), nsOf(before, 1), nsOf(after), nsOf(after, 7), nsOf(before, 2)]), [
      '2026-03-08T01:59:59.500000-05:00',
      '2026-03-08T01:59:59.500001-05:00',
      '2026-03-08T03:00:00-04:00',
      '2026-03-08T03:00:00.000007-04:00',
      '2026-03-08T01:59:59.500002-05:00',
    ]);
  });

  it('reads the same instant back, in nanoseconds as the reference computes them', () => {
    for (const ns of [nsOf(Date.UTC(2026, 0, 1, 12, 0, 0, 123), 456), nsOf(Date.UTC(2030, 5, 1)), nsOf(Date.now(), 999)]) {
      const micros = Number(ns / 1_000n);
      assert.equal(timestampNs(isoTimestamp(ns)), BigInt(Math.trunc((micros / 1e6) * 1e9)), isoTimestamp(ns));
    }
  });
});
