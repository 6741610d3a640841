/**
 * JSON as the format's files are written and read: Python's `json.dumps` byte for byte, and a
 * parser that keeps what JavaScript's `JSON.parse` loses (`1.0` is a float, `1` an int, and an
 * int beyond 2^53 stays exact), so a record written by Python hashes and re-serialises the same
 * after a round trip through TypeScript.
 */
import { PyFloat, pyFloatRepr } from './py-float.js';

/** A parsed JSON value: integral floats are `PyFloat`, integers beyond 2^53 are `bigint`. */
export type JsonValue = null | boolean | number | bigint | string | PyFloat | JsonValue[] | { [key: string]: JsonValue };

/** Options of {@link pyJson}; the defaults are Python's `json.dumps` defaults. */
export interface PyJsonOptions {
  /** `sort_keys`: keys in code point order. Default false (insertion order). */
  readonly sortKeys?: boolean;
  /** `ensure_ascii`: everything outside printable ASCII as `\uXXXX`. Default true. */
  readonly ensureAscii?: boolean;
  /** `separators=(",", ":")` when true; Python's default `(", ", ": ")` otherwise. */
  readonly compact?: boolean;
}

/** Nesting deeper than this is refused, by the parser and the writer alike (never a stack overflow). */
export const MAX_JSON_DEPTH = 1000;

/**
 * Python's `json.dumps(value, ...)`: numbers print as Python would print them (`PyFloat` and
 * non-integral numbers as float reprs, integral numbers and bigints as ints), strings escaped as
 * Python escapes them. NaN, Infinity, `undefined`, functions, class instances, sparse arrays and
 * cycles are refused with the path of the offending value, never rewritten.
 *
 * @example
 * pyJson({ b: new PyFloat(1), a: 'café' }, { sortKeys: true, compact: true }); // '{"a":"caf\\u00e9","b":1.0}'
 * pyJson({ x: [1, 2] });                                                          // '{"x": [1, 2]}'
 */
export function pyJson(value: unknown, options: PyJsonOptions = {}): string {
  const writer = new Writer(options.sortKeys ?? false, options.ensureAscii ?? true, options.compact ?? false);
  writer.write(value);
  return writer.out;
}

/**
 * Writes one value. The containers being written are kept on a stack (a cycle is one of them met
 * again) with the key or index each is being written at, from which an error's path (`$.a[2].b`)
 * is made only when there is an error: most values are written without any.
 */
class Writer {
  out = '';
  private readonly itemSeparator: string;
  private readonly keySeparator: string;
  private readonly containers: object[] = [];
  private readonly keys: (string | number)[] = [];

  constructor(
    private readonly sortKeys: boolean,
    private readonly ensureAscii: boolean,
    compact: boolean,
  ) {
    this.itemSeparator = compact ? ',' : ', ';
    this.keySeparator = compact ? ':' : ': ';
  }

  write(value: unknown): void {
    if (value === null) {
      this.out += 'null';
      return;
    }
    switch (typeof value) {
      case 'boolean':
        this.out += value ? 'true' : 'false';
        return;
      case 'string':
        this.out += quote(value, this.ensureAscii);
        return;
      case 'number':
        if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} at ${this.path()} as JSON: NaN and Infinity have no JSON form`);
        this.out += Number.isInteger(value) ? integerText(value) : pyFloatRepr(value);
        return;
      case 'bigint':
        this.out += value.toString();
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot write ${describe(value)} at ${this.path()} as JSON`);
    }
    if (value instanceof PyFloat) {
      this.out += pyFloatRepr(value.value);
      return;
    }
    const depth = this.containers.length;
    if (depth >= MAX_JSON_DEPTH) throw new TypeError(`cannot write the value at ${this.path()} as JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (this.containers.includes(value)) throw new TypeError(`cannot write the value at ${this.path()} as JSON: it contains itself (a cycle)`);
    if (Array.isArray(value)) {
      this.containers.push(value);
      this.keys.push(0);
      this.out += '[';
      for (let i = 0; i < value.length; i++) {
        this.keys[depth] = i;
        if (!(i in value)) throw new TypeError(`cannot write the array at ${this.path(depth)} as JSON: index ${i} is a hole (a sparse array)`);
        if (i > 0) this.out += this.itemSeparator;
        this.write(value[i]);
      }
      this.out += ']';
      this.containers.pop();
      this.keys.pop();
      return;
    }
    if (!isPlain(value)) throw new TypeError(`cannot write ${describe(value)} at ${this.path()} as JSON`);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 0) {
      this.out += '{}';
      return;
    }
    if (this.sortKeys) keys.sort(byCodePoint);
    this.containers.push(value);
    this.keys.push('');
    this.out += '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.keys[depth] = key;
      if (i > 0) this.out += this.itemSeparator;
      this.out += quote(key, this.ensureAscii) + this.keySeparator;
      this.write(record[key]);
    }
    this.out += '}';
    this.containers.pop();
    this.keys.pop();
  }

  /** The path of the value being written (`$.a[2].b`), or of the container at `depth`. */
  private path(depth = this.keys.length): string {
    let path = '$';
    for (let i = 0; i < depth; i++) {
      const key = this.keys[i]!;
      path += typeof key === 'number' ? `[${key}]` : `.${key}`;
    }
    return path;
  }
}

function integerText(value: number): string {
  // String(1e21) is '1e+21'; Python prints every digit of an int.
  return Math.abs(value) < 1e21 ? String(value === 0 ? 0 : value) : BigInt(value).toString();
}

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

/** Strings `quote` leaves as they are: printable ASCII without `"` and `\`, or (without `ensure_ascii`) no control character, `"` or `\`. */
const NOTHING_TO_ESCAPE_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const NOTHING_TO_ESCAPE = /^[^\x00-\x1f"\\]*$/;

/**
 * Python's string encoders: with `ensure_ascii` everything outside space..`~` becomes `\uXXXX`
 * (UTF-16 units, so astral characters become surrogate pairs); without it only `"`, `\` and
 * control characters are escaped.
 */
function quote(text: string, ensureAscii: boolean): string {
  // Most strings (keys, ids, module names, timestamps) need no escape: one native regex test
  // instead of a loop over their characters.
  if ((ensureAscii ? NOTHING_TO_ESCAPE_ASCII : NOTHING_TO_ESCAPE).test(text)) return `"${text}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c && (code <= 0x7e || !ensureAscii)) continue;
    out += text.slice(start, i) + (SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, '0')}`);
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

/** Python sorts `str` keys by code point; JavaScript's default sort compares UTF-16 units. */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (value instanceof Date) return 'a Date (store it as an ISO string: date.toISOString())';
  if (value instanceof Map) return 'a Map (store it as a plain object: Object.fromEntries(map))';
  if (value instanceof Set) return 'a Set (store it as an array: [...set])';
  if (typeof value === 'object' && value) return `an instance of ${value.constructor?.name ?? 'a class'} (store plain objects, arrays and primitives)`;
  return String(value);
}

