import { NpyFormatError } from '../kernel/errors.js';

/**
 * NumPy's `.npy` format for the typed arrays JavaScript has: written as format 1.0 byte for byte
 * like `np.save` (numpy >= 1.24, which pads the header for in-place growth), read back from
 * formats 1.0 and 2.0 in either byte order.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

/** numpy's name for each element type machinable can store (`a.dtype.name` in Python). */
export type DType = 'float64' | 'float32' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'int64' | 'uint64';

/** The typed arrays that map onto a numpy dtype. */
export type NpyTypedArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * An n-dimensional array: flat `data` in C (row-major) order plus its `shape`. What `loadFile`
 * returns for `.npy` files; `saveFile` also accepts it (with or without `dtype`).
 */
export interface NdArray<T extends NpyTypedArray = NpyTypedArray> {
  readonly data: T;
  /** Length of each axis; `[]` for a scalar (one element). */
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** numpy allows at most 64 axes (32 before numpy 2.0). */
const MAX_DIMS = 64;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** numpy pads the header so the first axis can grow to this many digits without a rewrite. */
const GROWTH_AXIS_MAX_DIGITS = 21;

type Kind = 'f' | 'i' | 'u';
type Getter = 'getFloat64' | 'getFloat32' | 'getInt8' | 'getInt16' | 'getInt32' | 'getUint8' | 'getUint16' | 'getUint32' | 'getBigInt64' | 'getBigUint64';
type Setter = 'setFloat64' | 'setFloat32' | 'setInt8' | 'setInt16' | 'setInt32' | 'setUint8' | 'setUint16' | 'setUint32' | 'setBigInt64' | 'setBigUint64';

interface ElementType {
  readonly dtype: DType;
  readonly kind: Kind;
  readonly size: 1 | 2 | 4 | 8;
  /** `[Symbol.toStringTag]` of the matching typed array: realm-safe, unlike `instanceof`. */
  readonly tag: string;
  readonly create: (length: number) => NpyTypedArray;
  readonly get: Getter;
  readonly set: Setter;
}

const ELEMENT_TYPES: readonly ElementType[] = [
  { dtype: 'float64', kind: 'f', size: 8, tag: 'Float64Array', create: (n) => new Float64Array(n), get: 'getFloat64', set: 'setFloat64' },
  { dtype: 'float32', kind: 'f', size: 4, tag: 'Float32Array', create: (n) => new Float32Array(n), get: 'getFloat32', set: 'setFloat32' },
  { dtype: 'int8', kind: 'i', size: 1, tag: 'Int8Array', create: (n) => new Int8Array(n), get: 'getInt8', set: 'setInt8' },
  { dtype: 'int16', kind: 'i', size: 2, tag: 'Int16Array', create: (n) => new Int16Array(n), get: 'getInt16', set: 'setInt16' },
  { dtype: 'int32', kind: 'i', size: 4, tag: 'Int32Array', create: (n) => new Int32Array(n), get: 'getInt32', set: 'setInt32' },
  { dtype: 'int64', kind: 'i', size: 8, tag: 'BigInt64Array', create: (n) => new BigInt64Array(n), get: 'getBigInt64', set: 'setBigInt64' },
  { dtype: 'uint8', kind: 'u', size: 1, tag: 'Uint8Array', create: (n) => new Uint8Array(n), get: 'getUint8', set: 'setUint8' },
  { dtype: 'uint16', kind: 'u', size: 2, tag: 'Uint16Array', create: (n) => new Uint16Array(n), get: 'getUint16', set: 'setUint16' },
  { dtype: 'uint32', kind: 'u', size: 4, tag: 'Uint32Array', create: (n) => new Uint32Array(n), get: 'getUint32', set: 'setUint32' },
  { dtype: 'uint64', kind: 'u', size: 8, tag: 'BigUint64Array', create: (n) => new BigUint64Array(n), get: 'getBigUint64', set: 'setBigUint64' },
];

const SUPPORTED = 'float64/float32, int8/16/32/64, uint8/16/32/64';
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * An `NdArray` over `data`, checking that `shape` (default: 1-D) holds exactly `data.length`
 * elements. The dtype follows from the typed array.
 *
 * @example
 * ndarray(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]); // { data, shape: [2, 3], dtype: 'int32' }
 * ndarray(new Float64Array([0.5]), []);                 // a scalar
 */
export function ndarray<T extends NpyTypedArray>(data: T, shape: readonly number[] = [data.length]): NdArray<T> {
  const type = elementTypeOf(data);
  if (!type) throw new NpyFormatError(`${describe(data)} has no numpy dtype; use one of ${typedArrayNames()}`);
  checkShape(shape, data.length);
  return { data, shape: [...shape], dtype: type.dtype };
}

