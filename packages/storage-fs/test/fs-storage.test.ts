/**
 * The filesystem storage (DESIGN.md, "On-disk record"): one directory per record in the Python
 * reference's format v1, published by `rename` so that a crash leaves a record whole or absent.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 } from 'uuid';

import {
  CorruptRecordError,
  MachinableError,
  RECORD_FORMAT,
  RecordConflictError,
  RecordNotFoundError,
  type RecordId,
  type RecordModel,
} from '@machinable/core';
import {
  FsStorage,
  RecordPathError,
  atomicWriteFile,
  cleanTemporary,
  createStorage,
  uuidTime,
} from '@machinable/storage-fs';

const scratch: string[] = [];
after(() => {
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

/** A fresh, empty temporary directory, removed after the run. */
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'mstore-'));
  scratch.push(directory);
  return directory;
}

/** A storage in a fresh temporary directory (the root itself does not exist yet). */
function freshStorage(): FsStorage {
  return new FsStorage({ root: join(temporaryDirectory(), 'storage') });
}

/** A record's id and model with test defaults; override what the test is about. */
function makeRecord(fields: Partial<Omit<RecordId, 'format'>> & { module?: string } = {}): { id: RecordId; model: RecordModel } {
  const id: RecordId = {
    format: RECORD_FORMAT,
    uuid: fields.uuid ?? v7(),
    kind: fields.kind ?? 'Interface',
    identity_key: fields.identity_key ?? 'a'.repeat(24),
    predicate_key: fields.predicate_key ?? 'b'.repeat(24),
    parent: fields.parent ?? null,
  };
  const model: RecordModel = {
    module: fields.module ?? 'train',
    config: { default: { lr: 0.1 }, version: [{ lr: 0.01 }], update: {}, resolved: { lr: 0.01 } },
    version: [{ lr: 0.01 }],
    predicate: {},
    context: {},
    inherits: ['Train', 'Interface'],
  };
  return { id, model };
}

/** Creates a record with test defaults in a storage and returns its uuid. */
function createIn(storage: FsStorage, files: Record<string, string> = {}, fields: Parameters<typeof makeRecord>[0] = {}): string {
  const { id, model } = makeRecord(fields);
  storage.create(id, model, new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])));
  return id.uuid;
}

/** Every path under a directory, relative and sorted. */
function tree(directory: string): string[] {
  return (readdirSync(directory, { recursive: true }) as string[]).sort();
}

/** Names directly in a directory that start with `.tmp-`. */
function temporaries(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).filter((name) => name.startsWith('.tmp-')) : [];
}

/** A record directory written by hand (another tool, a colleague), outside any storage. */
function handMadeRecord(directory: string, id: unknown, model: unknown, files: Record<string, string> = {}): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, '.machinable'), '');
  writeFileSync(join(directory, 'id.json'), typeof id === 'string' ? id : JSON.stringify(id));
  writeFileSync(join(directory, 'model.json'), typeof model === 'string' ? model : JSON.stringify(model));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  return directory;
}

