/**
 * How `saveFile`/`loadFile` turn data into bytes, by extension (DESIGN.md, "Interface lifecycle").
 * Every `.npy` hex string below was produced by numpy 2.4 while writing these tests; the comment
 * above each shows the expression. Shorthand used in those comments:
 *   npy(a) = (b := io.BytesIO(), np.save(b, a), b.getvalue().hex())[2]
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FileFormatError,
  MachinableError,
  decodeFile,
  encodeFile,
  encodeJsonLine,
  isNpyTypedArray,
  ndarray,
  NpyFormatError,
  type NdArray,
} from '@machinable/core';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (hexString: string): Uint8Array => new Uint8Array(Buffer.from(hexString, 'hex'));
const utf8 = (source: string): Uint8Array => new TextEncoder().encode(source);
const asText = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** Runs `fn`, asserts it throws a FileFormatError for `file`, and returns the message. */
function failure(file: string, fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof FileFormatError, `expected FileFormatError, got ${String(error)}`);
    assert.ok(error instanceof MachinableError);
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    return error.message;
  }
  assert.fail('expected a FileFormatError');
}

/**
 * A .npy file around a hand-written header dict, padded the way numpy pads (64-byte alignment),
 * for headers numpy itself would never write.
 */
function npyWithHeader(dict: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const padding = 64 - ((prefix + dict.length + 1) % 64);
  const header = `${dict}${' '.repeat(padding)}\n`;
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, ...utf8('NUMPY'), version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(utf8(header), prefix);
  out.set(data, prefix + header.length);
  return out;
}

describe('files: choosing the format by extension', () => {
  it('ignores the case of the extension', () => {
    assert.equal(asText(encodeFile('RESULT.JSON', { a: 1 })), '{\n  "a": 1\n}\n');
    assert.deepEqual(decodeFile('Rows.JsonL', utf8('1\n2\n')), [1, 2]);
  });

  it('looks only at the last segment of a nested name', () => {
    assert.equal(asText(encodeFile('eval/v1.2/result.json', [1])), '[\n  1\n]\n');
    // The dot is in the directory, so this file has no extension: text.
    assert.equal(asText(encodeFile('runs.json/notes', 'hi')), 'hi');
  });

  it('treats every other name as text: .txt, .log, .csv, .yaml, no extension, dotfiles', () => {
    for (const name of ['notes.txt', 'run.log', 'table.csv', 'config.yaml', 'README', '.json']) {
      assert.equal(hex(encodeFile(name, 'a,b')), '612c62', name);
      assert.equal(decodeFile(name, utf8('a,b')), 'a,b', name);
    }
  });
});