/**
 * True for a typed array that has a numpy dtype (and so can be saved as `.npy`).
 *
 * @example
 * isNpyTypedArray(new Float32Array(3));      // true
 * isNpyTypedArray(new Uint8ClampedArray(3)); // false
 */
export function isNpyTypedArray(value: unknown): value is NpyTypedArray {
  return elementTypeOf(value) !== undefined;
}

/**
 * `.npy` bytes (format 1.0, little-endian data) of a 1-D typed array or an `NdArray`, identical
 * to what `np.save` writes for the same array.
 *
 * @example
 * encodeNpy(new Float64Array([1.5, 2, 3]));                  // == np.save(f, np.array([1.5, 2, 3]))
 * encodeNpy({ data: new Int32Array(6), shape: [2, 3] });
 */
export function encodeNpy(array: NpyTypedArray | { data: NpyTypedArray; shape: readonly number[]; dtype?: DType }): Uint8Array {
  const flat = ArrayBuffer.isView(array);
  const data = flat ? array : array.data;
  const type = elementTypeOf(data);
  if (!type) throw new NpyFormatError(`${flat ? 'the array' : 'data'} is ${describe(data)}, which has no numpy dtype; use one of ${typedArrayNames()}`);
  const shape = flat ? [data.length] : array.shape;
  if (!flat && array.dtype !== undefined && array.dtype !== type.dtype) {
    throw new NpyFormatError(`dtype is '${array.dtype}' but data is a ${type.tag} (${type.dtype}); drop dtype or convert the data`);
  }
  checkShape(shape, data.length);

  const header = headerBytes(descrOf(type, '<'), shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  if (HOST_IS_LITTLE_ENDIAN || type.size === 1) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  } else {
    const view = new DataView(out.buffer, header.length);
    const set = view[type.set] as (offset: number, value: number | bigint, littleEndian: boolean) => void;
    for (let i = 0; i < data.length; i++) set.call(view, i * type.size, data[i]!, true);
  }
  return out;
}

/**
 * Reads `.npy` bytes (formats 1.0 and 2.0, either byte order, C order) into an `NdArray` whose
 * data is in host byte order.
 *
 * @example
 * const { data, shape, dtype } = decodeNpy(readFileSync('weights.npy')); // Float32Array, [64, 10], 'float32'
 */