describe('fs storage: create', () => {
  it('writes .machinable, id.json, model.json, updated_at and an empty related/metadata.jsonl', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const before = Date.now();
    storage.create(id, model, new Map());
    const directory = join(storage.root, id.uuid);

    assert.deepEqual(tree(directory), ['.machinable', 'id.json', 'model.json', 'related', 'related/metadata.jsonl', 'updated_at']);
    assert.match(readFileSync(join(directory, '.machinable'), 'utf8'), /^(1\n?)?$/);
    assert.equal(readFileSync(join(directory, 'id.json'), 'utf8'), `${JSON.stringify(id, null, 2)}\n`);
    assert.equal(readFileSync(join(directory, 'model.json'), 'utf8'), `${JSON.stringify(model, null, 2)}\n`);
    assert.equal(readFileSync(join(directory, 'related/metadata.jsonl'), 'utf8'), '');
    const updatedAt = readFileSync(join(directory, 'updated_at'), 'utf8').trim();
    assert.match(updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Date.parse(updatedAt) >= before - 1 && Date.parse(updatedAt) <= Date.now() + 1);
  });

  it('writes id.json with exactly the RecordId fields', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord({ parent: v7() });
    storage.create(id, model, new Map());
    const stored = JSON.parse(readFileSync(join(storage.root, id.uuid, 'id.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(stored).sort(), ['format', 'identity_key', 'kind', 'parent', 'predicate_key', 'uuid']);
    assert.equal(stored['format'], 1);
    assert.equal(stored['parent'], id.parent);
  });

  it('writes the given files, with nested paths, inside the record', () => {
    const storage = freshStorage();
    const uuid = createIn(storage, { 'notes.txt': 'hello', 'a/b/c.json': '{"x":1}' });
    const directory = storage.directory(uuid);
    assert.equal(readFileSync(join(directory, 'notes.txt'), 'utf8'), 'hello');
    assert.equal(readFileSync(join(directory, 'a/b/c.json'), 'utf8'), '{"x":1}');
  });

  it('returns the record as stored, the same as find() later', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const created = storage.create(id, model, new Map());
    assert.deepEqual(created.id, id);
    assert.deepEqual(created.model, model);
    assert.equal(created.location, join(storage.root, id.uuid));
    assert.deepEqual(storage.find(id.uuid), created);
  });

  it('creates the storage root on demand', () => {
    const root = join(temporaryDirectory(), 'deep', 'er', 'storage');
    const storage = new FsStorage({ root });
    assert.equal(existsSync(root), false);
    const uuid = createIn(storage);
    assert.ok(existsSync(join(root, uuid, 'id.json')));
  });

  it('gives the record directory the usual permissions, not those of a private temp dir', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const reference = join(temporaryDirectory(), 'reference');
    mkdirSync(reference);
    assert.equal(statSync(storage.directory(uuid)).mode & 0o777, statSync(reference).mode & 0o777);
  });

  it('refuses a uuid that is already stored and leaves the stored record untouched', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    storage.create(id, model, new Map([['result.json', Buffer.from('first')]]));
    assert.throws(
      () => storage.create(id, { ...model, module: 'other' }, new Map([['result.json', Buffer.from('second')]])),
      (error: unknown) => error instanceof RecordConflictError && error.message.includes(id.uuid),
    );
    assert.equal(storage.readFile(id.uuid, 'result.json')?.toString(), 'first');
    assert.equal(storage.find(id.uuid)?.model.module, 'train');
    assert.deepEqual(temporaries(storage.root), []);
  });

  it('leaves no record behind when a file cannot be written', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    // `a` is written as a file, so `a/b` cannot be: the failure comes after other files were written.
    const files = new Map([
      ['a', Buffer.from('file')],
      ['a/b', Buffer.from('nested under a file')],
    ]);
    assert.throws(() => storage.create(id, model, files));
    assert.equal(existsSync(storage.directory(id.uuid)), false);
    assert.equal(storage.find(id.uuid), undefined);
    assert.deepEqual([...storage.list()], []);
    assert.deepEqual(temporaries(storage.root), []);
  });

  it('refuses user files that would replace the files it writes itself', () => {
    for (const path of ['id.json', 'model.json', '.machinable', 'updated_at', 'related/metadata.jsonl', './id.json']) {
      const storage = freshStorage();
      const { id, model } = makeRecord();
      assert.throws(
        () => storage.create(id, model, new Map([[path, Buffer.from('{}')]])),
        (error: unknown) => error instanceof RecordPathError && error.path === path,
        path,
      );
      assert.equal(existsSync(storage.directory(id.uuid)), false, path);
    }
  });

  it('refuses file paths that leave the record and writes nothing', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    assert.throws(
      () => storage.create(id, model, new Map([['../escape.txt', Buffer.from('x')]])),
      (error: unknown) => error instanceof RecordPathError && error.message.includes('../escape.txt'),
    );
    assert.equal(existsSync(storage.root) && readdirSync(storage.root).length > 0, false);
    assert.equal(existsSync(join(storage.root, 'escape.txt')), false);
  });

  it('refuses an id or model that could not be read back', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    assert.throws(() => storage.create({ ...id, format: 2 } as unknown as RecordId, model, new Map()), /format/);
    assert.throws(() => storage.create({ ...id, kind: undefined } as unknown as RecordId, model, new Map()), /"kind"/);
    assert.throws(() => storage.create(id, { ...model, inherits: 'Interface' } as unknown as RecordModel, new Map()), /"inherits"/);
    assert.equal(existsSync(storage.directory(id.uuid)), false);
  });

  it('refuses a uuid that is not a single plain directory name', () => {
    const storage = freshStorage();
    for (const uuid of ['../outside', 'a/b', '.tmp-x', '', '.']) {
      const { id, model } = makeRecord({ uuid });
      assert.throws(() => storage.create(id, model, new Map()), RecordPathError, JSON.stringify(uuid));
    }
    assert.equal(existsSync(join(storage.root, '..', 'outside')), false);
  });
});

/**
 * Runs `body` (with `storage` in scope) in a child process whose `fs.<fn>` kills the process, as a
 * power cut or `kill -9` would, the first time it is called with a path containing `when`.
 */
async function crashDuring(root: string, fn: 'writeFileSync' | 'renameSync' | 'rmSync', when: string, body: string): Promise<void> {
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const original = fs.${fn};
    fs.${fn} = (...args) => {
      if (args.slice(0, 2).some((arg) => String(arg).includes(${JSON.stringify(when)}))) process.exit(86);
      return original(...args);
    };
    syncBuiltinESMExports();
    const { FsStorage } = await import(${JSON.stringify(import.meta.resolve('@machinable/storage-fs'))});
    const storage = new FsStorage({ root: ${JSON.stringify(root)} });
    ${body}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 86, 'the child process should have crashed where the test said');
}

