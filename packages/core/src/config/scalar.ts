/**
 * A value written as plain text (`key=value` on the command line, the right side of a `--where`)
 * as the reference's command line reads it: a number written in its own canonical form (`150`,
 * `0.5`, `-3`, not `007` or `1e5`), `true`/`false` (or `True`/`False`), `null`; anything else
 * stays text (and is coerced to a declared type later, as `1e5` is for a float field).
 *
 * @example
 * parseScalar('150'); // 150
 * parseScalar('007'); // '007'
 */
export function parseScalar(text: string): unknown {
  if (text === 'true' || text === 'True') return true;
  if (text === 'false' || text === 'False') return false;
  if (text === 'null') return null;
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[-+]?\d+)?$/.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value) && (Number.isSafeInteger(value) || !Number.isInteger(value)) && String(value) === text) return value;
  }
  return text;
}