/** A JSON text could not be parsed; `offset` is where (0-based), the message says what was expected. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at position ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * `JSON.parse` that keeps the text's numbers as Python reads them: a literal with a fraction or an
 * exponent is a float (`1.0` and `1e16` come back as `PyFloat`, `0.5` as a number), an integer
 * literal is an int (a `bigint` beyond 2^53, so 19-digit nanosecond times stay exact).
 * `pyJson(parseJson(text))` reproduces what Python's `json.dumps(json.loads(text))` writes.
 *
 * @example
 * parseJson('{"lr": 1.0, "n": 1}'); // { lr: PyFloat(1), n: 1 }
 * parseJson('1767225600000000000'); // 1767225600000000000n
 */
export function parseJson(text: string): JsonValue {
  // JSON.parse is exact (and much faster) unless the text has an integral float or a long integer.
  if (!NEEDS_EXACT.test(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // fall through: the exact parser reports where the text is broken
    }
  }
  const parser = new Parser(text);
  parser.space();
  const value = parser.value(0);
  parser.space();
  if (parser.at < text.length) parser.fail('unexpected text after the JSON value');
  return value;
}

// A digit then `.0…0` ending the number, an exponent, or 16+ digits in a row.
const NEEDS_EXACT = /\d\.0+(?![0-9])|\d[eE]|\d{16}/;

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const SAFE_DIGITS = 15;

class Parser {
  at = 0;

  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.at);
  }

  space(): void {
    const { text } = this;
    let c = text.charCodeAt(this.at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.at);
  }

  value(depth: number): JsonValue {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const c = this.text.charCodeAt(this.at);
    switch (c) {
      case 0x7b: // {
        return this.object(depth);
      case 0x5b: // [
        return this.array(depth);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(this.text[this.at])}`);
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.at)) this.fail(`expected ${word}`);
    this.at += word.length;
    return value;
  }

  private number(): JsonValue {
    NUMBER.lastIndex = this.at;
    const match = NUMBER.exec(this.text);
    if (!match) return this.fail('malformed number');
    const token = match[0];
    this.at += token.length;
    if (match[1] === undefined && match[2] === undefined) {
      const digits = token.charCodeAt(0) === 0x2d ? token.length - 1 : token.length;
      if (digits <= SAFE_DIGITS) return Number(token);
      const big = BigInt(token);
      return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
    }
    const value = Number(token);
    if (!Number.isFinite(value)) this.fail(`the number ${token} is out of range`);
    return Number.isInteger(value) ? new PyFloat(value) : value;
  }

  string(): string {
    const { text } = this;
    const start = ++this.at;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c === 0x22) break;
      if (c === 0x5c) return this.escapedString(start - 1);
      if (c < 0x20 || Number.isNaN(c)) this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      this.at++;
    }
    return text.slice(start, this.at++);
  }

  private escapedString(quoteAt: number): string {
    // Rare: find the closing quote, then let JSON.parse decode the escapes.
    const { text } = this;
    let i = this.at;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.at = i;
        this.fail('unterminated string');
      }
      if (c === 0x5c) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    this.at = i + 1;
    try {
      return JSON.parse(text.slice(quoteAt, i + 1)) as string;
    } catch {
      this.at = quoteAt;
      return this.fail('invalid escape in string');
    }
  }

  private array(depth: number): JsonValue[] {
    this.at++;
    const out: JsonValue[] = [];
    this.space();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text.charCodeAt(this.at++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.at--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private object(depth: number): { [key: string]: JsonValue } {
    this.at++;
    const out: { [key: string]: JsonValue } = {};
    this.space();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.at) !== 0x22) this.fail('expected a string key');
      const key = this.string();
      this.space();
      if (this.text.charCodeAt(this.at++) !== 0x3a) {
        this.at--;
        this.fail("expected ':'");
      }
      this.space();
      const value = this.value(depth + 1);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.space();
      const c = this.text.charCodeAt(this.at++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.at--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The value with format types turned into plain numbers (`PyFloat` to its number, a `bigint` in
 * the safe range to a number): what user code sees of stored data.
 */
export function toPlainNumbers<T>(value: T): T {
  if (value instanceof PyFloat) return value.value as T;
  if (typeof value === 'bigint') return (value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value) as T;
  if (Array.isArray(value)) return value.map(toPlainNumbers) as T;
  if (value !== null && typeof value === 'object' && isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: toPlainNumbers(v), enumerable: true, writable: true, configurable: true });
      else out[k] = toPlainNumbers(v);
    }
    return out as T;
  }
  return value;
}