/** Replaces `fs.<fn>` for this process (including the storage's named imports) during `action`. */
function patchFs<K extends 'mkdirSync'>(fn: K, replacement: (typeof fs)[K], action: () => void): void {
  const original = fs[fn];
  fs[fn] = replacement;
  syncBuiltinESMExports();
  try {
    action();
  } finally {
    fs[fn] = original;
    syncBuiltinESMExports();
  }
}

describe('fs storage: crashes', () => {
  it('shows no record when create() crashes before its rename', async () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    await crashDuring(
      storage.root,
      'writeFileSync',
      'model.json',
      `storage.create(${JSON.stringify(id)}, ${JSON.stringify(model)}, new Map([['a.txt', Buffer.from('x')]]));`,
    );
    assert.deepEqual([...storage.list()], []);
    assert.equal(storage.find(id.uuid), undefined);
    assert.equal(existsSync(storage.directory(id.uuid)), false);
    // The half-written record is a hidden temporary that cleanTemporary() reclaims.
    assert.equal(temporaries(storage.root).length, 1);
    assert.equal(cleanTemporary(storage.root, { olderThanMs: 0 }).length, 1);
    storage.create(id, model, new Map());
    assert.deepEqual([...storage.list()], [id.uuid]);
  });

  it('shows the old file, never a part of the new one, when writeFile() crashes', async () => {
    const storage = freshStorage();
    const uuid = createIn(storage, { 'result.json': '{"loss":1}' });
    await crashDuring(storage.root, 'renameSync', 'result.json', `storage.writeFile(${JSON.stringify(uuid)}, 'result.json', '{"loss":0.5}');`);
    assert.equal(storage.readFile(uuid, 'result.json')?.toString(), '{"loss":1}');
  });

  it('shows no record when adopt() crashes before its rename', async () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), id, model);
    await crashDuring(storage.root, 'renameSync', storage.root, `storage.adopt(${JSON.stringify(source)});`);
    assert.deepEqual([...storage.list()], []);
    assert.equal(storage.find(id.uuid), undefined);
  });

  it('shows no half-deleted record when remove() crashes while deleting', async () => {
    const storage = freshStorage();
    const uuid = createIn(storage, { 'a/b/c.txt': 'x' });
    await crashDuring(storage.root, 'rmSync', storage.root, `storage.remove(${JSON.stringify(uuid)});`);
    assert.deepEqual([...storage.list()], []);
    assert.equal(storage.find(uuid), undefined);
    assert.equal(temporaries(storage.root).length, 1);
  });

  it('does not resurrect a record removed while a nested file is being written', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const mkdir = fs.mkdirSync;
    const removeFirst = ((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      // Another process removes the record between the existence check and the mkdir.
      rmSync(storage.directory(uuid), { recursive: true, force: true });
      return mkdir(path, options);
    }) as typeof fs.mkdirSync;
    patchFs('mkdirSync', removeFirst, () => {
      assert.throws(() => storage.writeFile(uuid, 'nested/result.json', '{}'), RecordNotFoundError);
    });
    assert.equal(existsSync(storage.directory(uuid)), false);
  });
});

describe('fs storage: list', () => {
  it('lists the uuids of complete records, sorted', () => {
    const storage = freshStorage();
    const uuids = [createIn(storage), createIn(storage), createIn(storage)];
    assert.deepEqual([...storage.list()], [...uuids].sort());
  });

  it('returns nothing when the root does not exist yet', () => {
    const storage = freshStorage();
    assert.deepEqual([...storage.list()], []);
  });

  it('ignores what a crash leaves behind: .tmp-* directories and directories without .machinable', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    // A create() that crashed before its rename: complete contents, but a temporary name.
    const crashed = makeRecord();
    handMadeRecord(join(storage.root, `.tmp-${crashed.id.uuid}-0123456789ab`), crashed.id, crashed.model);
    // A directory someone started by hand (or a foreign writer) without the sentinel.
    const half = v7();
    mkdirSync(join(storage.root, half));
    writeFileSync(join(storage.root, half, 'id.json'), JSON.stringify(makeRecord({ uuid: half }).id));
    // Unrelated entries.
    writeFileSync(join(storage.root, 'README.txt'), 'not a record');
    writeFileSync(join(storage.root, '.machinable.sqlite'), '');

    assert.deepEqual([...storage.list()], [uuid]);
    assert.equal(storage.find(half), undefined);
  });

  it('lists a record that lost its id.json, so that find() reports it instead of hiding it', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    rmSync(join(storage.directory(uuid), 'id.json'));
    assert.deepEqual([...storage.list()], [uuid]);
    assert.throws(() => storage.find(uuid), CorruptRecordError);
  });

  it('skips directories whose names find() would refuse', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    handMadeRecord(join(storage.root, 'has space'), makeRecord().id, makeRecord().model);
    assert.deepEqual([...storage.list()], [uuid]);
  });
});