describe('files: .json', () => {
  it('writes JSON.stringify(data, null, 2) and a final newline', () => {
    const bytes = encodeFile('result.json', { loss: 0.25, tags: ['a', 'ü'], nested: { ok: true, none: null } });
    assert.equal(
      asText(bytes),
      '{\n  "loss": 0.25,\n  "tags": [\n    "a",\n    "ü"\n  ],\n  "nested": {\n    "ok": true,\n    "none": null\n  }\n}\n',
    );
  });

  it('reads back what it wrote', () => {
    const data = { loss: 1 / 3, steps: [1, 2, 3], meta: { name: 'run 1 ✓', done: false, note: null }, big: 1e300 };
    assert.deepEqual(decodeFile('result.json', encodeFile('result.json', data)), data);
  });

  it('reads a file that starts with a UTF-8 byte order mark', () => {
    assert.deepEqual(decodeFile('result.json', utf8('\ufeff{"a": 1}')), { a: 1 });
  });

  it('calls toJSON like JSON.stringify does (a Date becomes its ISO string)', () => {
    const data = { at: new Date(Date.UTC(2024, 0, 2)) };
    assert.deepEqual(decodeFile('t.json', encodeFile('t.json', data)), { at: '2024-01-02T00:00:00.000Z' });
  });

  it('stores the same object twice when that is not a cycle', () => {
    const shared = { lr: 0.1 };
    assert.deepEqual(decodeFile('a.json', encodeFile('a.json', { a: shared, b: [shared] })), { a: { lr: 0.1 }, b: [{ lr: 0.1 }] });
  });

  it('rejects NaN, naming the file and the path inside the data', () => {
    const message = failure('result.json', () => encodeFile('result.json', { metrics: [0.1, 0.2, 0.3, NaN] }));
    assert.match(message, /^result\.json: \$\.metrics\[3\] is NaN; JSON cannot store it/);
  });

  it('rejects Infinity and -Infinity (JSON.stringify would write null)', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { best: Infinity })), /^r\.json: \$\.best is Infinity; JSON cannot store it/);
    assert.match(failure('r.json', () => encodeFile('r.json', [[-Infinity]])), /^r\.json: \$\[0\]\[0\] is -Infinity; /);
    assert.match(failure('r.json', () => encodeFile('r.json', new Number(NaN))), /^r\.json: \$ is NaN; /);
  });

  it('rejects undefined in objects, arrays and at the top level', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { a: { b: undefined } })), /^r\.json: \$\.a\.b is undefined; JSON cannot store it/);
    assert.match(failure('r.json', () => encodeFile('r.json', [1, undefined])), /^r\.json: \$\[1\] is undefined; /);
    // A hole in a sparse array is undefined too (JSON.stringify writes null).
    assert.match(failure('r.json', () => encodeFile('r.json', [1, , 3])), /^r\.json: \$\[1\] is undefined; /);
    assert.match(failure('r.json', () => encodeFile('r.json', undefined)), /^r\.json: \$ is undefined; /);
  });

  it('rejects functions and symbols', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { fn: () => 1 })), /^r\.json: \$\.fn is a function; JSON cannot store it/);
    assert.match(failure('r.json', () => encodeFile('r.json', [Symbol('s')])), /^r\.json: \$\[0\] is a symbol; /);
  });

  it('rejects BigInt, suggesting a conversion', () => {
    const message = failure('r.json', () => encodeFile('r.json', { count: 12n }));
    assert.match(message, /^r\.json: \$\.count is a BigInt \(12n\); JSON cannot store it \(convert with Number\(x\)/);
  });

  it('rejects a cycle, naming where it points back to', () => {
    const run: Record<string, unknown> = { name: 'a' };
    const child = { parent: run };
    run.children = [child];
    const message = failure('r.json', () => encodeFile('r.json', { run }));
    assert.match(message, /^r\.json: \$\.run\.children\[0\]\.parent refers back to \$\.run \(a cycle\); JSON cannot store cyclic structures/);
  });

  it('rejects values JSON.stringify would write as {} (Map, Set, RegExp, Error), suggesting a conversion', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { m: new Map([['a', 1]]) })), /^r\.json: \$\.m is a Map; JSON would store it as \{\} \(convert with Object\.fromEntries\(map\)/);
    assert.match(failure('r.json', () => encodeFile('r.json', { s: new Set([1]) })), /^r\.json: \$\.s is a Set; .*\[\.\.\.set\]/);
    assert.match(failure('r.json', () => encodeFile('r.json', { re: /a/ })), /^r\.json: \$\.re is a RegExp; /);
    assert.match(failure('r.json', () => encodeFile('r.json', { e: new RangeError('x') })), /^r\.json: \$\.e is a RangeError; .*error\.message/);
  });

  it('rejects typed arrays and buffers, pointing to .npy and .bin', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { w: new Float64Array(2) })), /^r\.json: \$\.w is a Float64Array; .*Array\.from\(x\).*\.npy or \.bin/);
    assert.match(failure('r.json', () => encodeFile('r.json', { b: Buffer.from('hi') })), /^r\.json: \$\.b is a Uint8Array; /);
    assert.match(failure('r.json', () => encodeFile('r.json', { b: new ArrayBuffer(2) })), /^r\.json: \$\.b is an ArrayBuffer; /);
  });

  it('rejects an invalid Date (JSON.stringify would write null)', () => {
    assert.match(failure('r.json', () => encodeFile('r.json', { at: new Date('nope') })), /^r\.json: \$\.at is an invalid Date; /);
  });

  it('checks the value a toJSON method returns', () => {
    const odd = { toJSON: () => ({ score: NaN }) };
    assert.match(failure('r.json', () => encodeFile('r.json', { odd })), /^r\.json: \$\.odd\.score is NaN; /);
  });

  it('quotes keys that are not identifiers in the path', () => {
    const message = failure('r.json', () => encodeFile('r.json', { runs: { 'learning rate': [NaN], 'a.b': 1 } }));
    assert.match(message, /^r\.json: \$\.runs\["learning rate"\]\[0\] is NaN; /);
  });

  it('throws naming the file when the bytes are not JSON', () => {
    assert.match(failure('result.json', () => decodeFile('result.json', utf8('{"loss": 0.1,}'))), /^result\.json: not valid JSON \(/);
    assert.match(failure('result.json', () => decodeFile('result.json', utf8(''))), /^result\.json: not valid JSON \(/);
  });

  it('throws naming the file when the bytes are not UTF-8', () => {
    assert.match(failure('result.json', () => decodeFile('result.json', fromHex('22ff22'))), /^result\.json: not valid UTF-8 text; /);
  });
});

