/**
 * Times as the format writes them: status markers and `updated_at` hold Python's
 * `str(arrow.now())` (ISO-8601 with microseconds and the local UTC offset,
 * `2026-01-01T12:00:00.862361+00:00`), `created_at_ns` is epoch nanoseconds, and a run record's
 * predicate key is its dispatch time as `2026-01-01_120000`.
 */

let lastNs = 0n;

/**
 * Now, in epoch nanoseconds; strictly increasing within a process, so records created one after
 * the other sort in that order by `created_at_ns`.
 */
export function nowNs(): bigint {
  const wall = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNs = wall > lastNs ? wall : lastNs + 1_000n;
  return lastNs;
}

/**
 * A time as Python's `datetime.isoformat()` writes it in the local timezone (what
 * `str(arrow.now())` gives): microseconds when not zero, and the UTC offset as `+HH:MM`.
 *
 * @example
 * isoTimestamp(1767268800123456000n); // '2026-01-01T12:00:00.123456+00:00' (on a UTC machine)
 */
export function isoTimestamp(ns: bigint = nowNs()): string {
  const micros = Number(ns / 1_000n);
  const second = Math.floor(micros / 1e6);
  const fraction = micros - second * 1e6;
  const { date, offset } = secondText(second);
  return fraction === 0 ? `${date}${offset}` : `${date}.${String(fraction).padStart(6, '0')}${offset}`;
}

// The text of the last second formatted: a process writes many timestamps within one second.
let lastSecond: { readonly second: number; readonly date: string; readonly offset: string } | undefined;

/** An epoch second as local date and time (`2026-01-01T12:00:00`) and its UTC offset (`+00:00`). */
function secondText(second: number): { readonly date: string; readonly offset: string } {
  if (lastSecond?.second === second) return lastSecond;
  const ms = second * 1000;
  const offsetMinutes = -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offsetMinutes * 60_000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const abs = Math.abs(offsetMinutes);
  lastSecond = {
    second,
    date:
      `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
      `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`,
    offset: `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
  };
  return lastSecond;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO-8601 time (as markers hold it, with or without fraction and offset; no offset
 * means UTC) into epoch microseconds; undefined for anything else, including an empty marker
 * (a write cut short reads as unset).
 */
export function parseTimestampMicros(text: string): number | undefined {
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = match;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  const micros = Math.round(Number(`0.${frac || '0'}`) * 1e6);
  return ms * 1000 + micros;
}

/** A marker's time as a `Date` (millisecond precision), or undefined when unset or unreadable. */
export function parseTimestamp(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const micros = parseTimestampMicros(text);
  return micros === undefined ? undefined : new Date(Math.floor(micros / 1000));
}

/**
 * `updated_at` as the index stores it: epoch nanoseconds computed the reference's way,
 * `int(float_seconds * 1e9)`, including its float rounding, so both write the same number.
 */
export function timestampNs(text: string): bigint | undefined {
  const micros = parseTimestampMicros(text);
  return micros === undefined ? undefined : BigInt(Math.trunc((micros / 1e6) * 1e9));
}

/**
 * A run record's predicate key: its dispatch time, UTC, to the second (`2026-01-01_120000`), as
 * the reference's `strftime("%Y-%m-%d_%H%M%S")`.
 */
export function dispatchStamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, '').replace('T', '_');
}