describe('fs storage: find and read', () => {
  it('finds nothing for an unknown uuid', () => {
    const storage = freshStorage();
    createIn(storage);
    assert.equal(storage.find(v7()), undefined);
  });

  it('reads a record directory outside the storage root', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const location = handMadeRecord(join(temporaryDirectory(), 'elsewhere', id.uuid), id, model);
    const record = storage.read(location);
    assert.deepEqual(record.id, id);
    assert.deepEqual(record.model, model);
    assert.equal(record.location, location);
  });

  it('reports a missing directory, or one without .machinable, as not found', () => {
    const storage = freshStorage();
    const missing = join(temporaryDirectory(), 'nothing-here');
    assert.throws(() => storage.read(missing), (error: unknown) => error instanceof RecordNotFoundError && error.message.includes(missing));
    const { id, model } = makeRecord();
    const location = handMadeRecord(join(temporaryDirectory(), id.uuid), id, model);
    rmSync(join(location, '.machinable'));
    assert.throws(() => storage.read(location), (error: unknown) => error instanceof RecordNotFoundError && /\.machinable/.test(error.message));
  });

  const corruptIds: Array<[string, unknown, RegExp]> = [
    ['is not JSON', '{"format": 1, "uuid": ', /not valid JSON/],
    ['is empty', '', /empty/],
    ['is an array', '[]', /must be an object/],
    ['has another format', { ...makeRecord().id, format: 2 }, /unsupported format 2/],
    ['lacks the format', { ...makeRecord().id, format: undefined }, /"format" is missing/],
    ['lacks the uuid', { ...makeRecord().id, uuid: undefined }, /"uuid" must be a non-empty string/],
    ['has a numeric kind', { ...makeRecord().id, kind: 3 }, /"kind" must be a string/],
    ['lacks the identity key', { ...makeRecord().id, identity_key: undefined }, /"identity_key"/],
    ['lacks the predicate key', { ...makeRecord().id, predicate_key: undefined }, /"predicate_key"/],
    ['lacks the parent', { ...makeRecord().id, parent: undefined }, /"parent" must be a string or null/],
  ];
  for (const [what, content, reason] of corruptIds) {
    it(`names id.json when it ${what}`, () => {
      const storage = freshStorage();
      const { model } = makeRecord();
      const location = handMadeRecord(join(temporaryDirectory(), 'record'), content, model);
      assert.throws(
        () => storage.read(location),
        (error: unknown) =>
          error instanceof CorruptRecordError &&
          error.file === join(location, 'id.json') &&
          reason.test(error.reason) &&
          error.message.includes(join(location, 'id.json')),
      );
    });
  }

  it('names id.json when it is missing', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const location = handMadeRecord(join(temporaryDirectory(), id.uuid), id, model);
    rmSync(join(location, 'id.json'));
    assert.throws(() => storage.read(location), (error: unknown) => error instanceof CorruptRecordError && error.file === join(location, 'id.json') && /missing/.test(error.reason));
  });

  const corruptModels: Array<[string, unknown, RegExp]> = [
    ['is not JSON', 'nope', /not valid JSON/],
    ['lacks the module', { ...makeRecord().model, module: undefined }, /"module" must be a string/],
    ['lacks the config', { ...makeRecord().model, config: undefined }, /"config" must be an object/],
    ['lacks config.resolved', { ...makeRecord().model, config: { default: {}, version: [], update: {} } }, /"config\.resolved" must be an object/],
    ['has a non-object version layer', { ...makeRecord().model, config: { default: {}, version: [1], update: {}, resolved: {} } }, /"config\.version\[0\]"/],
    ['has a non-array version', { ...makeRecord().model, version: '~adam' }, /"version" must be an array/],
    ['lacks the predicate', { ...makeRecord().model, predicate: undefined }, /"predicate"/],
    ['lacks the context', { ...makeRecord().model, context: undefined }, /"context"/],
    ['has a non-string in inherits', { ...makeRecord().model, inherits: ['Train', 1] }, /"inherits\[1\]" must be a string/],
  ];
  for (const [what, content, reason] of corruptModels) {
    it(`names model.json when it ${what}`, () => {
      const storage = freshStorage();
      const { id } = makeRecord();
      const location = handMadeRecord(join(temporaryDirectory(), id.uuid), id, content);
      assert.throws(
        () => storage.read(location),
        (error: unknown) => error instanceof CorruptRecordError && error.file === join(location, 'model.json') && reason.test(error.reason),
      );
    });
  }

  it('names model.json when it is missing, from find() as well', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    rmSync(join(storage.directory(uuid), 'model.json'));
    assert.throws(
      () => storage.find(uuid),
      (error: unknown) => error instanceof CorruptRecordError && error.file === join(storage.directory(uuid), 'model.json'),
    );
  });

  it('reports a record whose id.json names another uuid than its directory as corrupt', () => {
    const storage = freshStorage();
    const uuid = v7();
    const { id, model } = makeRecord();
    handMadeRecord(join(storage.root, uuid), id, model);
    assert.throws(
      () => storage.find(uuid),
      (error: unknown) => error instanceof CorruptRecordError && error.reason.includes(id.uuid) && error.reason.includes(uuid),
    );
  });

  it('refuses uuids that would point outside the root', () => {
    const storage = freshStorage();
    assert.throws(() => storage.find('../x'), RecordPathError);
    assert.throws(() => storage.directory('a/../../b'), RecordPathError);
  });

  it('places a record at <root>/<uuid>', () => {
    const storage = new FsStorage({ root: '/srv/runs' });
    assert.equal(storage.directory('0190a1b2-0000-7000-8000-000000000000'), '/srv/runs/0190a1b2-0000-7000-8000-000000000000');
  });
});

