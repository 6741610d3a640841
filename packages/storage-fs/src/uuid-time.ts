/** Any uuid with version nibble 7 and the RFC variant, in its canonical text form. */
const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A creation time later than this far ahead of the clock is a misreading, not a time. */
const CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * The creation time encoded in a version-7 uuid, or undefined for other uuids.
 *
 * RFC 9562 puts Unix milliseconds in the first 48 bits (what `uuid`'s `v7()` makes). Python's
 * `uuid7` package before 0.2 followed an earlier draft that puts 36 bits of seconds and 24 bits of
 * fraction there instead; read as milliseconds those land near the year 2190, so a time far in the
 * future is decoded with the draft layout before giving up.
 *
 * @example
 * uuidTime(v7({ msecs: 0 }))?.toISOString(); // "1970-01-01T00:00:00.000Z"
 */
export function uuidTime(uuid: string, now: number = Date.now()): Date | undefined {
  if (!VERSION_7.test(uuid)) return undefined;
  const hex = uuid.replaceAll('-', '');
  const rfc = parseInt(hex.slice(0, 12), 16);
  if (rfc <= now + CLOCK_SKEW_MS) return new Date(rfc);
  // Draft layout: 36 bits seconds | 12 bits fraction | version nibble | 12 more bits of fraction.
  const seconds = parseInt(hex.slice(0, 9), 16);
  const fraction = (parseInt(hex.slice(9, 12), 16) * 4096 + parseInt(hex.slice(13, 16), 16)) / 2 ** 24;
  const draft = seconds * 1000 + Math.floor(fraction * 1000);
  return draft <= now + CLOCK_SKEW_MS ? new Date(draft) : undefined;
}