describe('files: .jsonl', () => {
  it('writes one compact JSON line per item', () => {
    const bytes = encodeFile('events.jsonl', [{ step: 1, loss: 0.5 }, 'note', [1, 2], null]);
    assert.equal(asText(bytes), '{"step":1,"loss":0.5}\n"note"\n[1,2]\nnull\n');
  });

  it('writes an empty file for an empty array, and reads it back as []', () => {
    assert.equal(encodeFile('e.jsonl', []).length, 0);
    assert.deepEqual(decodeFile('e.jsonl', new Uint8Array(0)), []);
  });

  it('reads back the array it wrote', () => {
    const rows = [{ a: 1, text: 'line\nbreak' }, { a: 2, nested: { b: [true, null] } }];
    assert.deepEqual(decodeFile('e.jsonl', encodeFile('e.jsonl', rows)), rows);
  });

  it('skips a final empty line, and reads a file without one', () => {
    assert.deepEqual(decodeFile('e.jsonl', utf8('{"a":1}\n{"a":2}\n')), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(decodeFile('e.jsonl', utf8('{"a":1}\n{"a":2}')), [{ a: 1 }, { a: 2 }]);
  });

  it('reads Windows line endings', () => {
    assert.deepEqual(decodeFile('e.jsonl', utf8('1\r\n2\r\n')), [1, 2]);
  });

  it('requires an array', () => {
    const message = failure('e.jsonl', () => encodeFile('e.jsonl', { a: 1 }));
    assert.match(message, /^e\.jsonl: a \.jsonl file stores an array \(one JSON line per item\), got an Object; /);
  });

  it('checks every item like .json, naming the item', () => {
    assert.match(failure('e.jsonl', () => encodeFile('e.jsonl', [{ loss: 1 }, { loss: NaN }])), /^e\.jsonl: \$\[1\]\.loss is NaN; /);
    assert.match(failure('e.jsonl', () => encodeFile('e.jsonl', [1, undefined])), /^e\.jsonl: \$\[1\] is undefined; /);
  });

  it('names the file and line number of a line that is not JSON', () => {
    const message = failure('e.jsonl', () => decodeFile('e.jsonl', utf8('{"a":1}\n{"a":2}\n{"a":\n')));
    assert.match(message, /^e\.jsonl: line 3 is not valid JSON \(/);
  });

  it('rejects an empty line before the end', () => {
    assert.match(failure('e.jsonl', () => decodeFile('e.jsonl', utf8('1\n\n2\n'))), /^e\.jsonl: line 2 is empty; /);
  });

  it('encodeJsonLine gives one compact line without a newline, for appending', () => {
    assert.equal(encodeJsonLine({ step: 2, tags: ['a'] }), '{"step":2,"tags":["a"]}');
  });

  it('encodeJsonLine rejects what .json rejects, naming the file when given', () => {
    assert.match(failure('events.jsonl', () => encodeJsonLine({ loss: Infinity }, 'events.jsonl')), /^events\.jsonl: \$\.loss is Infinity; /);
    assert.throws(() => encodeJsonLine(undefined), { name: 'FileFormatError', message: /^JSON line: \$ is undefined; / });
  });
});

describe('files: .npy writing', () => {
  // npy(np.array([1.5, 2, 3], dtype='<f8'))
  const F8_1D =
    '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000f83f00000000000000400000000000000840';

  it('writes the header numpy writes', () => {
    const bytes = encodeFile('x.npy', new Float64Array([1.5, 2, 3]));
    assert.equal(hex(bytes), F8_1D);
    // Magic and version 1.0, a little-endian uint16 header length, the dict padded to 128 bytes.
    assert.equal(hex(bytes.subarray(0, 10)), '934e554d505901007600');
    const header = asText(bytes.subarray(10, 128));
    assert.equal(header.trimEnd(), "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
    assert.ok(header.endsWith(' \n'));
  });

  const dtypes: ReadonlyArray<readonly [string, NdArray['data'], string]> = [
    // npy(np.array([1.5, -2.25], dtype='<f4'))
    ['<f4', new Float32Array([1.5, -2.25]), '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000010c0'],
    // npy(np.array([-1, 2], dtype='|i1'))
    ['|i1', new Int8Array([-1, 2]), '934e554d5059010076007b276465736372273a20277c6931272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200aff02'],
    // npy(np.array([255, 1], dtype='|u1'))
    ['|u1', new Uint8Array([255, 1]), '934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200aff01'],
    // npy(np.array([-2, 3], dtype='<i2'))
    ['<i2', new Int16Array([-2, 3]), '934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afeff0300'],
    // npy(np.array([65535, 1], dtype='<u2'))
    ['<u2', new Uint16Array([65535, 1]), '934e554d5059010076007b276465736372273a20273c7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200affff0100'],
    // npy(np.array([-2, 3], dtype='<i4'))
    ['<i4', new Int32Array([-2, 3]), '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afeffffff03000000'],
    // npy(np.array([4294967295, 1], dtype='<u4'))
    ['<u4', new Uint32Array([4294967295, 1]), '934e554d5059010076007b276465736372273a20273c7534272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200affffffff01000000'],
    // npy(np.array([-2, 3], dtype='<i8'))
    ['<i8', new BigInt64Array([-2n, 3n]), '934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afeffffffffffffff0300000000000000'],
    // npy(np.array([2**64 - 1, 1], dtype='<u8'))
    ['<u8', new BigUint64Array([2n ** 64n - 1n, 1n]), '934e554d5059010076007b276465736372273a20273c7538272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200affffffffffffffff0100000000000000'],
  ];
  for (const [descr, data, expected] of dtypes) {
    it(`writes a ${data.constructor.name} as '${descr}', byte for byte like numpy`, () => {
      assert.equal(hex(encodeFile('x.npy', data)), expected);
    });
  }

  it('writes a 2-D array from an NdArray { data, shape }', () => {
    // npy(np.arange(6, dtype='<i4').reshape(2, 3))
    const I4_2x3 =
      '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000100000002000000030000000400000005000000';
    assert.equal(hex(encodeFile('x.npy', { data: new Int32Array([0, 1, 2, 3, 4, 5]), shape: [2, 3] })), I4_2x3);
    // npy(np.arange(6, dtype='<f4').reshape(3, 2))
    const F4_3x2 =
      '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c2032292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040000080400000a040';
    assert.equal(hex(encodeFile('x.npy', ndarray(new Float32Array([0, 1, 2, 3, 4, 5]), [3, 2]))), F4_3x2);
  });

  it("writes a scalar with shape ()", () => {
    // npy(np.array(7.0))
    const scalar =
      '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000001c40';
    assert.equal(hex(encodeFile('x.npy', ndarray(new Float64Array([7]), []))), scalar);
  });

  it('writes empty arrays and zero-length axes', () => {
    // npy(np.zeros((0,), dtype='<f8'))
    const empty =
      '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028302c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a';
    assert.equal(hex(encodeFile('x.npy', new Float64Array(0))), empty);
    // npy(np.zeros((100000, 0), dtype='<u2')): the growth padding shrinks as the first axis gets longer
    const wide =
      '934e554d5059010076007b276465736372273a20273c7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a20283130303030302c2030292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a';
    assert.equal(hex(encodeFile('x.npy', ndarray(new Uint16Array(0), [100000, 0]))), wide);
  });

  it('pads a header that is already aligned by a further 64 bytes, as numpy does', () => {
    // npy(np.zeros((1,)*12 + (0, 100), dtype='|i1')): dict + growth padding + '\n' end exactly on
    // byte 128, and numpy still adds 64 spaces (192 bytes in all).
    const aligned =
      '934e554d50590100b6007b276465736372273a20277c6931272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20312c20302c20313030292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a';
    const bytes = encodeFile('x.npy', ndarray(new Int8Array(0), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 100]));
    assert.equal(bytes.length, 192);
    assert.equal(hex(bytes), aligned);
  });

  it('writes only the elements of a subarray view', () => {
    const whole = new Float64Array([9, 1.5, 2, 3, 9]);
    assert.equal(hex(encodeFile('x.npy', whole.subarray(1, 4))), F8_1D);
  });

  it('accepts an NdArray with a matching dtype and rejects one whose dtype disagrees with the data', () => {
    assert.equal(hex(encodeFile('x.npy', { data: new Float64Array([1.5, 2, 3]), shape: [3], dtype: 'float64' })), F8_1D);
    const message = failure('x.npy', () => encodeFile('x.npy', { data: new Float64Array(3), shape: [3], dtype: 'int32' }));
    assert.match(message, /^x\.npy: dtype is 'int32' but data is a Float64Array \(float64\)/);
  });

  it('rejects a shape whose product is not data.length', () => {
    const message = failure('x.npy', () => encodeFile('x.npy', { data: new Float64Array(5), shape: [2, 3] }));
    assert.equal(message, 'x.npy: shape [2,3] holds 6 elements but data has 5; the product of the shape must equal data.length');
  });

  it('rejects negative or fractional axes', () => {
    assert.match(failure('x.npy', () => encodeFile('x.npy', { data: new Float64Array(0), shape: [-1, 0] })), /must be a list of non-negative integers/);
    assert.match(failure('x.npy', () => encodeFile('x.npy', { data: new Float64Array(3), shape: [1.5, 2] })), /must be a list of non-negative integers/);
  });

  it('rejects plain arrays and other values, suggesting a typed array', () => {
    const message = failure('x.npy', () => encodeFile('x.npy', [1, 2, 3]));
    assert.match(message, /^x\.npy: a \.npy file stores a typed array or an NdArray \{ data, shape \}, got an Array; wrap numbers as new Float64Array\(values\)/);
    assert.match(failure('x.npy', () => encodeFile('x.npy', { data: [1, 2], shape: [2] })), /^x\.npy: data is an Array, which has no numpy dtype; use one of Float64Array, /);
  });

  it('rejects typed arrays numpy has no dtype for', () => {
    const message = failure('x.npy', () => encodeFile('x.npy', new Uint8ClampedArray(2)));
    assert.match(message, /^x\.npy: the array is a Uint8ClampedArray, which has no numpy dtype/);
  });
});

describe('files: ndarray()', () => {
  it('makes a 1-D array by default, with the dtype of the data', () => {
    const data = new Uint16Array([1, 2, 3]);
    assert.deepEqual(ndarray(data), { data, shape: [3], dtype: 'uint16' });
    assert.equal(ndarray(new BigInt64Array(1), []).dtype, 'int64');
  });

  it('checks that the shape holds data.length elements', () => {
    assert.throws(() => ndarray(new Float32Array(5), [2, 3]), (error: unknown) => {
      assert.ok(error instanceof NpyFormatError);
      assert.match(error.message, /^shape \[2,3\] holds 6 elements but data has 5/);
      return true;
    });
  });

  it('tells which typed arrays have a numpy dtype', () => {
    assert.equal(isNpyTypedArray(new Float64Array(1)), true);
    assert.equal(isNpyTypedArray(Buffer.alloc(1)), true);
    assert.equal(isNpyTypedArray(new Uint8ClampedArray(1)), false);
    assert.equal(isNpyTypedArray([1]), false);
  });
});

describe('files: .npy reading', () => {
  it('reads a 2-D <i4 array written by numpy', () => {
    // npy(np.arange(6, dtype='<i4').reshape(2, 3))
    const bytes = fromHex(
      '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000100000002000000030000000400000005000000',
    );
    const array = decodeFile('x.npy', bytes) as NdArray;
    assert.deepEqual(array, { data: new Int32Array([0, 1, 2, 3, 4, 5]), shape: [2, 3], dtype: 'int32' });
  });

  it('reads a big-endian >f8 array, converting it to host order', () => {
    // npy(np.array([1.5, -2.0, 1e300], dtype='>f8'))
    const bytes = fromHex(
      '934e554d5059010076007b276465736372273a20273e6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3ff8000000000000c0000000000000007e37e43c8800759c',
    );
    assert.deepEqual(decodeFile('x.npy', bytes), { data: new Float64Array([1.5, -2, 1e300]), shape: [3], dtype: 'float64' });
  });

  it('reads big-endian arrays of every width', () => {
    const cases: ReadonlyArray<readonly [string, NdArray['data']]> = [
      // npy(np.array([-2, 300], dtype='>i2'))
      ['934e554d5059010076007b276465736372273a20273e6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afffe012c', new Int16Array([-2, 300])],
      // npy(np.array([4294967295, 7], dtype='>u4'))
      ['934e554d5059010076007b276465736372273a20273e7534272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200affffffff00000007', new Uint32Array([4294967295, 7])],
      // npy(np.array([-2, 2**62], dtype='>i8'))
      ['934e554d5059010076007b276465736372273a20273e6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afffffffffffffffe4000000000000000', new BigInt64Array([-2n, 2n ** 62n])],
      // npy(np.array([1.5, -0.25], dtype='>f4'))
      ['934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3fc00000be800000', new Float32Array([1.5, -0.25])],
    ];
    for (const [bytes, data] of cases) assert.deepEqual((decodeFile('x.npy', fromHex(bytes)) as NdArray).data, data);
  });

  it('reads a scalar as shape []', () => {
    // npy(np.array(7.0))
    const bytes = fromHex(
      '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000001c40',
    );
    assert.deepEqual(decodeFile('x.npy', bytes), { data: new Float64Array([7]), shape: [], dtype: 'float64' });
  });

  it('reads format version 2.0 (uint32 header length)', () => {
    // b = io.BytesIO(); np.lib.format.write_array(b, np.array([[1.5, 2], [3, 4]], dtype='<f8'), version=(2, 0))
    const bytes = fromHex(
      '934e554d50590200740000007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000f83f000000000000004000000000000008400000000000001040',
    );
    assert.deepEqual(decodeFile('x.npy', bytes), { data: new Float64Array([1.5, 2, 3, 4]), shape: [2, 2], dtype: 'float64' });
  });

  it('reads headers other writers produce: keys in any order, double quotes, 16-byte alignment', () => {
    // numpy < 1.9 aligned to 16 bytes: with numpy.lib._format_impl as F, F.ARRAY_ALIGN = 16;
    // F._wrap_header("{'shape': (2,), \"fortran_order\": False, 'descr': '<f8'}", (1, 0)) + np.array([0.5, -1]).tobytes()
    const bytes = fromHex(
      '934e554d5059010046007b277368617065273a2028322c292c2022666f727472616e5f6f72646572223a2046616c73652c20276465736372273a20273c6638277d20202020202020202020202020200a000000000000e03f000000000000f0bf',
    );
    assert.deepEqual(decodeFile('x.npy', bytes), { data: new Float64Array([0.5, -1]), shape: [2], dtype: 'float64' });
  });

  it('round-trips every dtype, including NaN, -0, infinities and integer extremes', () => {
    const arrays: NdArray['data'][] = [
      new Float64Array([NaN, -0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE]),
      new Float32Array([NaN, -0, Infinity, 3.4028234663852886e38]),
      new Int8Array([-128, 127]),
      new Int16Array([-32768, 32767]),
      new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
      new Uint8Array([0, 255]),
      new Uint16Array([0, 65535]),
      new Uint32Array([0, 2 ** 32 - 1]),
      new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]),
      new BigUint64Array([0n, 2n ** 64n - 1n]),
    ];
    for (const data of arrays) {
      const back = decodeFile('x.npy', encodeFile('x.npy', data)) as NdArray;
      assert.equal(back.data.constructor, data.constructor);
      assert.deepEqual(back, ndarray(data));
      // deepEqual treats NaN as equal and -0 as -0 (Object.is); the bytes must match too.
      assert.equal(hex(new Uint8Array(back.data.buffer)), hex(new Uint8Array(data.buffer)));
    }
    const cube = ndarray(new Int16Array(24).map((_, i) => i - 12), [2, 3, 4]);
    assert.deepEqual(decodeFile('x.npy', encodeFile('x.npy', cube)), cube);
  });

  it('reads from a Buffer that starts at an odd offset in its memory', () => {
    const bytes = encodeFile('x.npy', new Float64Array([1.5, 2, 3]));
    const shifted = Buffer.concat([Buffer.from([0]), bytes]).subarray(1);
    assert.deepEqual(decodeFile('x.npy', shifted), { data: new Float64Array([1.5, 2, 3]), shape: [3], dtype: 'float64' });
  });

  it('rejects Fortran-ordered arrays, with the fix', () => {
    // npy(np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))
    const bytes = fromHex(
      '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000300000001000000040000000200000005000000',
    );
    const message = failure('f.npy', () => decodeFile('f.npy', bytes));
    assert.match(message, /^f\.npy: the array is stored in Fortran \(column-major\) order, .*np\.ascontiguousarray\(a\)/);
  });

  it('rejects dtypes it has no typed array for, naming the dtype', () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      // npy(np.array([True, False]))
      ['934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100', /dtype '\|b1' is not supported; supported: float64\/float32/],
      // npy(np.array([1j]))
      ['934e554d5059010076007b276465736372273a20273c633136272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000000000000000000f03f', /dtype '<c16' is not supported/],
      // npy(np.array([1.0], dtype='<f2'))
      ['934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a003c', /dtype '<f2' is not supported/],
      // npy(np.array(['ab']))
      ['934e554d5059010076007b276465736372273a20273c5532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a6100000062000000', /dtype '<U2' is not supported/],
      // npy(np.zeros(1, dtype=[('x', '<f8')]))
      ['934e554d5059010076007b276465736372273a205b282778272c20273c663827295d2c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000000', /structured dtypes are not supported/],
    ];
    for (const [bytes, expected] of cases) assert.match(failure('x.npy', () => decodeFile('x.npy', fromHex(bytes))), expected);
  });

  it('rejects format version 3.0', () => {
    // b = io.BytesIO(); np.lib.format.write_array(b, np.array([1, 2], dtype='<u2'), version=(3, 0))
    const bytes = fromHex(
      '934e554d50590300740000007b276465736372273a20273c7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a01000200',
    );
    assert.match(failure('x.npy', () => decodeFile('x.npy', bytes)), /^x\.npy: \.npy format version 3\.0 is not supported \(machinable reads 1\.0 and 2\.0\)/);
  });

  it('rejects bytes that are not .npy', () => {
    assert.match(failure('x.npy', () => decodeFile('x.npy', utf8('{"a": [1, 2, 3]}'))), /^x\.npy: not a \.npy file/);
    assert.match(failure('x.npy', () => decodeFile('x.npy', new Uint8Array(0))), /^x\.npy: not a \.npy file/);
  });

  it('rejects truncated data and trailing bytes', () => {
    const bytes = encodeFile('x.npy', new Float64Array([1.5, 2, 3]));
    assert.match(failure('x.npy', () => decodeFile('x.npy', bytes.subarray(0, bytes.length - 1))), /needs 24 data bytes but the file has 23 \(truncated\)/);
    assert.match(failure('x.npy', () => decodeFile('x.npy', new Uint8Array([...bytes, 0]))), /needs 24 data bytes but the file has 25 \(trailing bytes\)/);
    assert.match(failure('x.npy', () => decodeFile('x.npy', bytes.subarray(0, 60))), /the \.npy header is truncated/);
  });

  it('rejects a header with missing, extra or malformed entries', () => {
    const eight = new Uint8Array(8);
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ["{'descr': '<f8', 'shape': (1,), }", /header has keys \["descr","shape"\]; expected \["descr","fortran_order","shape"\]/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", /header has keys/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': [1]}", /shape in the \.npy header is not a tuple of non-negative integers/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", /shape in the \.npy header is not a tuple/],
      ["{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", /fortran_order in the \.npy header is not a bool/],
      ["{'descr': '|f8', 'fortran_order': False, 'shape': (1,)}", /dtype '\|f8' is not supported/],
      ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", /cannot parse the \.npy header/],
      ["['descr', '<f8']", /the \.npy header is not a dict/],
    ];
    for (const [dict, expected] of cases) assert.match(failure('x.npy', () => decodeFile('x.npy', npyWithHeader(dict, eight))), expected, dict);
  });
});