describe('fs storage: createdAt', () => {
  it('is the time in a v7 uuid', () => {
    const storage = freshStorage();
    const uuid = v7({ msecs: Date.parse('2024-05-06T07:08:09.123Z') });
    createIn(storage, {}, { uuid });
    assert.equal(storage.find(uuid)?.createdAt, '2024-05-06T07:08:09.123Z');
  });

  it("is id.json's modification time for other uuids", () => {
    const storage = freshStorage();
    const uuid = randomUUID();
    createIn(storage, {}, { uuid });
    const then = new Date('2021-02-03T04:05:06.000Z');
    utimesSync(join(storage.directory(uuid), 'id.json'), then, then);
    assert.equal(storage.find(uuid)?.createdAt, '2021-02-03T04:05:06.000Z');
  });

  it("decodes v7 uuids of Python's uuid7 < 0.2 (36 bits of seconds) instead of reading them as the year 2190", () => {
    const time = Date.parse('2023-07-08T09:10:11.500Z');
    const seconds = Math.floor(time / 1000);
    const fraction = ((time % 1000) / 1000) * 2 ** 24; // exactly 2^23 for .500
    const hex =
      seconds.toString(16).padStart(9, '0') +
      (fraction >> 12).toString(16).padStart(3, '0') +
      '7' +
      (fraction & 0xfff).toString(16).padStart(3, '0') +
      '8' +
      '0123456789abcde';
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    assert.equal(uuidTime(uuid)?.toISOString(), '2023-07-08T09:10:11.500Z');
  });

  it('is not read from uuids of other versions', () => {
    assert.equal(uuidTime(randomUUID()), undefined);
    assert.equal(uuidTime('not-a-uuid'), undefined);
  });
});

