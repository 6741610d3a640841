import { PyFloat, pyFloatRepr } from './py-float.js';

/**
 * Python's `json.dumps(x, sort_keys=True, separators=(",", ":"))`, byte for byte: keys sorted by
 * code point, no whitespace, everything outside printable ASCII escaped as `\uXXXX` (astral
 * characters as surrogate pairs). Integers print as integers; `PyFloat` and non-integral numbers
 * print as Python float reprs. NaN, Infinity, `undefined`, functions and class instances are
 * rejected rather than silently changed.
 *
 * @example
 * canonicalJson({ b: new PyFloat(1), a: 'café' }); // '{"a":"caf\\u00e9","b":1.0}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialise ${value} at ${path}: NaN and Infinity have no JSON form`);
      return Number.isInteger(value) ? BigInt(value).toString() : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'object':
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      if (isPlain(value)) {
        const keys = Object.keys(value).sort(byCodePoint);
        const record = value as Record<string, unknown>;
        return `{${keys.map((k) => `${quote(k)}:${write(record[k], `${path}.${k}`)}`).join(',')}}`;
      }
  }
  throw new TypeError(`cannot serialise ${describe(value)} at ${path} as canonical JSON`);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Python's ensure_ascii encoder: printable ASCII (space to `~`) stays, the rest is escaped. */
function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += `\\u${code.toString(16).padStart(4, '0')}`; // UTF-16 units, so astral chars become pairs
  }
  return `${out}"`;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value) return `an instance of ${value.constructor?.name ?? 'a class'}`;
  return String(value);
}
