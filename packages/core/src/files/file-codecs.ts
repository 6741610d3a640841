import { FileFormatError, NpyFormatError } from '../kernel/errors.js';
import { decodeNpy, encodeNpy, type NpyTypedArray } from './npy.js';

/**
 * How `Interface.saveFile`/`loadFile` turn user data into file bytes and back, chosen by the
 * file name's extension (case-insensitive): `.json`, `.jsonl`, `.npy`, `.bin`, and text for
 * everything else. Data that a format would store differently from what was given (NaN in
 * JSON, a Map, an object for a text file) is an error, never a silent wrong answer.
 */

interface Codec {
  encode(file: string, data: unknown): Uint8Array;
  decode(file: string, bytes: Uint8Array): unknown;
}

/**
 * The bytes to store for `data` in a file called `name`. The result never shares memory with
 * `data`, so changing `data` afterwards cannot change a buffered file.
 *
 * @example
 * encodeFile('result.json', { loss: 0.5 });               // '{\n  "loss": 0.5\n}\n' as UTF-8
 * encodeFile('x.npy', ndarray(new Int32Array(6), [2, 3])); // what np.save writes
 */
export function encodeFile(name: string, data: unknown): Uint8Array {
  return codecFor(name).encode(name, data);
}

/**
 * The value stored in a file called `name`: parsed JSON, an array of JSON lines, an `NdArray`,
 * a `Buffer` (`.bin`) or a string.
 *
 * @example
 * decodeFile('result.json', bytes) as { loss: number };
 * (decodeFile('x.npy', bytes) as NdArray).shape;          // [2, 3]
 */
export function decodeFile(name: string, bytes: Uint8Array): unknown {
  return codecFor(name).decode(name, bytes);
}

/**
 * One compact JSON line (without the newline) for appending to a `.jsonl` file; rejects the same
 * values `.json` does. `name` only labels error messages.
 *
 * @example
 * storage.appendLine(uuid, 'events.jsonl', encodeJsonLine({ step: 1, loss: 0.3 }, 'events.jsonl'));
 * encodeJsonLine({ step: 1 }); // '{"step":1}'
 */
export function encodeJsonLine(item: unknown, name = 'JSON line'): string {
  checkJsonValue(name, item, '$');
  return JSON.stringify(item);
}

function codecFor(name: string): Codec {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  // Like path.extname: a leading dot marks a hidden file, not an extension.
  const extension = dot > 0 ? base.slice(dot).toLowerCase() : '';
  return CODECS[extension] ?? text;
}

// --- codecs -------------------------------------------------------------------------------------

const json: Codec = {
  encode(file, data) {
    checkJsonValue(file, data, '$');
    return utf8(`${JSON.stringify(data, null, 2)}\n`);
  },
  decode(file, bytes) {
    const source = decodeUtf8(file, bytes, { keepBom: false });
    try {
      return JSON.parse(source);
    } catch (error) {
      throw new FileFormatError(file, `not valid JSON (${(error as Error).message})`);
    }
  },
};

const jsonl: Codec = {
  encode(file, data) {
    if (!Array.isArray(data)) {
      throw new FileFormatError(file, `a .jsonl file stores an array (one JSON line per item), got ${describe(data)}; wrap it in [...] or use .json`);
    }
    const lines = data.map((item, i) => {
      checkJsonValue(file, item, `$[${i}]`);
      return `${JSON.stringify(item)}\n`;
    });
    return utf8(lines.join(''));
  },
  decode(file, bytes) {
    const lines = decodeUtf8(file, bytes, { keepBom: false }).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') throw new FileFormatError(file, `line ${i + 1} is empty; every line of a .jsonl file must be one JSON value`);
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new FileFormatError(file, `line ${i + 1} is not valid JSON (${(error as Error).message})`);
      }
    });
  },
};

const npy: Codec = {
  encode(file, data) {
    const isArrayLike = ArrayBuffer.isView(data) || (typeof data === 'object' && data !== null && 'data' in data && 'shape' in data);
    if (!isArrayLike) {
      throw new FileFormatError(
        file,
        `a .npy file stores a typed array or an NdArray { data, shape }, got ${describe(data)}; ` +
          'wrap numbers as new Float64Array(values) (or ndarray(values, shape)), or use .json',
      );
    }
    return rethrowNpy(file, () => encodeNpy(data as NpyTypedArray));
  },
  decode(file, bytes) {
    return rethrowNpy(file, () => decodeNpy(bytes));
  },
};

const bin: Codec = {
  encode(file, data) {
    const bytes = copyBytes(data);
    if (bytes) return bytes;
    throw new FileFormatError(
      file,
      `a .bin file stores bytes (Uint8Array, Buffer or ArrayBuffer), got ${describe(data)}; ` +
        (ArrayBuffer.isView(data) ? 'save typed arrays as .npy (portable, keeps dtype and shape)' : 'use .json for structured data or a text name for strings'),
    );
  },
  decode(_file, bytes) {
    return Buffer.from(bytes); // a copy: the caller may keep and mutate it
  },
};

const text: Codec = {
  encode(file, data) {
    if (typeof data === 'string') {
      // TextEncoder would silently write U+FFFD for a lone surrogate.
      const lone = /\p{Surrogate}/u.exec(data);
      if (lone) {
        const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
        throw new FileFormatError(
          file,
          `the string has an unpaired surrogate (\\u${code} at index ${lone.index}), which UTF-8 cannot store; ` +
            'it usually comes from cutting a string in the middle of an emoji',
        );
      }
      return utf8(data);
    }
    const bytes = copyBytes(data);
    if (bytes) return bytes;
    throw new FileFormatError(
      file,
      `a text file stores a string, got ${describe(data)}; pick a .json name to store structured data, ` +
        'or convert it to a string yourself (e.g. String(x))',
    );
  },
  decode(file, bytes) {
    return decodeUtf8(file, bytes, { keepBom: true });
  },
};