describe('fs storage: writeFile and readFile', () => {
  it('writes and reads back files at nested paths', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    storage.writeFile(uuid, 'outputs/deep/result.json', '{"loss":0.1}');
    storage.writeFile(uuid, 'started_at', '2024-01-01T00:00:00.000Z');
    storage.writeFile(uuid, 'weights.bin', new Uint8Array([1, 2, 3]));
    assert.equal(readFileSync(join(storage.directory(uuid), 'outputs/deep/result.json'), 'utf8'), '{"loss":0.1}');
    assert.equal(storage.readFile(uuid, 'outputs/deep/result.json')?.toString(), '{"loss":0.1}');
    assert.equal(storage.readFile(uuid, 'started_at')?.toString(), '2024-01-01T00:00:00.000Z');
    assert.deepEqual([...(storage.readFile(uuid, 'weights.bin') ?? [])], [1, 2, 3]);
  });

  it('replaces a file through a temporary file and rename, never rewriting it in place', () => {
    const storage = freshStorage();
    const uuid = createIn(storage, { 'result.json': 'old' });
    const file = join(storage.directory(uuid), 'result.json');
    const before = statSync(file).ino;
    storage.writeFile(uuid, 'result.json', 'new');
    assert.notEqual(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(tree(storage.directory(uuid)).filter((name) => name.includes('.tmp-')), []);
  });

  it('leaves no temporary file behind when a write fails', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    mkdirSync(join(storage.directory(uuid), 'occupied'));
    assert.throws(() => storage.writeFile(uuid, 'occupied', 'data'));
    assert.deepEqual(tree(storage.directory(uuid)).filter((name) => name.includes('.tmp-')), []);
  });

  it('returns undefined for a file the record does not have', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    assert.equal(storage.readFile(uuid, 'finished_at'), undefined);
    assert.equal(storage.readFile(uuid, 'no/such/file.json'), undefined);
  });

  for (const path of ['/etc/passwd', '../escape.txt', 'a/../../escape.txt', '..', '.', '']) {
    it(`rejects the path ${JSON.stringify(path)}, naming it`, () => {
      const storage = freshStorage();
      const uuid = createIn(storage);
      const named = (error: unknown) => error instanceof RecordPathError && error.path === path && error.message.includes(JSON.stringify(path));
      assert.throws(() => storage.writeFile(uuid, path, 'x'), named);
      assert.throws(() => storage.readFile(uuid, path), named);
      assert.throws(() => storage.appendLine(uuid, path, 'x'), named);
      assert.equal(existsSync(join(storage.root, 'escape.txt')), false);
    });
  }

  it('allows ".." that stays inside the record', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    storage.writeFile(uuid, 'a/../b.txt', 'inside');
    assert.equal(readFileSync(join(storage.directory(uuid), 'b.txt'), 'utf8'), 'inside');
  });

  it('never rewrites id.json or .machinable', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const before = readFileSync(join(storage.directory(uuid), 'id.json'), 'utf8');
    assert.throws(() => storage.writeFile(uuid, 'id.json', '{}'), RecordPathError);
    assert.throws(() => storage.writeFile(uuid, '.machinable', ''), RecordPathError);
    assert.throws(() => storage.appendLine(uuid, 'id.json', '{}'), RecordPathError);
    assert.equal(readFileSync(join(storage.directory(uuid), 'id.json'), 'utf8'), before);
  });

  it('reports a record that does not exist as not found, and creates nothing', () => {
    const storage = freshStorage();
    createIn(storage);
    const uuid = v7();
    const notFound = (error: unknown) => error instanceof RecordNotFoundError && error.message.includes(uuid);
    assert.throws(() => storage.writeFile(uuid, 'result.json', '{}'), notFound);
    assert.throws(() => storage.writeFile(uuid, 'nested/result.json', '{}'), notFound);
    assert.throws(() => storage.appendLine(uuid, 'log.jsonl', '{}'), notFound);
    assert.throws(() => storage.readFile(uuid, 'result.json'), notFound);
    assert.equal(existsSync(storage.directory(uuid)), false);
  });
});

