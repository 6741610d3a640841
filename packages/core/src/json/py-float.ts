/**
 * A number that serialises as a Python float. JavaScript has one number type, so `1` and `1.0` are
 * the same value; identity must still print `1.0` for a float field, as Python does. Values are
 * wrapped in `PyFloat` by `typedConfig()` from the schema, then printed by `canonicalJson()`.
 */
export class PyFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value;
  }
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (as JavaScript's), written in fixed
 * notation when the decimal exponent is in [-4, 16) and in scientific notation otherwise, always
 * with a `.0` or an exponent so it reads back as a float.
 *
 * @example
 * pyFloatRepr(1e16);  // '1e+16'
 * pyFloatRepr(1e-5);  // '1e-05'
 */
export function pyFloatRepr(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form; NaN and Infinity are rejected`);
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without digits gives the shortest round-tripping mantissa.
  const [mantissa, exp] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1) || '0';
    return `${sign}${intPart}.${fraction}`;
  }
  const expText = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${sign}${mantissa}e${expText}`;
}