const CODECS: Readonly<Record<string, Codec>> = { '.json': json, '.jsonl': jsonl, '.npy': npy, '.bin': bin };

// --- JSON values --------------------------------------------------------------------------------

/**
 * Throws for anything `JSON.stringify` would drop, turn into null or `{}`, or choke on. Walks
 * the data the way `JSON.stringify` does (calling `toJSON`), so the message can name the path.
 */
function checkJsonValue(file: string, root: unknown, rootPath: string): void {
  // The objects being checked, from the root down, each with its depth in `keys`: the keys from the
  // root down to the value being checked. Paths are spelled only for an error.
  const ancestors = new Map<object, number>();
  const keys: (string | number)[] = [];
  const pathTo = (depth: number): string =>
    rootPath + keys.slice(0, depth).map((k) => (typeof k === 'number' ? `[${k}]` : propertyPath(k))).join('');
  const fail = (problem: string): never => {
    throw new FileFormatError(file, `${pathTo(keys.length)} ${problem}`);
  };
  const opaque = (value: unknown): void => {
    const reason = opaqueReason(value);
    if (reason) fail(reason);
  };

  const visit = (input: unknown, key: string): void => {
    opaque(input);
    let value = input;
    const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
    if (typeof toJSON === 'function' && (typeof value === 'object' || typeof value === 'bigint')) {
      value = toJSON.call(value, key);
      opaque(value);
    }
    if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();

    switch (typeof value) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(value)) fail(`is ${value}; JSON cannot store it (store null or a string instead, or save the numbers as .npy)`);
        return;
      case 'bigint':
        return fail(`is a BigInt (${value}n); JSON cannot store it (convert with Number(x) if it fits, or String(x))`);
      case 'undefined':
        return fail('is undefined; JSON cannot store it (JSON.stringify would silently drop or null it); use null or leave the key out');
      case 'function':
        return fail('is a function; JSON cannot store it');
      case 'symbol':
        return fail('is a symbol; JSON cannot store it');
    }
    if (value === null) return;

    const object = value as object;
    const seenAt = ancestors.get(object);
    if (seenAt !== undefined) fail(`refers back to ${pathTo(seenAt)} (a cycle); JSON cannot store cyclic structures`);
    ancestors.set(object, keys.length);
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        keys.push(i);
        visit(object[i], String(i));
        keys.pop();
      }
    } else {
      const record = object as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        keys.push(k);
        visit(record[k], k);
        keys.pop();
      }
    }
    ancestors.delete(object);
  };

  visit(root, '');
}

/** Why an object would come out of `JSON.stringify` as something else, or undefined if it would not. */
function opaqueReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'is an invalid Date; JSON would store it as null' : undefined;
  const tag = tagOf(value);
  if (ArrayBuffer.isView(value) || tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') {
    return `is ${describe(value)}; JSON would not store it as bytes (convert with Array.from(x), or save it to its own .npy or .bin file)`;
  }
  const kind = Object.keys(OPAQUE_HINTS).find((name) => tag === name || (name === 'Error' && value instanceof Error));
  return kind ? `is ${describe(value)}; JSON would store it as {} (${OPAQUE_HINTS[kind]})` : undefined;
}

/** What to do instead, for objects JSON would store as `{}`, by their tag. */
const OPAQUE_HINTS: Readonly<Record<string, string>> = {
  Map: 'convert with Object.fromEntries(map) or [...map]',
  Set: 'convert with [...set]',
  WeakMap: 'it cannot be enumerated',
  WeakSet: 'it cannot be enumerated',
  WeakRef: 'store the referenced value',
  RegExp: 'store String(re) or re.source',
  Error: 'store error.message',
  Promise: 'await it first',
};

function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

// --- helpers ------------------------------------------------------------------------------------

function rethrowNpy<T>(file: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof NpyFormatError) throw new FileFormatError(file, error.message);
    throw error;
  }
}

/** A copy of a Uint8Array (Buffer included) or ArrayBuffer; undefined for anything else. */
function copyBytes(data: unknown): Uint8Array | undefined {
  const tag = tagOf(data);
  if (tag === 'Uint8Array') return new Uint8Array(data as Uint8Array);
  if (tag === 'ArrayBuffer') return new Uint8Array((data as ArrayBuffer).slice(0));
  return undefined;
}

const encoder = new TextEncoder();

function utf8(source: string): Uint8Array {
  return encoder.encode(source);
}

/** Strict UTF-8: bytes that are not text are an error, not U+FFFD. */
function decodeUtf8(file: string, bytes: Uint8Array, { keepBom }: { keepBom: boolean }): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes);
  } catch {
    throw new FileFormatError(file, 'not valid UTF-8 text; binary data belongs in a .bin or .npy file');
  }
}

/** `Object.prototype.toString` tag: realm-safe, and `Buffer` reports `Uint8Array`. */
function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
  const name = Array.isArray(value) ? 'Array' : value instanceof Error ? value.constructor.name : tagOf(value) === 'Object' ? (value.constructor?.name ?? 'Object') : tagOf(value);
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
}