describe('fs storage: appendLine', () => {
  it('appends each line with a newline, creating the file and its directories', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    storage.appendLine(uuid, 'related/metadata.jsonl', '{"relation":"uses","uuid":"x"}');
    storage.appendLine(uuid, 'related/metadata.jsonl', '{"relation":"uses","uuid":"y"}');
    storage.appendLine(uuid, 'logs/train/events.jsonl', '{"step":1}');
    assert.equal(
      storage.readFile(uuid, 'related/metadata.jsonl')?.toString(),
      '{"relation":"uses","uuid":"x"}\n{"relation":"uses","uuid":"y"}\n',
    );
    assert.equal(storage.readFile(uuid, 'logs/train/events.jsonl')?.toString(), '{"step":1}\n');
  });

  it('refuses a line containing a line break', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    assert.throws(() => storage.appendLine(uuid, 'log.jsonl', 'one\ntwo'), /line break/);
    assert.equal(storage.readFile(uuid, 'log.jsonl'), undefined);
  });

  it('keeps lines of concurrent appenders whole', async () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const processes = 4;
    const lines = 400;
    const script = `
      const { FsStorage } = await import(${JSON.stringify(import.meta.resolve('@machinable/storage-fs'))});
      const storage = new FsStorage({ root: ${JSON.stringify(storage.root)} });
      const tag = process.argv[1];
      for (let i = 0; i < ${lines}; i++) storage.appendLine(${JSON.stringify(uuid)}, 'log.jsonl', JSON.stringify({ tag, i, pad: tag.repeat(2000) }));
    `;
    await Promise.all(
      Array.from({ length: processes }, (_, p) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, String.fromCharCode(97 + p)], { stdio: 'inherit' });
        return new Promise<void>((resolve, reject) =>
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender exited with ${code}`)))),
        );
      }),
    );
    const written = storage.readFile(uuid, 'log.jsonl')!.toString().split('\n');
    assert.equal(written.pop(), '');
    assert.equal(written.length, processes * lines);
    for (const line of written) {
      const { tag, pad } = JSON.parse(line) as { tag: string; pad: string };
      assert.equal(pad, tag.repeat(2000));
    }
  });
});

describe('fs storage: adopt', () => {
  it('copies a record from outside the root and returns it as stored', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const source = handMadeRecord(join(temporaryDirectory(), 'from-alice', id.uuid), id, model, {
      'result.json': '{"loss":0.5}',
      'outputs/a/b.txt': 'nested',
    });
    const adopted = storage.adopt(source);
    const target = join(storage.root, id.uuid);
    assert.equal(adopted.location, target);
    assert.deepEqual(adopted.id, id);
    assert.deepEqual(adopted.model, model);
    assert.equal(readFileSync(join(target, 'outputs/a/b.txt'), 'utf8'), 'nested');
    assert.equal(storage.readFile(id.uuid, 'result.json')?.toString(), '{"loss":0.5}');
    assert.deepEqual([...storage.list()], [id.uuid]);
    assert.deepEqual(temporaries(storage.root), []);
    assert.ok(existsSync(join(source, 'result.json')), 'the source is left in place');
  });

  it('adopts a directory whatever its name, under the uuid from its id.json', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    const adopted = storage.adopt(handMadeRecord(join(temporaryDirectory(), 'renamed-by-hand'), id, model));
    assert.equal(adopted.location, storage.directory(id.uuid));
  });

  it('returns a record already at <root>/<uuid> as it is', () => {
    const storage = freshStorage();
    const uuid = createIn(storage, { 'result.json': 'stored' });
    const adopted = storage.adopt(storage.directory(uuid));
    assert.deepEqual(adopted, storage.find(uuid));
    assert.deepEqual([...storage.list()], [uuid]);
    assert.deepEqual(temporaries(storage.root), []);
  });

  it('returns the stored record, without copying, when storage holds the same id.json', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    storage.create(id, model, new Map([['result.json', Buffer.from('stored')]]));
    // The same id with other key order and whitespace (e.g. written by Python) is the same id.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(id).reverse()), null, 4);
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), reordered, model, { 'result.json': 'copy' });
    const adopted = storage.adopt(source);
    assert.equal(adopted.location, storage.directory(id.uuid));
    assert.equal(storage.readFile(id.uuid, 'result.json')?.toString(), 'stored');
  });

  it('refuses a directory whose id.json disagrees with the stored record of that uuid', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    storage.create(id, model, new Map());
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), { ...id, identity_key: 'c'.repeat(24) }, model);
    assert.throws(
      () => storage.adopt(source),
      (error: unknown) =>
        error instanceof RecordConflictError &&
        error instanceof MachinableError &&
        error.message.includes(source) &&
        error.message.includes(storage.directory(id.uuid)) &&
        error.message.includes('identity_key'),
    );
    assert.equal(storage.find(id.uuid)?.id.identity_key, 'a'.repeat(24));
  });

  it('refuses to adopt onto a directory that is not a record', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    mkdirSync(storage.directory(id.uuid), { recursive: true });
    writeFileSync(join(storage.directory(id.uuid), 'stray.txt'), '');
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), id, model);
    assert.throws(() => storage.adopt(source), (error: unknown) => error instanceof RecordConflictError && /not a record/.test(error.message));
  });

  it('copies nothing from a corrupt directory', () => {
    const storage = freshStorage();
    const { id } = makeRecord();
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), id, '{ broken');
    assert.throws(() => storage.adopt(source), CorruptRecordError);
    assert.deepEqual([...storage.list()], []);
    assert.deepEqual(temporaries(storage.root), []);
  });

  it('keeps file times, so a record without a v7 uuid keeps its createdAt', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord({ uuid: randomUUID() });
    const source = handMadeRecord(join(temporaryDirectory(), id.uuid), id, model);
    const then = new Date('2020-06-07T08:09:10.000Z');
    utimesSync(join(source, 'id.json'), then, then);
    assert.equal(storage.adopt(source).createdAt, '2020-06-07T08:09:10.000Z');
  });
});

describe('fs storage: remove', () => {
  it('deletes the record directory and leaves nothing behind', () => {
    const storage = freshStorage();
    const kept = createIn(storage);
    const uuid = createIn(storage, { 'a/b.txt': 'x' });
    storage.remove(uuid);
    assert.equal(existsSync(storage.directory(uuid)), false);
    assert.equal(storage.find(uuid), undefined);
    assert.deepEqual([...storage.list()], [kept]);
    assert.deepEqual(temporaries(storage.root), []);
  });

  it('does nothing for a record that does not exist', () => {
    const storage = freshStorage();
    const kept = createIn(storage);
    storage.remove(v7());
    assert.deepEqual([...storage.list()], [kept]);
  });

  it('lets the uuid be created again afterwards', () => {
    const storage = freshStorage();
    const { id, model } = makeRecord();
    storage.create(id, model, new Map());
    storage.remove(id.uuid);
    storage.create(id, { ...model, module: 'again' }, new Map());
    assert.equal(storage.find(id.uuid)?.model.module, 'again');
  });
});

describe('fs storage: cleanTemporary', () => {
  it('removes .tmp-* entries older than the threshold and keeps fresh ones and records', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const old = join(storage.root, '.tmp-abandoned-0123456789ab');
    const fresh = join(storage.root, '.tmp-running-0123456789ab');
    handMadeRecord(old, makeRecord().id, makeRecord().model);
    mkdirSync(fresh);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);

    assert.deepEqual(cleanTemporary(storage.root), [old]);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
    assert.deepEqual([...storage.list()], [uuid]);
  });

  it('takes the age threshold as an option', () => {
    const root = temporaryDirectory();
    mkdirSync(join(root, '.tmp-x-1'));
    assert.deepEqual(cleanTemporary(root, { olderThanMs: 0 }), [join(root, '.tmp-x-1')]);
  });

  it('does nothing when the root does not exist', () => {
    assert.deepEqual(cleanTemporary(join(temporaryDirectory(), 'missing')), []);
  });
});

describe('fs storage: createStorage', () => {
  it('makes a filesystem storage at an absolute root', () => {
    const relative = new FsStorage({ root: 'storage' });
    assert.equal(relative.root, join(process.cwd(), 'storage'));
    const root = join(temporaryDirectory(), 'runs');
    const storage = createStorage({ root });
    assert.ok(storage instanceof FsStorage);
    assert.equal(storage.root, root);
    const { id, model } = makeRecord();
    storage.create(id, model, new Map());
    assert.deepEqual([...storage.list()], [id.uuid]);
  });
});

describe('atomicWriteFile', () => {
  it('creates parent directories and replaces the file through a rename', () => {
    const file = join(temporaryDirectory(), 'a', 'b', 'file.txt');
    atomicWriteFile(file, 'one');
    const before = statSync(file).ino;
    atomicWriteFile(file, 'two');
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.notEqual(statSync(file).ino, before);
    assert.deepEqual(readdirSync(join(file, '..')), ['file.txt']);
  });
});

describe('fs storage: timestamps', () => {
  it('rewrites updated_at and status markers in place when the length is unchanged', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const directory = storage.directory(uuid);
    storage.writeFile(uuid, 'finished_at', '2024-01-01T00:00:00.000Z');
    const inodes = ['updated_at', 'finished_at'].map((name) => statSync(join(directory, name)).ino);
    storage.writeFile(uuid, 'updated_at', '2024-02-02T00:00:00.000Z');
    storage.writeFile(uuid, 'finished_at', '2024-02-02T00:00:00.000Z');
    assert.deepEqual(['updated_at', 'finished_at'].map((name) => statSync(join(directory, name)).ino), inodes);
    assert.equal(storage.readFile(uuid, 'updated_at')?.toString(), '2024-02-02T00:00:00.000Z');
    assert.equal(storage.readFile(uuid, 'finished_at')?.toString(), '2024-02-02T00:00:00.000Z');
    assert.deepEqual(temporaries(directory), []);
  });

  it('replaces a timestamp of another length (say, written by Python) whole', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const file = join(storage.directory(uuid), 'started_at');
    writeFileSync(file, '2024-01-01T00:00:00.000000+00:00');
    const before = statSync(file).ino;
    storage.writeFile(uuid, 'started_at', '2024-02-02T00:00:00.000Z');
    assert.notEqual(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), '2024-02-02T00:00:00.000Z');
  });

  it('writes a marker another process wrote meanwhile, and one removed meanwhile', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    const file = join(storage.directory(uuid), 'heartbeat_at');
    writeFileSync(file, '2024-01-01T00:00:00.000Z'); // behind the storage's back
    storage.writeFile(uuid, 'heartbeat_at', '2024-02-02T00:00:00.000Z');
    assert.equal(readFileSync(file, 'utf8'), '2024-02-02T00:00:00.000Z');
    rmSync(file);
    storage.writeFile(uuid, 'heartbeat_at', '2024-03-03T00:00:00.000Z');
    assert.equal(readFileSync(file, 'utf8'), '2024-03-03T00:00:00.000Z');
  });

  it('reports a record removed since it was written to as not found', () => {
    const storage = freshStorage();
    const uuid = createIn(storage);
    storage.writeFile(uuid, 'dispatched_at', '2024-01-01T00:00:00.000Z');
    rmSync(storage.directory(uuid), { recursive: true }); // by another process
    for (const path of ['updated_at', 'dispatched_at', 'result.json', 'nested/result.json']) {
      assert.throws(() => storage.writeFile(uuid, path, '2024-02-02T00:00:00.000Z'), RecordNotFoundError, path);
    }
    assert.throws(() => storage.appendLine(uuid, 'related/metadata.jsonl', '{}'), RecordNotFoundError);
    assert.equal(existsSync(storage.directory(uuid)), false);
  });
});