describe('files: .bin', () => {
  it('writes the bytes of a Uint8Array, a Buffer or an ArrayBuffer as they are', () => {
    assert.equal(hex(encodeFile('w.bin', new Uint8Array([0, 1, 255]))), '0001ff');
    assert.equal(hex(encodeFile('w.bin', Buffer.from('0001ff', 'hex'))), '0001ff');
    assert.equal(hex(encodeFile('w.bin', new Uint8Array([0, 1, 255]).buffer)), '0001ff');
    assert.equal(hex(encodeFile('w.bin', new Uint8Array([9, 0, 1, 255]).subarray(1))), '0001ff');
  });

  it('copies: changing the data afterwards does not change what is saved', () => {
    const data = new Uint8Array([1, 2]);
    const bytes = encodeFile('w.bin', data);
    data[0] = 9;
    assert.equal(hex(bytes), '0102');
  });

  it('reads a Buffer that does not share memory with the stored bytes', () => {
    const stored = new Uint8Array([1, 2, 3]);
    const loaded = decodeFile('w.bin', stored);
    assert.ok(Buffer.isBuffer(loaded));
    assert.equal(loaded.toString('hex'), '010203');
    loaded[0] = 9;
    assert.equal(stored[0], 1);
  });

  it('rejects other data, pointing typed arrays to .npy', () => {
    assert.match(failure('w.bin', () => encodeFile('w.bin', new Float64Array(2))), /^w\.bin: a \.bin file stores bytes \(Uint8Array, Buffer or ArrayBuffer\), got a Float64Array; save typed arrays as \.npy/);
    assert.match(failure('w.bin', () => encodeFile('w.bin', 'text')), /^w\.bin: a \.bin file stores bytes .*got a string; /);
    assert.match(failure('w.bin', () => encodeFile('w.bin', [1, 2])), /got an Array; use \.json/);
  });
});