export function decodeNpy(bytes: Uint8Array): NdArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError('not a .npy file (it does not start with "\\x93NUMPY")');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1 && minor === 0) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 && minor === 0 && bytes.length >= 12) {
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw new NpyFormatError(`.npy format version ${major}.${minor} is not supported (machinable reads 1.0 and 2.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyFormatError('the .npy header is truncated');
  const header = parseHeader(latin1(bytes.subarray(headerStart, dataStart)));

  const count = header.shape.reduce((n, d) => n * d, 1);
  const byteLength = count * header.type.size;
  const available = bytes.length - dataStart;
  if (available !== byteLength) {
    throw new NpyFormatError(
      `shape ${pyTuple(header.shape)} of ${header.type.dtype} needs ${byteLength} data bytes but the file has ${available} ` +
        `(${available < byteLength ? 'truncated' : 'trailing bytes'})`,
    );
  }
  const data = header.type.create(count);
  const hostOrder = header.order === '|' || (header.order === '<') === HOST_IS_LITTLE_ENDIAN;
  if (hostOrder) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  } else {
    const get = view[header.type.get] as (offset: number, littleEndian: boolean) => number | bigint;
    const little = header.order === '<';
    // `as never`: the getter matches the element type by construction (number or bigint).
    for (let i = 0; i < count; i++) data[i] = get.call(view, dataStart + i * header.type.size, little) as never;
  }
  return { data, shape: header.shape, dtype: header.type.dtype };
}

// --- header -------------------------------------------------------------------------------------

/** Magic, version 1.0, length and the padded dict, exactly as numpy's `_write_array_header`. */
function headerBytes(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // numpy always adds padding: a header that is already aligned gets a full ALIGN more spaces.
  const padding = ALIGN - ((10 + dict.length + 1) % ALIGN);
  const text = `${dict}${' '.repeat(padding)}\n`;
  const out = new Uint8Array(10 + text.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

interface Header {
  readonly type: ElementType;
  readonly order: '<' | '>' | '|';
  readonly shape: number[];
}

const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'];

function parseHeader(text: string): Header {
  const dict = new PyLiteralParser(text).parseDocument();
  if (!(dict instanceof Map)) throw new NpyFormatError(`the .npy header is not a dict: ${JSON.stringify(text.trim())}`);
  const keys = [...dict.keys()].sort();
  if (keys.length !== EXPECTED_KEYS.length || keys.some((k, i) => k !== EXPECTED_KEYS[i])) {
    throw new NpyFormatError(`the .npy header has keys ${JSON.stringify(keys)}; expected ${JSON.stringify(EXPECTED_KEYS)}`);
  }

  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') throw new NpyFormatError(`fortran_order in the .npy header is not a bool`);
  if (fortran) {
    throw new NpyFormatError(
      'the array is stored in Fortran (column-major) order, which is not supported; ' +
        'save it from Python as np.save(path, np.ascontiguousarray(a))',
    );
  }

  const shape = dict.get('shape');
  if (!(shape instanceof PyTuple) || !shape.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new NpyFormatError(`shape in the .npy header is not a tuple of non-negative integers`);
  }

  const descr = dict.get('descr');
  if (typeof descr !== 'string') {
    throw new NpyFormatError(`structured dtypes are not supported (descr is not a string); supported: ${SUPPORTED}`);
  }
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const order = match?.[1] === '=' ? (HOST_IS_LITTLE_ENDIAN ? '<' : '>') : (match?.[1] as Header['order'] | undefined);
  const type = match && ELEMENT_TYPES.find((t) => t.kind === match[2] && t.size === Number(match[3]));
  if (!match || !type || !order || (order === '|' && type.size !== 1)) {
    throw new NpyFormatError(`dtype '${descr}' is not supported; supported: ${SUPPORTED}`);
  }
  return { type, order, shape: shape.items as number[] };
}

/** A Python tuple, kept apart from lists so `shape` can be checked the way numpy checks it. */
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyValue[] | PyTuple | Map<string, PyValue>;

/**
 * The subset of Python literals that `.npy` headers use (numpy reads them with
 * `ast.literal_eval`): dicts, tuples, lists, strings, ints, True/False/None. Accepts the `L`
 * suffix on ints that Python 2 wrote.
 */
class PyLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the dict');
    return value;
  }

  private value(): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')');
    if (c === '[') return this.sequence(']');
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:-?\d+L?|True|False|None)/.exec(this.text.slice(this.pos))?.[0];
    if (!word) this.fail('expected a value');
    this.pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return Number(word.replace('L', ''));
  }

  private dict(): Map<string, PyValue> {
    const entries = new Map<string, PyValue>();
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.eat('}')) return entries;
      const key = this.value();
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      this.skipSpace();
      if (!this.eat(':')) this.fail("expected ':'");
      entries.set(key, this.value());
      this.skipSpace();
      if (!this.eat(',') && this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
  }

  private sequence(close: ')' | ']'): PyValue {
    const items: PyValue[] = [];
    let trailingComma = false;
    this.pos++; // ( or [
    for (;;) {
      this.skipSpace();
      if (this.eat(close)) break;
      items.push(this.value());
      this.skipSpace();
      trailingComma = this.eat(',');
      if (!trailingComma && this.text[this.pos] !== close) this.fail(`expected ',' or '${close}'`);
    }
    // `(3)` is just 3 in Python; only `(3,)` is a tuple.
    if (close === ')' && items.length === 1 && !trailingComma) return items[0]!;
    return close === ')' ? new PyTuple(items) : items;
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (this.text[this.pos] === '\\') this.pos++;
      out += this.text[this.pos++] ?? '';
    }
    if (!this.eat(quote!)) this.fail('unterminated string');
    return out;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private eat(c: string): boolean {
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private fail(reason: string): never {
    throw new NpyFormatError(`cannot parse the .npy header (${reason} at offset ${this.pos}): ${JSON.stringify(this.text.trim())}`);
  }
}

// --- helpers ------------------------------------------------------------------------------------

function elementTypeOf(value: unknown): ElementType | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const tag = (value as unknown as { [Symbol.toStringTag]: unknown })[Symbol.toStringTag];
  return ELEMENT_TYPES.find((t) => t.tag === tag);
}

function descrOf(type: ElementType, order: '<' | '>'): string {
  return `${type.size === 1 ? '|' : order}${type.kind}${type.size}`;
}

function checkShape(shape: readonly number[], length: number): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new NpyFormatError(`shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  }
  if (shape.length > MAX_DIMS) throw new NpyFormatError(`shape has ${shape.length} axes; numpy allows at most ${MAX_DIMS}`);
  const count = shape.reduce((n, d) => n * d, 1);
  if (count !== length) {
    throw new NpyFormatError(
      `shape ${JSON.stringify(shape)} holds ${count} element${count === 1 ? '' : 's'} but data has ${length}; ` +
        'the product of the shape must equal data.length',
    );
  }
}

/** Python's `repr` of a tuple of ints: `()`, `(3,)`, `(2, 3)`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function typedArrayNames(): string {
  return ELEMENT_TYPES.map((t) => t.tag).join(', ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = Array.isArray(value) ? 'Array' : ((value as object).constructor?.name ?? 'Object');
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}
