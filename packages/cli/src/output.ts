/**
 * How `machinable get --<member>` prints what a member returned: strings as they are, numbers
 * and booleans as text, dates as ISO-8601, interfaces by uuid (one per line for a collection),
 * everything else as JSON; `undefined` (and the interface itself, as `launch()` returns) prints
 * nothing.
 */
export function formatOutput(value: unknown, self: object): string | undefined {
  if (value === undefined || value === self) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null) return String(value);
  if (value instanceof Date) return value.toISOString();
  if (isRecordLike(value)) return value.uuid;
  if (typeof value === 'object' && Symbol.iterator in value && !Array.isArray(value)) {
    const items = [...(value as Iterable<unknown>)];
    if (items.every(isRecordLike)) return items.map((item) => item.uuid).join('\n');
    return toJson(items);
  }
  return toJson(value);
}

/** An interface (or anything with a uuid and a module): printed by uuid. */
function isRecordLike(value: unknown): value is { uuid: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { uuid?: unknown }).uuid === 'string' &&
    typeof (value as { module?: unknown }).module === 'string'
  );
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), 2) ?? String(value);
}