describe('files: text (every other extension)', () => {
  it('writes a string as UTF-8', () => {
    assert.equal(hex(encodeFile('notes.txt', 'µs ✓ 😀')), 'c2b57320e29c9320f09f9880');
  });

  it('writes bytes as they are', () => {
    assert.equal(hex(encodeFile('data.csv', Buffer.from([0x61, 0x0a]))), '610a');
    assert.equal(hex(encodeFile('data.csv', new Uint8Array([0x62]))), '62');
  });

  it('reads UTF-8 back into the same string, keeping a byte order mark', () => {
    for (const text of ['line 1\nline 2\r\n', 'µs ✓ 😀', '', '\ufeffwith BOM']) {
      assert.equal(decodeFile('run.log', encodeFile('run.log', text)), text);
    }
  });

  it('rejects anything that is not a string, suggesting .json or a conversion', () => {
    const message = failure('out.txt', () => encodeFile('out.txt', { loss: 1 }));
    assert.equal(message, 'out.txt: a text file stores a string, got an Object; pick a .json name to store structured data, or convert it to a string yourself (e.g. String(x))');
    assert.match(failure('out', () => encodeFile('out', 42)), /^out: a text file stores a string, got a number; pick a \.json name/);
  });

  it('rejects an unpaired surrogate, which UTF-8 would silently replace', () => {
    const cut = '😀'.slice(0, 1);
    assert.match(failure('n.txt', () => encodeFile('n.txt', `ab${cut}`)), /^n\.txt: the string has an unpaired surrogate \(\\uD83D at index 2\)/);
  });

  it('rejects bytes that are not UTF-8, pointing to .bin', () => {
    assert.match(failure('n.txt', () => decodeFile('n.txt', new Uint8Array([0x61, 0xff]))), /^n\.txt: not valid UTF-8 text; binary data belongs in a \.bin or \.npy file/);
  });
});
