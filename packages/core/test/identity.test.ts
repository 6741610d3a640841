/**
 * Identity must match the Python reference byte for byte (DESIGN.md, "Identity"). Every expected
 * string below is a reference vector produced by python3 while writing these tests; the comment
 * above each one shows the expression. Shorthands used in those comments:
 *   cj(x)     = json.dumps(x, sort_keys=True, separators=(",", ":"))
 *   key(m, c) = hashlib.sha256(cj({"module": m, "config": c}).encode()).hexdigest()[:24]
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Config,
  Field,
  IDENTITY_KEY_LENGTH,
  PyFloat,
  canonicalConfig,
  canonicalJson,
  compileSchema,
  configIdentity,
  identityKey,
  newRecordId,
  pyFloatRepr,
  pyJson,
  resolveConfig,
  sha256Hex,
  typedConfig,
} from '@machinable/core';

describe('identity: Python float repr', () => {
  // [(x, repr(x)) for x in (1.0, 0.1, 1e-05, 1e-4, 1e15, 1e16, 1.5e300, 5e-324, -0.0,
  //   float(2**53), 123456789.123, 1e22, -2.5e-7, 0.30000000000000004)]
  const vectors: ReadonlyArray<readonly [string, number, string]> = [
    ['1.0', 1.0, '1.0'],
    ['0.1', 0.1, '0.1'],
    ['1e-5', 1e-5, '1e-05'],
    ['1e-4', 1e-4, '0.0001'],
    ['1e15', 1e15, '1000000000000000.0'],
    ['1e16', 1e16, '1e+16'],
    ['1.5e300', 1.5e300, '1.5e+300'],
    ['5e-324', 5e-324, '5e-324'],
    ['-0.0', -0, '-0.0'],
    ['2 ** 53', 2 ** 53, '9007199254740992.0'],
    ['123456789.123', 123456789.123, '123456789.123'],
    ['1e22', 1e22, '1e+22'],
    ['-2.5e-7', -2.5e-7, '-2.5e-07'],
    ['0.30000000000000004', 0.30000000000000004, '0.30000000000000004'],
  ];

  for (const [label, value, repr] of vectors) {
    it(`prints ${label} as ${repr} like Python`, () => {
      assert.equal(pyFloatRepr(value), repr);
      assert.equal(canonicalJson(new PyFloat(value)), repr);
    });
  }

  it('switches to scientific notation at exactly 1e16 and below 1e-4', () => {
    // repr(9999999999999998.0), repr(1e16), repr(0.0001), repr(0.00009999)
    assert.equal(pyFloatRepr(9999999999999998), '9999999999999998.0');
    assert.equal(pyFloatRepr(1e16), '1e+16');
    assert.equal(pyFloatRepr(0.0001), '0.0001');
    assert.equal(pyFloatRepr(0.00009999), '9.999e-05');
  });

  it('rejects NaN and Infinity', () => {
    assert.throws(() => pyFloatRepr(Number.NaN), RangeError);
    assert.throws(() => pyFloatRepr(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => canonicalJson(new PyFloat(Number.NEGATIVE_INFINITY)), RangeError);
  });
});

describe('identity: canonical JSON numbers', () => {
  it('prints integral numbers as ints, 2**53 and 10**21 included', () => {
    // cj(2**53) == '9007199254740992'; cj(10**21) == '1000000000000000000000'; cj(-3) == '-3'
    assert.equal(canonicalJson(2 ** 53), '9007199254740992');
    assert.equal(canonicalJson(1e21), '1000000000000000000000');
    assert.equal(canonicalJson(-3), '-3');
  });

  it('prints -0 as the int 0', () => {
    // cj(-0) == '0'
    assert.equal(canonicalJson(-0), '0');
  });

  it('prints non-integral numbers as Python float reprs', () => {
    // cj(0.5) == '0.5'; cj(0.1 + 0.2) == '0.30000000000000004'; cj(-2.5e-7) == '-2.5e-07'
    assert.equal(canonicalJson(0.5), '0.5');
    assert.equal(canonicalJson(0.1 + 0.2), '0.30000000000000004');
    assert.equal(canonicalJson(-2.5e-7), '-2.5e-07');
  });

  it('prints a PyFloat holding an integral value as a float', () => {
    // cj(1.0) == '1.0'; cj(1e21) == '1e+21'
    assert.equal(canonicalJson(new PyFloat(1)), '1.0');
    assert.equal(canonicalJson(new PyFloat(1e21)), '1e+21');
  });

  it('rejects NaN and Infinity wherever they appear', () => {
    assert.throws(() => canonicalJson(Number.NaN), TypeError);
    assert.throws(() => canonicalJson({ a: [1, Number.POSITIVE_INFINITY] }), /NaN and Infinity/);
    assert.throws(() => canonicalJson(Number.NEGATIVE_INFINITY), TypeError);
  });

  it('rejects undefined, functions and class instances instead of dropping them', () => {
    assert.throws(() => canonicalJson(undefined), TypeError);
    assert.throws(() => canonicalJson({ a: undefined }), /undefined at \$\.a/);
    assert.throws(() => canonicalJson([() => 1]), /a function/);
    assert.throws(() => canonicalJson({ when: new Date(0) }), /a Date/);
    assert.throws(() => canonicalJson(new Map()), TypeError);
  });
});

describe('identity: canonical JSON strings', () => {
  it('escapes non-ASCII as lowercase \\uXXXX', () => {
    // cj("café") == '"caf\\u00e9"'
    assert.equal(canonicalJson('café'), '"caf\\u00e9"');
  });

  it('escapes astral characters as a surrogate pair', () => {
    // cj("😀") == '"\\ud83d\\ude00"'
    assert.equal(canonicalJson('😀'), '"\\ud83d\\ude00"');
  });

  it('escapes control characters with short escapes where Python has them', () => {
    // cj("\u0000\u001f\n\t\b\f\r") == '"\\u0000\\u001f\\n\\t\\b\\f\\r"'
    assert.equal(canonicalJson('\u0000\u001f\n\t\b\f\r'), '"\\u0000\\u001f\\n\\t\\b\\f\\r"');
  });

  it('escapes DEL and keeps the rest of printable ASCII', () => {
    // cj("\u007f") == '"\\u007f"'; cj("~ \u0080") == '"~ \\u0080"'
    assert.equal(canonicalJson('\u007f'), '"\\u007f"');
    assert.equal(canonicalJson('~ \u0080'), '"~ \\u0080"');
  });

  it('escapes quotes and backslashes but not the slash', () => {
    // cj('say "hi" \\ back/slash') == '"say \\"hi\\" \\\\ back/slash"'
    assert.equal(canonicalJson('say "hi" \\ back/slash'), '"say \\"hi\\" \\\\ back/slash"');
  });

  it('escapes lone surrogates as they are', () => {
    // cj("\ud800") == '"\\ud800"'; cj("a\udc00b") == '"a\\udc00b"'
    assert.equal(canonicalJson('\ud800'), '"\\ud800"');
    assert.equal(canonicalJson('a\udc00b'), '"a\\udc00b"');
  });
});

describe('format: JSON strings as model.json writes them (no ensure_ascii)', () => {
  it('keeps non-ASCII, DEL and astral characters as they are', () => {
    // json.dumps("café \u007f 😀", ensure_ascii=False) == '"café \u007f 😀"'
    assert.equal(pyJson('café \u007f 😀', { ensureAscii: false }), '"café \u007f 😀"');
  });

  it('still escapes quotes, backslashes and control characters', () => {
    // json.dumps('a"b\\c\n\u0001', ensure_ascii=False) == '"a\\"b\\\\c\\n\\u0001"'
    assert.equal(pyJson('a"b\\c\n\u0001', { ensureAscii: false }), '"a\\"b\\\\c\\n\\u0001"');
    assert.equal(pyJson({ 'k"ey': 'v\t' }, { ensureAscii: false }), '{"k\\"ey": "v\\t"}');
  });

  it('refuses what JSON cannot hold, naming where it is', () => {
    const cycle: Record<string, unknown> = { a: [1, { b: null }] };
    (cycle['a'] as unknown[])[1] = cycle;
    assert.throws(() => pyJson(cycle), /^TypeError: cannot write the value at \$\.a\[1\] as JSON: it contains itself \(a cycle\)$/);
    assert.throws(() => pyJson({ x: { y: [0, Number.NaN] } }), /^TypeError: cannot write NaN at \$\.x\.y\[1\] as JSON/);
    // eslint-disable-next-line no-sparse-arrays
    assert.throws(() => pyJson({ s: [1, , 3] }), /cannot write the array at \$\.s as JSON: index 1 is a hole/);
    assert.throws(() => pyJson([{ when: new Date(0) }]), /cannot write a Date .* at \$\[0\]\.when as JSON/);
    assert.throws(() => pyJson(undefined), /cannot write undefined at \$ as JSON/);
  });

  it('writes the same object twice when it is not a cycle, and empty containers', () => {
    const shared = { k: 1 };
    assert.equal(pyJson({ a: shared, b: [shared, {}, []] }, { compact: true }), '{"a":{"k":1},"b":[{"k":1},{},[]]}');
  });

  it('writes a plain string between quotes, unchanged', () => {
    assert.equal(pyJson('2026-11-30T22:40:40.743802+00:00', { ensureAscii: false }), '"2026-11-30T22:40:40.743802+00:00"');
    assert.equal(pyJson('', { ensureAscii: true }), '""');
  });
});

describe('identity: canonical JSON structure', () => {
  it('sorts keys by code point, not by UTF-16 code unit', () => {
    // cj({"\U0001F600": 2, "\uff5e": 1}) == '{"\\uff5e":1,"\\ud83d\\ude00":2}'
    // (U+FF5E < U+1F600, although the pair's first unit 0xD83D < 0xFF5E)
    assert.equal(canonicalJson({ '😀': 2, '\uff5e': 1 }), '{"\\uff5e":1,"\\ud83d\\ude00":2}');
  });

  it('sorts nested keys, keeps array order and writes no whitespace', () => {
    // cj({"b": {"z": 1, "a": [3, 1, 2]}, "a": None, "B": True, "é": False})
    //   == '{"B":true,"a":null,"b":{"a":[3,1,2],"z":1},"\\u00e9":false}'
    assert.equal(
      canonicalJson({ b: { z: 1, a: [3, 1, 2] }, a: null, B: true, é: false }),
      '{"B":true,"a":null,"b":{"a":[3,1,2],"z":1},"\\u00e9":false}',
    );
  });

  it('writes empty containers and mixed arrays compactly', () => {
    // cj([]), cj({}), cj([{}, [], "x", 1.5, None]) == '[]', '{}', '[{},[],"x",1.5,null]'
    assert.equal(canonicalJson([]), '[]');
    assert.equal(canonicalJson({}), '{}');
    assert.equal(canonicalJson([{}, [], 'x', 1.5, null]), '[{},[],"x",1.5,null]');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    assert.equal(canonicalJson(bare), '{"a":2,"b":1}');
  });
});

describe('identity: canonical config', () => {
  const defaults = { lr: 0.1, layers: 2, optimizer: { name: 'sgd', momentum: 0.9, verbose: false }, tags: ['a', 'b'], dataUri: '' };

  it('drops keys equal to their default', () => {
    const resolved = { lr: 0.1, layers: 3, optimizer: { name: 'sgd', momentum: 0.9, verbose: false }, tags: ['a', 'b'], dataUri: '' };
    assert.deepEqual(canonicalConfig(resolved, defaults, []), { layers: 3 });
  });

  it('drops nested keys equal to their default and keeps the ones that differ', () => {
    const resolved = { ...defaults, optimizer: { name: 'adam', momentum: 0.9, verbose: false } };
    assert.deepEqual(canonicalConfig(resolved, defaults, []), { optimizer: { name: 'adam' } });
  });

  it('drops a nested object entirely at its default', () => {
    assert.deepEqual(canonicalConfig({ ...defaults, optimizer: { ...defaults.optimizer } }, defaults, []), {});
  });

  it('keeps keys absent from the defaults verbatim, nested objects included', () => {
    const resolved = { ...defaults, seed: 1, extra: { a: { b: 0.1 }, empty: {} } };
    assert.deepEqual(canonicalConfig(resolved, defaults, []), { seed: 1, extra: { a: { b: 0.1 }, empty: {} } });
  });

  it('drops excluded paths, dotted ones included', () => {
    const resolved = { ...defaults, dataUri: 's3://x', optimizer: { name: 'adam', momentum: 0.9, verbose: true } };
    assert.deepEqual(canonicalConfig(resolved, defaults, ['dataUri', 'optimizer.verbose']), { optimizer: { name: 'adam' } });
  });

  it('drops a nested object whose only differences are excluded', () => {
    const resolved = { ...defaults, optimizer: { name: 'sgd', momentum: 0.9, verbose: true } };
    assert.deepEqual(canonicalConfig(resolved, defaults, ['optimizer.verbose']), {});
  });

  it('drops excluded paths inside an object that has no default (a required nested config)', () => {
    const resolved = { optimizer: { name: 'adam', momentum: 0.9, verbose: true } };
    assert.deepEqual(canonicalConfig(resolved, {}, ['optimizer.verbose']), { optimizer: { name: 'adam', momentum: 0.9 } });
  });

  it('compares arrays whole', () => {
    assert.deepEqual(canonicalConfig({ ...defaults, tags: ['a', 'b'] }, defaults, []), {});
    assert.deepEqual(canonicalConfig({ ...defaults, tags: ['a', 'c'] }, defaults, []), { tags: ['a', 'c'] });
    assert.deepEqual(canonicalConfig({ ...defaults, tags: ['b', 'a'] }, defaults, []), { tags: ['b', 'a'] });
  });

  it('treats -0 as equal to a default of 0, as Python does', () => {
    // -0.0 == 0.0 is True in Python
    assert.deepEqual(canonicalConfig({ x: -0 }, { x: 0 }, []), {});
  });
});

describe('identity: identity key', () => {
  it('is the first 24 lowercase hex chars of the sha256 of the canonical JSON', () => {
    const key = identityKey('train', {});
    assert.equal(IDENTITY_KEY_LENGTH, 24);
    assert.match(key, /^[0-9a-f]{24}$/);
    assert.equal(key, sha256Hex('{"config":{},"module":"train"}').slice(0, 24));
  });

  it('matches Python for an empty config', () => {
    // key("train", {}) == 'ef5a9f10b42ff7b85dc36ef6'
    assert.equal(identityKey('train', {}), 'ef5a9f10b42ff7b85dc36ef6');
  });

  it('matches Python for float values, integral ones printed as 1.0', () => {
    // key("train", {"lr": 0.5, "seed": 1.0}) == '9b556ecee72b1a905a3a26c6'
    assert.equal(identityKey('train', { seed: new PyFloat(1), lr: new PyFloat(0.5) }), '9b556ecee72b1a905a3a26c6');
  });

  it('matches Python for an int value', () => {
    // key("train", {"layers": 3}) == 'ddcf3522273468143fcc7219'
    assert.equal(identityKey('train', { layers: 3 }), 'ddcf3522273468143fcc7219');
  });

  it('tells an int from a float', () => {
    // key("train", {"seed": 1}) == 'fd466f745cf827abfc7585b3'; key("train", {"seed": 1.0}) == 'eaed2ee60fd7fd594351f02d'
    assert.equal(identityKey('train', { seed: 1 }), 'fd466f745cf827abfc7585b3');
    assert.equal(identityKey('train', { seed: new PyFloat(1) }), 'eaed2ee60fd7fd594351f02d');
  });

  it('matches Python for a unicode module name and value', () => {
    // key("models.résumé", {"name": "naïve 😀"}) == 'a08446fc0a4f33ea3166382c'
    assert.equal(identityKey('models.résumé', { name: 'naïve 😀' }), 'a08446fc0a4f33ea3166382c');
  });

  it('matches Python for a nested object', () => {
    // key("train", {"optimizer": {"name": "adam", "momentum": 0.95}, "seed": 1.0}) == 'db50fe9ed37baedde9d01eec'
    const canonical = { optimizer: { name: 'adam', momentum: new PyFloat(0.95) }, seed: new PyFloat(1) };
    assert.equal(identityKey('train', canonical), 'db50fe9ed37baedde9d01eec');
  });
});

@Config()
class IdOptimizer {
  @Field() name = 'sgd';
  @Field() momentum = 0.9;
  @Field({ identifying: false }) verbose = false;
}

@Config()
class IdTrain {
  @Field() lr = 0.1;
  @Field({ type: 'int' }) layers = 2;
  @Field() width = 1;
  @Field() seed!: number;
  @Field() optimizer = new IdOptimizer();
  @Field({ identifying: false }) dataUri = '';
}

@Config()
class IdTune {
  @Field({ type: IdOptimizer }) optimizer!: IdOptimizer;
}

describe('identity: config identity', () => {
  const schema = compileSchema(IdTrain);

  it('hashes only the required field when everything else is at its default', () => {
    // key("train", {"seed": 1.0}) == 'eaed2ee60fd7fd594351f02d'
    const { resolved } = resolveConfig(IdTrain, { seed: 1 });
    const identity = configIdentity('train', resolved, schema);
    assert.equal(identity.json, '{"config":{"seed":1.0},"module":"train"}');
    assert.equal(identity.key, 'eaed2ee60fd7fd594351f02d');
  });

  it('prints an int field as an int and a float field holding an integral value as 1.0', () => {
    // key("train", {"layers": 3, "lr": 1.0, "optimizer": {"momentum": 0.95}, "seed": 1.0}) == '347c0bafd08f3dafdc382a68'
    const { resolved } = resolveConfig(IdTrain, { seed: 1, layers: 3, lr: 1, optimizer: { momentum: 0.95 } });
    const identity = configIdentity('train', resolved, schema);
    assert.equal(identity.json, '{"config":{"layers":3,"lr":1.0,"optimizer":{"momentum":0.95},"seed":1.0},"module":"train"}');
    assert.equal(identity.key, '347c0bafd08f3dafdc382a68');
    assert.ok(identity.canonical.lr instanceof PyFloat);
    assert.equal(identity.canonical.layers, 3);
  });

  it('treats a number field with an integral default as a float, nested fields included', () => {
    // key("train", {"optimizer": {"momentum": 1.0}, "seed": 1.0, "width": 4.0}) == 'dcce0369693ee2a659a592d5'
    const { resolved } = resolveConfig(IdTrain, { seed: 1, width: 4, optimizer: { momentum: 1 } });
    const identity = configIdentity('train', resolved, schema);
    assert.equal(identity.json, '{"config":{"optimizer":{"momentum":1.0},"seed":1.0,"width":4.0},"module":"train"}');
    assert.equal(identity.key, 'dcce0369693ee2a659a592d5');
  });

  it('does not change the key for non-identifying fields, nested ones included', () => {
    // key("train", {"optimizer": {"name": "adam"}, "seed": 1.0}) == 'b4bfec989f808dc835ae6f68'
    const plain = resolveConfig(IdTrain, { seed: 1, optimizer: { name: 'adam' } }).resolved;
    const noisy = resolveConfig(IdTrain, { seed: 1, dataUri: '/data/x', optimizer: { name: 'adam', verbose: true } }).resolved;
    assert.equal(configIdentity('train', plain, schema).key, 'b4bfec989f808dc835ae6f68');
    assert.equal(configIdentity('train', noisy, schema).key, 'b4bfec989f808dc835ae6f68');
  });

  it('drops non-identifying fields of a required nested config', () => {
    // key("tune", {"optimizer": {"momentum": 0.9, "name": "adam"}}) == '71c1f71b5aa2ee756b40792b'
    const tune = compileSchema(IdTune);
    const quiet = resolveConfig(IdTune, { optimizer: { name: 'adam' } }).resolved;
    const verbose = resolveConfig(IdTune, { optimizer: { name: 'adam', verbose: true } }).resolved;
    const identity = configIdentity('tune', verbose, tune);
    assert.equal(identity.json, '{"config":{"optimizer":{"momentum":0.9,"name":"adam"}},"module":"tune"}');
    assert.equal(identity.key, '71c1f71b5aa2ee756b40792b');
    assert.equal(configIdentity('tune', quiet, tune).key, identity.key);
  });

  it('gives the same key to every spelling of one config', () => {
    // key("train", {"layers": 3, "lr": 1.0, "optimizer": {"momentum": 0.95}, "seed": 42.0}) == '0be104590237d8460bbc955e'
    const spellings = [
      { seed: 42, layers: 3, lr: 1, optimizer: { momentum: 0.95 } },
      { seed: '42', layers: '3', lr: '1.0', 'optimizer.momentum': '0.95', width: 1 },
    ];
    for (const version of spellings) {
      const { resolved } = resolveConfig(IdTrain, version);
      assert.equal(configIdentity('train', resolved, schema).key, '0be104590237d8460bbc955e');
    }
  });

  it('marks float fields as PyFloat through typedConfig and leaves ints alone', () => {
    const typed = typedConfig({ lr: 1, layers: 3, optimizer: { momentum: 1 } }, schema);
    assert.deepEqual(typed, { lr: new PyFloat(1), layers: 3, optimizer: { momentum: new PyFloat(1) } });
  });
});

describe('identity: record ids', () => {
  it('are 12 base62 characters, distinct across more ids than one draw of random bytes covers, and use the whole alphabet evenly', () => {
    const ids = Array.from({ length: 5000 }, () => newRecordId());
    for (const id of ids) assert.match(id, /^[A-Za-z0-9]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 62);
    // 60,000 characters: ~968 each; a character of a biased draw (byte % 62 without rejecting 248..255) would reach ~1,100.
    for (const [c, n] of counts) assert.ok(n > 800 && n < 1140, `${c} drawn ${n} times`);
  });
});
