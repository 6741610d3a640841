/**
 * The filesystem storage, format v1: record directories at `<root>/<identity_key>/<predicate_key>/`,
 * child records nested inside their parent's directory, locations as `file://` URIs. Every change
 * becomes visible in one `rename`, so a crash leaves a record whole or absent (DESIGN.md, "On-disk
 * record"; the contract is `Storage` in @machinable/core).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  FORMAT_VERSION,
  HEADER_FILE,
  MODEL_FILE,
  MachinableError,
  RecordExistsError,
  RecordNotFoundError,
  SENTINEL_FILE,
  TEMPORARY_PREFIX,
  UPDATED_AT_FILE,
  headerText,
  newRecordId,
  type Storage,
  type WalkEntry,
} from '@machinable/core';
import {
  FsStorage,
  RecordPathError,
  StorageAccessError,
  atomicWriteFile,
  cleanTemporary,
  createStorage,
  fileLocation,
  locationPath,
  normalizeRecordPath,
} from '@machinable/storage-fs';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const scratch: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

/** A fresh, empty temporary directory, removed after the run. */
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'machinable-storage-fs-'));
  scratch.push(directory);
  return directory;
}

/** A storage in a fresh temporary directory (the root itself does not exist yet). */
function freshStorage(): FsStorage {
  return new FsStorage({ root: join(temporaryDirectory(), 'storage') });
}

/** Keys as the format writes them: 24 hex characters of identity, 32 of predicate. */
const IDENTITY = '404e7ce85e173a2c41dc37ff';
const PREDICATE = '44136fa355b3678a1146ad16f7e8649e';
const OTHER_IDENTITY = '81249a1dcd5e0531d3174b98';
/** Times as the format writes them: microseconds and UTC offset, so every time has one length. */
const TIME = '2026-01-01T12:00:00.000001+00:00';
const LATER = '2026-01-01T12:30:00.000002+00:00';
const LATEST = '2026-01-01T13:00:00.000003+00:00';

/**
 * The files core hands to `create()` for a new record, plus `extra`. The sentinel comes first in
 * the map on purpose: `create()` must still write it last.
 */
function recordFiles(extra: Readonly<Record<string, string | Uint8Array>> = {}): Map<string, string | Uint8Array> {
  const uuid = newRecordId();
  const header = headerText({ format: FORMAT_VERSION, uuid, kind: 'Interface', identity_key: IDENTITY, predicate_key: PREDICATE, parent: null });
  return new Map<string, string | Uint8Array>([
    [SENTINEL_FILE, uuid],
    [HEADER_FILE, header],
    [MODEL_FILE, '{"module": "train"}'],
    [UPDATED_AT_FILE, TIME],
    ...Object.entries(extra),
  ]);
}

/** Creates a record at `segments` (under `parent`, else the root) and returns its location. */
function createRecord(
  storage: Storage,
  segments: readonly string[] = [IDENTITY, PREDICATE],
  extra: Readonly<Record<string, string | Uint8Array>> = {},
  parent?: string,
): string {
  const location = storage.locate(segments, parent);
  storage.create(location, recordFiles(extra));
  return location;
}

/** Every path under a directory, relative and sorted. */
function tree(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).sort();
}

/** Names directly in a directory that start with `.tmp-` (none when it does not exist). */
function temporaries(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).filter((name) => name.startsWith(TEMPORARY_PREFIX)) : [];
}

/** Every entry under a directory whose name holds `.tmp-`, at any depth. */
function temporariesBelow(directory: string): string[] {
  return existsSync(directory) ? tree(directory).filter((path) => path.includes(TEMPORARY_PREFIX)) : [];
}

/** A record directory written by hand (another tool, a colleague's copy), anywhere. */
function handMadeRecord(directory: string, files: Readonly<Record<string, string>> = {}, options: { sentinel?: boolean } = {}): string {
  mkdirSync(directory, { recursive: true });
  if (options.sentinel ?? true) writeFileSync(join(directory, SENTINEL_FILE), newRecordId());
  writeFileSync(join(directory, HEADER_FILE), '{"format": 1}');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  return directory;
}

/** The walk as plain objects, in the order it yields them. */
function walked(storage: Storage, location?: string): WalkEntry[] {
  return [...(storage.walk(location) as Iterable<WalkEntry>)].map(({ location, sentinel }) => ({ location, sentinel }));
}

/** Locations the walk yields (records with sentinel only, unless said otherwise). */
function walkedLocations(storage: Storage, location?: string): string[] {
  return walked(storage, location).map((entry) => entry.location);
}

const isPathError = (path: string) => (error: unknown) =>
  error instanceof RecordPathError && error instanceof MachinableError && error.path === path && error.message.includes(JSON.stringify(path));

// ---------------------------------------------------------------------------------------------
// Child processes and patched fs calls
// ---------------------------------------------------------------------------------------------

const STORAGE_FS_URL = import.meta.resolve('@machinable/storage-fs');

/** Runs an ES module script in a fresh Node process; the process is killed after the run if still alive. */
function runNode(script: string, args: readonly string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      children.delete(child);
      reject(error);
    });
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `body` (with `storage`, an FsStorage at `root`, in scope) in a child process whose
 * `fs.<fn>` kills the process, as `kill -9` or a power cut would, the first time it is called
 * with a path containing `when`.
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
    const { FsStorage } = await import(${JSON.stringify(STORAGE_FS_URL)});
    const storage = new FsStorage({ root: ${JSON.stringify(root)} });
    ${body}
  `;
  const { code, stderr } = await runNode(script);
  assert.equal(code, 86, `the child process should have died in ${fn}(…${when}…); stderr: ${stderr}`);
}

type PatchableFs = 'cpSync' | 'fstatSync' | 'mkdirSync' | 'renameSync' | 'writeFileSync';

/** Replaces `fs.<fn>` for this process (the storage's named imports included) during `action`. */
function patchFs<K extends PatchableFs>(fn: K, replacement: (typeof fs)[K], action: () => void): void {
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

/** The first arguments (as strings) of every call of `fs.<fn>` during `action`. */
function callsOf(fn: 'renameSync' | 'writeFileSync' | 'fstatSync', action: () => void): string[] {
  const calls: string[] = [];
  const original = fs[fn] as (...args: unknown[]) => unknown;
  const spy = (...args: unknown[]): unknown => {
    calls.push(String(args[0]));
    return original(...args);
  };
  patchFs(fn, spy as (typeof fs)[typeof fn], action);
  return calls;
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

describe('fs storage: locate', () => {
  it('places a record at <root>/<identity_key>/<predicate_key>, as a file:// URI of the absolute path', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    assert.equal(location, `file://${join(storage.root, IDENTITY, PREDICATE)}`);
    assert.equal(storage.directory(location), join(storage.root, IDENTITY, PREDICATE));
    assert.equal(fileURLToPath(location), storage.directory(location));
  });

  it('places a child record inside its parent record directory', () => {
    const storage = freshStorage();
    const parent = storage.locate([IDENTITY, PREDICATE]);
    const child = storage.locate([OTHER_IDENTITY, '2026-01-01_120000'], parent);
    assert.equal(storage.directory(child), join(storage.root, IDENTITY, PREDICATE, OTHER_IDENTITY, '2026-01-01_120000'));
    const grandchild = storage.locate(['run'], child);
    assert.equal(storage.directory(grandchild), join(storage.directory(child), 'run'));
  });

  it('gives the root, or the parent itself, for no segments', () => {
    const storage = freshStorage();
    assert.equal(storage.locate([]), `file://${storage.root}`);
    const parent = storage.locate([IDENTITY, PREDICATE]);
    assert.equal(storage.locate([], parent), parent);
  });

  it('accepts a plain directory path as the parent, and gives a file:// location', () => {
    const storage = freshStorage();
    const elsewhere = temporaryDirectory();
    assert.equal(storage.locate(['a'], elsewhere), `file://${join(elsewhere, 'a')}`);
  });

  it('creates nothing on disk', () => {
    const storage = freshStorage();
    storage.locate([IDENTITY, PREDICATE]);
    assert.equal(existsSync(storage.root), false);
  });

  for (const segment of ['', '.', '..', 'a/b', '../escape', 'a\\b', 'a\0b', `${TEMPORARY_PREFIX}x`]) {
    it(`refuses the segment ${JSON.stringify(segment)}, naming it`, () => {
      const storage = freshStorage();
      const refused = (error: unknown) => error instanceof RecordPathError && error.path === segment;
      assert.throws(() => storage.locate([IDENTITY, segment]), refused);
      assert.throws(() => storage.locate([segment], storage.locate([IDENTITY, PREDICATE])), refused);
    });
  }

  it('refuses a parent location of another scheme', () => {
    const storage = freshStorage();
    assert.throws(
      () => storage.locate(['a'], 's3://bucket/records/x'),
      (error: unknown) => error instanceof RecordPathError && error.path === 's3://bucket/records/x' && /file:\/\//.test(error.message),
    );
  });
});

describe('fs storage: locations and directories', () => {
  it('gives the local directory of a location, and of a plain path', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const directory = join(storage.root, IDENTITY, PREDICATE);
    assert.equal(storage.directory(location), directory);
    assert.equal(storage.directory(directory), directory);
    assert.ok(existsSync(join(storage.directory(location), SENTINEL_FILE)));
  });

  it('resolves a relative root to an absolute one, so locations are absolute', () => {
    const storage = new FsStorage({ root: 'storage' });
    assert.equal(storage.root, join(process.cwd(), 'storage'));
    assert.equal(storage.locate(['a']), `file://${join(process.cwd(), 'storage', 'a')}`);
  });

  it('keeps working for a root whose path holds spaces and URI characters', () => {
    const storage = new FsStorage({ root: join(temporaryDirectory(), 'my storage #1 %20') });
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}' });
    assert.equal(storage.directory(location), join(storage.root, IDENTITY, PREDICATE));
    assert.equal(storage.exists(location), true);
    assert.equal(storage.readFile(location, 'result.json')?.toString(), '{}');
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('converts between paths and locations with fileLocation() and locationPath()', () => {
    assert.equal(fileLocation('/srv/runs/a'), 'file:///srv/runs/a');
    assert.equal(fileLocation('/srv/runs/./a/../b'), 'file:///srv/runs/b');
    assert.equal(locationPath('file:///srv/runs/a'), '/srv/runs/a');
    assert.equal(locationPath('/srv/runs/a'), '/srv/runs/a');
    assert.equal(locationPath('relative/dir'), join(process.cwd(), 'relative/dir'));
    assert.throws(() => locationPath('gs://bucket/a'), (error: unknown) => error instanceof RecordPathError && error.path === 'gs://bucket/a');
  });

  it('gives what resolve() gives for every spelling of a path, normal or not', () => {
    const spellings = [
      '/', '/a', '/a/b', '/a/b/', '//a', '/a//b', '/a/./b', '/a/../b', '/a/..', '/a/.', '/..', '/.a/b..', '/a/.tmp/..b',
      '/a/b.', '/a/...', 'a/b', './a', '../a', 'a/../../b',
    ];
    for (const path of spellings) {
      assert.equal(locationPath(path), resolve(path), path);
      assert.equal(locationPath(`file://${path.startsWith('/') ? '' : '/'}${path}`), resolve('/', path), path);
      assert.equal(fileLocation(path), `file://${resolve(path)}`, path);
    }
  });

  it('takes a file:// location with a trailing slash as the directory it names, like a plain path with one', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    storage.create(`${location}/`, recordFiles());
    assert.equal(storage.exists(location), true);
    assert.deepEqual(walkedLocations(storage), [location]);
  });
});

// ---------------------------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------------------------

describe('fs storage: create', () => {
  it('writes exactly the given files at the location, strings and bytes, nested paths included', () => {
    const storage = freshStorage();
    const files = recordFiles({ 'notes.txt': 'hello', 'a/b/c.json': '{"x": 1}', 'weights.bin': new Uint8Array([0, 1, 255]) });
    const location = storage.locate([IDENTITY, PREDICATE]);
    storage.create(location, files);
    const directory = storage.directory(location);
    assert.deepEqual(tree(directory), ['.machinable', 'a', 'a/b', 'a/b/c.json', 'id.json', 'model.json', 'notes.txt', 'updated_at', 'weights.bin']);
    for (const [path, data] of files) assert.deepEqual(readFileSync(join(directory, path)), Buffer.from(data), path);
  });

  it('makes the record visible to exists(), walk() and files() once it returns', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    assert.equal(storage.exists(location), false);
    storage.create(location, recordFiles());
    assert.equal(storage.exists(location), true);
    assert.deepEqual(walked(storage), [{ location, sentinel: true }]);
    assert.deepEqual(storage.files(location), ['.machinable', 'id.json', 'model.json', 'updated_at']);
  });

  it('creates the storage root and every missing directory above the location', () => {
    const root = join(temporaryDirectory(), 'deep', 'er', 'storage');
    const storage = new FsStorage({ root });
    assert.equal(existsSync(root), false);
    const location = createRecord(storage, [IDENTITY, PREDICATE, OTHER_IDENTITY, 'run']);
    assert.ok(existsSync(join(root, IDENTITY, PREDICATE, OTHER_IDENTITY, 'run', SENTINEL_FILE)));
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('creates a child record inside its parent record, leaving the parent as it was', () => {
    const storage = freshStorage();
    const parent = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}' });
    const before = storage.files(parent);
    const child = createRecord(storage, [OTHER_IDENTITY, '2026-01-01_120000'], {}, parent);
    assert.ok(storage.directory(child).startsWith(`${storage.directory(parent)}/`));
    assert.equal(storage.exists(child), true);
    assert.deepEqual(storage.files(parent), before);
    assert.deepEqual(temporaries(dirname(storage.directory(child))), []);
  });

  it('gives the record directory the usual permissions, not those of a private temporary directory', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const reference = join(temporaryDirectory(), 'reference');
    mkdirSync(reference);
    assert.equal(statSync(storage.directory(location)).mode & 0o777, statSync(reference).mode & 0o777);
  });

  it('writes the sentinel last, whatever the order of the files it is given', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const files = recordFiles({ 'result.json': '{}', 'z/last.txt': 'z' });
    assert.equal([...files.keys()][0], SENTINEL_FILE);
    const written = callsOf('writeFileSync', () => storage.create(location, files));
    const names = written.filter((path) => path.startsWith(dirname(storage.directory(location)))).map((path) => path.split('/').at(-1));
    assert.equal(names.length, files.size);
    assert.equal(names.at(-1), SENTINEL_FILE);
  });

  it('replaces an empty directory at the location (a writer that died after mkdir)', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    mkdirSync(storage.directory(location), { recursive: true });
    storage.create(location, recordFiles({ 'result.json': '{}' }));
    assert.equal(storage.exists(location), true);
    assert.equal(storage.readFile(location, 'result.json')?.toString(), '{}');
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('refuses a location that holds a record, leaving the record untouched and nothing half-written', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': 'first' });
    const before = tree(storage.directory(location));
    assert.throws(
      () => storage.create(location, recordFiles({ 'result.json': 'second', 'extra.txt': 'x' })),
      (error: unknown) => error instanceof RecordExistsError && error.location === location && error.message.includes(location),
    );
    assert.equal(storage.readFile(location, 'result.json')?.toString(), 'first');
    assert.deepEqual(tree(storage.directory(location)), before);
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('refuses a location that holds a non-empty directory that is not a record, and leaves it as it was', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    mkdirSync(storage.directory(location), { recursive: true });
    writeFileSync(join(storage.directory(location), 'stray.txt'), 'mine');
    assert.throws(() => storage.create(location, recordFiles()), RecordExistsError);
    assert.deepEqual(tree(storage.directory(location)), ['stray.txt']);
    assert.equal(storage.exists(location), false);
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('refuses a location where a file is', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    mkdirSync(join(storage.root, IDENTITY), { recursive: true });
    writeFileSync(storage.directory(location), 'a file');
    assert.throws(() => storage.create(location, recordFiles()), RecordExistsError);
    assert.equal(readFileSync(storage.directory(location), 'utf8'), 'a file');
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('leaves no record and no temporary behind when a file cannot be written', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    // `a` is written as a file, so `a/b` cannot be: the failure comes after other files were written.
    assert.throws(() => storage.create(location, recordFiles({ a: 'file', 'a/b': 'nested under a file' })));
    assert.equal(existsSync(storage.directory(location)), false);
    assert.equal(storage.exists(location), false);
    assert.deepEqual(walked(storage), []);
    assert.deepEqual(temporariesBelow(storage.root), []);
  });

  for (const path of ['../escape.txt', '/etc/passwd', 'a/../../escape.txt', '', '.', `${TEMPORARY_PREFIX}x`, `a/${TEMPORARY_PREFIX}b`]) {
    it(`refuses the file path ${JSON.stringify(path)} and writes nothing`, () => {
      const storage = freshStorage();
      const location = storage.locate([IDENTITY, PREDICATE]);
      assert.throws(() => storage.create(location, recordFiles({ [path]: 'x' })), isPathError(path));
      assert.equal(existsSync(storage.root), false);
      assert.equal(existsSync(join(dirname(storage.root), 'escape.txt')), false);
    });
  }

  it('refuses a location of another scheme', () => {
    const storage = freshStorage();
    assert.throws(() => storage.create('s3://bucket/a/b', recordFiles()), RecordPathError);
  });

  it('lets exactly one of several processes creating the same location win; the others get RecordExistsError', async () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const script = `
      const { FsStorage } = await import(${JSON.stringify(STORAGE_FS_URL)});
      const storage = new FsStorage({ root: ${JSON.stringify(storage.root)} });
      const writer = process.argv[1];
      const files = new Map([['.machinable', writer], ['id.json', '{}'], ...Array.from({ length: 50 }, (_, i) => ['data/' + i + '.txt', writer])]);
      try {
        storage.create(${JSON.stringify(location)}, files);
        console.log('created');
      } catch (error) {
        if (error.name !== 'RecordExistsError') throw error;
        console.log('exists');
      }
    `;
    const writers = ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'];
    const results = await Promise.all(writers.map((writer) => runNode(script, [writer])));
    for (const { code, stderr } of results) assert.equal(code, 0, stderr);
    const outcomes = results.map(({ stdout }) => stdout.trim());
    assert.equal(outcomes.filter((outcome) => outcome === 'created').length, 1, outcomes.join(', '));
    assert.equal(outcomes.filter((outcome) => outcome === 'exists').length, writers.length - 1, outcomes.join(', '));
    // The record is one writer's, whole.
    const winner = storage.readFile(location, SENTINEL_FILE)!.toString();
    assert.equal(winner, writers[outcomes.indexOf('created')]);
    const files = storage.files(location);
    assert.equal(files.length, 52);
    for (const path of files.filter((path) => path.startsWith('data/'))) assert.equal(storage.readFile(location, path)?.toString(), winner);
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });
});

// ---------------------------------------------------------------------------------------------
// Crashes: a process killed midway leaves the old state or the new one
// ---------------------------------------------------------------------------------------------

describe('fs storage: crashes', () => {
  it('shows no record when create() dies while writing its files, and the location can be created afterwards', async () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const files = [...recordFiles({ 'a.txt': 'x' })];
    await crashDuring(storage.root, 'writeFileSync', 'model.json', `storage.create(${JSON.stringify(location)}, new Map(${JSON.stringify(files)}));`);
    assert.equal(storage.exists(location), false);
    assert.equal(existsSync(storage.directory(location)), false);
    assert.deepEqual(walked(storage), []);
    // The half-written record is a hidden temporary next to where the record was to be.
    assert.equal(temporaries(join(storage.root, IDENTITY)).length, 1);
    storage.create(location, recordFiles());
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('has written every other file when create() dies writing the sentinel, and still shows no record', async () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const files = [...recordFiles({ 'result.json': '{}', 'logs/a.txt': 'a' })];
    await crashDuring(storage.root, 'writeFileSync', `/${SENTINEL_FILE}`, `storage.create(${JSON.stringify(location)}, new Map(${JSON.stringify(files)}));`);
    assert.equal(storage.exists(location), false);
    assert.deepEqual(walked(storage), []);
    const [leftover] = temporaries(join(storage.root, IDENTITY));
    assert.ok(leftover);
    assert.deepEqual(tree(join(storage.root, IDENTITY, leftover)), ['id.json', 'logs', 'logs/a.txt', 'model.json', 'result.json', 'updated_at']);
  });

  it('shows no record when create() dies at its rename', async () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const files = [...recordFiles()];
    await crashDuring(storage.root, 'renameSync', storage.directory(location), `storage.create(${JSON.stringify(location)}, new Map(${JSON.stringify(files)}));`);
    assert.equal(storage.exists(location), false);
    assert.equal(existsSync(storage.directory(location)), false);
    assert.deepEqual(walked(storage), []);
  });

  it('shows the old file, never a part of the new one, when writeFile() dies', async () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{"loss": 1}' });
    await crashDuring(storage.root, 'renameSync', 'result.json', `storage.writeFile(${JSON.stringify(location)}, 'result.json', '{"loss": 0.5}');`);
    assert.equal(storage.readFile(location, 'result.json')?.toString(), '{"loss": 1}');
    // The temporary file it leaves is hidden from files().
    assert.equal(temporariesBelow(storage.directory(location)).length, 1);
    assert.ok(!storage.files(location).some((path) => path.includes(TEMPORARY_PREFIX)));
  });

  it('shows no record when copyIn() dies before its rename', async () => {
    const storage = freshStorage();
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'), { 'result.json': '{}' });
    const location = storage.locate([IDENTITY, PREDICATE]);
    await crashDuring(storage.root, 'renameSync', storage.root, `storage.copyIn(${JSON.stringify(source)}, ${JSON.stringify(location)});`);
    assert.equal(storage.exists(location), false);
    assert.deepEqual(walked(storage), []);
  });

  it('shows no half-deleted record when remove() dies while deleting', async () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'a/b/c.txt': 'x' });
    const child = createRecord(storage, ['child'], {}, location);
    await crashDuring(storage.root, 'rmSync', `${TEMPORARY_PREFIX}removed`, `storage.remove(${JSON.stringify(location)});`);
    assert.equal(storage.exists(location), false);
    assert.equal(storage.exists(child), false);
    assert.deepEqual(walked(storage), []);
    assert.equal(temporaries(join(storage.root, IDENTITY)).length, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// readFile and writeFile
// ---------------------------------------------------------------------------------------------

describe('fs storage: writeFile and readFile', () => {
  it('writes and reads back files at nested paths, text and bytes', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'outputs/deep/result.json', '{"loss": 0.1}');
    storage.writeFile(location, 'weights.bin', new Uint8Array([1, 2, 3]));
    assert.equal(readFileSync(join(storage.directory(location), 'outputs/deep/result.json'), 'utf8'), '{"loss": 0.1}');
    assert.equal(storage.readFile(location, 'outputs/deep/result.json')?.toString(), '{"loss": 0.1}');
    assert.ok(Buffer.isBuffer(storage.readFile(location, 'weights.bin')));
    assert.deepEqual([...storage.readFile(location, 'weights.bin')!], [1, 2, 3]);
  });

  it('replaces a file through a temporary file and a rename, never rewriting it in place', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': 'old' });
    const file = join(storage.directory(location), 'result.json');
    const before = statSync(file).ino;
    storage.writeFile(location, 'result.json', 'new');
    assert.notEqual(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(temporariesBelow(storage.directory(location)), []);
  });

  it('leaves no temporary file behind when a write fails', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    mkdirSync(join(storage.directory(location), 'occupied'));
    assert.throws(() => storage.writeFile(location, 'occupied', 'data'));
    assert.deepEqual(temporariesBelow(storage.directory(location)), []);
  });

  it('returns undefined for a file the record does not have, or a record that does not exist', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}' });
    assert.equal(storage.readFile(location, 'finished_at'), undefined);
    assert.equal(storage.readFile(location, 'no/such/file.json'), undefined);
    assert.equal(storage.readFile(location, 'result.json/under-a-file'), undefined);
    assert.equal(storage.readFile(storage.locate([OTHER_IDENTITY, PREDICATE]), 'result.json'), undefined);
  });

  it('reads a record directory outside the root', () => {
    const storage = freshStorage();
    const directory = handMadeRecord(join(temporaryDirectory(), 'elsewhere'), { 'result.json': '{"loss": 2}' });
    assert.equal(storage.readFile(fileLocation(directory), 'result.json')?.toString(), '{"loss": 2}');
  });

  for (const path of ['/etc/passwd', '../escape.txt', 'a/../../escape.txt', '..', '.', '', 'C:\\escape.txt', 'a\0b', `${TEMPORARY_PREFIX}x`, `a/${TEMPORARY_PREFIX}x/b`]) {
    it(`refuses the path ${JSON.stringify(path)} in every file operation, naming it`, () => {
      const storage = freshStorage();
      const location = createRecord(storage);
      assert.throws(() => storage.writeFile(location, path, 'x'), isPathError(path));
      assert.throws(() => storage.readFile(location, path), isPathError(path));
      assert.throws(() => storage.appendFile(location, path, 'x'), isPathError(path));
      assert.throws(() => storage.removeFile(location, path), isPathError(path));
      assert.equal(existsSync(join(storage.root, 'escape.txt')), false);
      assert.equal(existsSync(join(storage.root, IDENTITY, 'escape.txt')), false);
    });
  }

  it('allows ".." that stays inside the record', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'a/../b.txt', 'inside');
    assert.equal(readFileSync(join(storage.directory(location), 'b.txt'), 'utf8'), 'inside');
    assert.equal(storage.readFile(location, './a/../b.txt')?.toString(), 'inside');
  });

  it('never rewrites id.json or .machinable, through writeFile() or appendFile()', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const directory = storage.directory(location);
    const before = [HEADER_FILE, SENTINEL_FILE].map((name) => readFileSync(join(directory, name), 'utf8'));
    for (const path of [HEADER_FILE, SENTINEL_FILE, `./${HEADER_FILE}`]) {
      assert.throws(() => storage.writeFile(location, path, '{}'), RecordPathError, `writeFile ${path}`);
      assert.throws(() => storage.appendFile(location, path, '{}'), RecordPathError, `appendFile ${path}`);
    }
    assert.deepEqual(
      [HEADER_FILE, SENTINEL_FILE].map((name) => readFileSync(join(directory, name), 'utf8')),
      before,
    );
  });

  it('reports a record that does not exist as not found, and creates nothing', () => {
    const storage = freshStorage();
    createRecord(storage);
    const missing = storage.locate([OTHER_IDENTITY, PREDICATE]);
    const notFound = (error: unknown) => error instanceof RecordNotFoundError && error.message.includes(storage.directory(missing));
    assert.throws(() => storage.writeFile(missing, 'result.json', '{}'), notFound);
    assert.throws(() => storage.writeFile(missing, 'nested/result.json', '{}'), notFound);
    assert.throws(() => storage.writeFile(missing, 'finished_at', TIME), notFound);
    assert.throws(() => storage.appendFile(missing, 'log.jsonl', '{}\n'), notFound);
    assert.equal(existsSync(storage.directory(missing)), false);
  });

  it('reports a directory without the sentinel as not found, and writes nothing into it', () => {
    const storage = freshStorage();
    const directory = handMadeRecord(join(storage.root, IDENTITY, PREDICATE), {}, { sentinel: false });
    const location = fileLocation(directory);
    assert.throws(() => storage.writeFile(location, 'result.json', '{}'), RecordNotFoundError);
    assert.throws(() => storage.appendFile(location, 'log.txt', 'x'), RecordNotFoundError);
    assert.deepEqual(tree(directory), ['id.json']);
  });

  it('writes into a record another process created', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const other = new FsStorage({ root: storage.root });
    other.writeFile(location, 'nested/result.json', '{}');
    other.writeFile(location, 'finished_at', TIME);
    assert.equal(storage.readFile(location, 'nested/result.json')?.toString(), '{}');
    assert.equal(storage.readFile(location, 'finished_at')?.toString(), TIME);
  });
});

describe('fs storage: a removed record is not resurrected by a write', () => {
  it('reports a record removed by another process as not found, and recreates nothing', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'dispatched_at', TIME);
    rmSync(storage.directory(location), { recursive: true }); // by another process
    for (const path of [UPDATED_AT_FILE, 'dispatched_at', 'finished_at', 'result.json', 'nested/result.json']) {
      assert.throws(() => storage.writeFile(location, path, LATER), RecordNotFoundError, path);
    }
    assert.throws(() => storage.appendFile(location, 'related/metadata.jsonl', '{}\n'), RecordNotFoundError);
    assert.equal(existsSync(storage.directory(location)), false);
  });

  it('reports a record this storage removed as not found', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.remove(location);
    assert.throws(() => storage.writeFile(location, 'result.json', '{}'), RecordNotFoundError);
    assert.throws(() => storage.writeFile(location, UPDATED_AT_FILE, LATER), RecordNotFoundError);
    assert.throws(() => storage.appendFile(location, 'log.txt', 'x'), RecordNotFoundError);
    assert.equal(existsSync(storage.directory(location)), false);
  });

  it('reports a child record removed along with its parent as not found', () => {
    const storage = freshStorage();
    const parent = createRecord(storage);
    const child = createRecord(storage, ['child'], {}, parent);
    storage.writeFile(child, 'started_at', TIME);
    storage.remove(parent);
    for (const path of [UPDATED_AT_FILE, 'started_at', 'result.json', 'nested/result.json']) {
      assert.throws(() => storage.writeFile(child, path, LATER), RecordNotFoundError, path);
    }
    assert.equal(existsSync(storage.directory(parent)), false);
  });

  /** Removes `doomed` (as another process would) at the moment the storage makes a directory. */
  function removedAtMkdir(doomed: string): typeof fs.mkdirSync {
    const mkdir = fs.mkdirSync;
    return ((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      rmSync(doomed, { recursive: true, force: true });
      return mkdir(path, options);
    }) as typeof fs.mkdirSync;
  }

  it('does not resurrect a record removed while a nested file is being written', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    patchFs('mkdirSync', removedAtMkdir(storage.directory(location)), () => {
      assert.throws(() => storage.writeFile(location, 'nested/result.json', '{}'), RecordNotFoundError);
    });
    assert.equal(existsSync(storage.directory(location)), false);
    const again = createRecord(storage);
    patchFs('mkdirSync', removedAtMkdir(storage.directory(again)), () => {
      assert.throws(() => storage.appendFile(again, 'logs/train.log', 'x\n'), RecordNotFoundError);
    });
    assert.equal(existsSync(storage.directory(again)), false);
  });

  it('does not resurrect a child record whose parent is removed while a nested file is being written', () => {
    const storage = freshStorage();
    const parent = createRecord(storage);
    const child = createRecord(storage, ['child'], {}, parent);
    patchFs('mkdirSync', removedAtMkdir(storage.directory(parent)), () => {
      assert.throws(() => storage.writeFile(child, 'nested/result.json', '{}'), RecordNotFoundError);
    });
    assert.equal(existsSync(storage.directory(child)), false);
    assert.equal(existsSync(storage.directory(parent)), false);
  });
});

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

describe('fs storage: timestamps', () => {
  it('rewrites updated_at and status markers in place when the new time has the same length', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const directory = storage.directory(location);
    storage.writeFile(location, 'finished_at', TIME);
    const inodes = [UPDATED_AT_FILE, 'finished_at'].map((name) => statSync(join(directory, name)).ino);
    const renames = callsOf('renameSync', () => {
      storage.writeFile(location, UPDATED_AT_FILE, LATER);
      storage.writeFile(location, 'finished_at', LATER);
    });
    assert.deepEqual(renames, []);
    assert.deepEqual([UPDATED_AT_FILE, 'finished_at'].map((name) => statSync(join(directory, name)).ino), inodes);
    assert.equal(storage.readFile(location, UPDATED_AT_FILE)?.toString(), LATER);
    assert.equal(storage.readFile(location, 'finished_at')?.toString(), LATER);
    assert.deepEqual(temporariesBelow(directory), []);
  });

  it('creates a marker the record does not have yet with a single write, no temporary file and no rename', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const directory = storage.directory(location);
    const markers = ['dispatched_at', 'started_at', 'heartbeat_at', 'finished_at'];
    let writes: string[] = [];
    const renames = callsOf('renameSync', () => {
      writes = callsOf('writeFileSync', () => {
        for (const marker of markers) storage.writeFile(location, marker, TIME);
      });
    });
    assert.deepEqual(renames, []);
    assert.deepEqual(writes, markers.map((marker) => join(directory, marker)));
    for (const marker of markers) assert.equal(storage.readFile(location, marker)?.toString(), TIME);
  });

  it('writes a time of the longest form over one it wrote in one write, also after Python rewrote it in its shorter form', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const file = join(storage.directory(location), UPDATED_AT_FILE);
    const before = statSync(file).ino;
    // Python machinable writes str(arrow.now()): without microseconds when they are zero.
    writeFileSync(file, '2026-01-01T12:10:00+00:00');
    let looks: string[] = [];
    const writes = callsOf('writeFileSync', () => {
      looks = callsOf('fstatSync', () => storage.writeFile(location, UPDATED_AT_FILE, LATER));
    });
    assert.deepEqual(writes, [file], 'one write');
    assert.deepEqual(looks, [], 'without looking at the file first');
    assert.equal(statSync(file).ino, before, 'in place');
    assert.equal(readFileSync(file, 'utf8'), LATER, 'the old time covered whole');
  });

  it('rewrites a timestamp in place in a record another storage instance created', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'heartbeat_at', TIME);
    const file = join(storage.directory(location), 'heartbeat_at');
    const before = statSync(file).ino;
    new FsStorage({ root: storage.root }).writeFile(location, 'heartbeat_at', LATER);
    assert.equal(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), LATER);
  });

  it('replaces a timestamp of another length whole, leaving no tail of the old one', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const file = join(storage.directory(location), 'started_at');
    writeFileSync(file, '2026-01-01T12:00:00+00:00:and-more-than-the-new-time'); // written by another tool
    const before = statSync(file).ino;
    storage.writeFile(location, 'started_at', TIME);
    assert.notEqual(statSync(file).ino, before);
    assert.equal(readFileSync(file, 'utf8'), TIME);
    storage.writeFile(location, UPDATED_AT_FILE, '2026-01-01T12:00:00+00:00');
    assert.equal(storage.readFile(location, UPDATED_AT_FILE)?.toString(), '2026-01-01T12:00:00+00:00');
  });

  it('writes a marker another process wrote meanwhile, and one removed meanwhile', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const file = join(storage.directory(location), 'heartbeat_at');
    writeFileSync(file, TIME); // behind the storage's back
    storage.writeFile(location, 'heartbeat_at', LATER);
    assert.equal(readFileSync(file, 'utf8'), LATER);
    rmSync(file);
    storage.writeFile(location, 'heartbeat_at', LATEST);
    assert.equal(readFileSync(file, 'utf8'), LATEST);
    storage.removeFile(location, 'heartbeat_at');
    storage.writeFile(location, 'heartbeat_at', TIME);
    assert.equal(readFileSync(file, 'utf8'), TIME);
  });

  it('writes an empty marker whole', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'finished_at', TIME);
    storage.writeFile(location, 'finished_at', '');
    assert.equal(storage.readFile(location, 'finished_at')?.toString(), '');
  });
});

// ---------------------------------------------------------------------------------------------
// appendFile and removeFile
// ---------------------------------------------------------------------------------------------

describe('fs storage: appendFile', () => {
  it('appends the text as given, creating the file and its directories', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.appendFile(location, 'related/metadata.jsonl', '{"relation": "uses"}\n');
    storage.appendFile(location, 'related/metadata.jsonl', '{"relation": "used_by"}\n');
    storage.appendFile(location, 'logs/train/events.txt', 'no newline');
    storage.appendFile(location, 'logs/train/events.txt', ' added');
    assert.equal(storage.readFile(location, 'related/metadata.jsonl')?.toString(), '{"relation": "uses"}\n{"relation": "used_by"}\n');
    assert.equal(storage.readFile(location, 'logs/train/events.txt')?.toString(), 'no newline added');
  });

  it('appends to a marker that holds a line per resume', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.appendFile(location, 'resumed_at', `${TIME}\n`);
    storage.appendFile(location, 'resumed_at', `${LATER}\n`);
    assert.equal(storage.readFile(location, 'resumed_at')?.toString(), `${TIME}\n${LATER}\n`);
  });

  it('keeps the lines of concurrent appenders whole', async () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const processes = 4;
    const lines = 300;
    const script = `
      const { FsStorage } = await import(${JSON.stringify(STORAGE_FS_URL)});
      const storage = new FsStorage({ root: ${JSON.stringify(storage.root)} });
      const tag = process.argv[1];
      for (let i = 0; i < ${lines}; i++) {
        storage.appendFile(${JSON.stringify(location)}, 'related/metadata.jsonl', JSON.stringify({ tag, i, pad: tag.repeat(2000) }) + '\\n');
      }
    `;
    const results = await Promise.all(Array.from({ length: processes }, (_, p) => runNode(script, [String.fromCharCode(97 + p)])));
    for (const { code, stderr } of results) assert.equal(code, 0, stderr);
    const written = storage.readFile(location, 'related/metadata.jsonl')!.toString().split('\n');
    assert.equal(written.pop(), '');
    assert.equal(written.length, processes * lines);
    for (const line of written) {
      const { tag, pad } = JSON.parse(line) as { tag: string; pad: string };
      assert.equal(pad, tag.repeat(2000));
    }
  });
});

describe('fs storage: removeFile', () => {
  it('removes a file of the record and says so', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { cached: 'finished', 'outputs/a.txt': 'a' });
    assert.equal(storage.removeFile(location, 'cached'), true);
    assert.equal(storage.removeFile(location, 'outputs/a.txt'), true);
    assert.equal(storage.readFile(location, 'cached'), undefined);
    assert.ok(!storage.files(location).includes('cached'));
    assert.equal(storage.exists(location), true);
  });

  it('returns false for a file that is not there', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    assert.equal(storage.removeFile(location, 'cached'), false);
    assert.equal(storage.removeFile(location, 'no/such/file'), false);
    assert.equal(storage.removeFile(storage.locate([OTHER_IDENTITY, PREDICATE]), 'cached'), false);
  });

  it('returns false for a path below a file, as readFile() returns undefined for it', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { cached: 'finished' });
    assert.equal(storage.readFile(location, 'cached/x'), undefined);
    assert.equal(storage.removeFile(location, 'cached/x'), false);
    assert.equal(storage.readFile(location, 'cached')?.toString(), 'finished');
  });
});

// ---------------------------------------------------------------------------------------------
// files, exists, walk
// ---------------------------------------------------------------------------------------------

describe('fs storage: files', () => {
  it('lists the files of a record relative to it, sorted, nested paths included', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'z.txt': 'z', 'b/c/d.json': '{}', 'a.txt': 'a', 'related/metadata.jsonl': '' });
    assert.deepEqual(storage.files(location), [
      '.machinable',
      'a.txt',
      'b/c/d.json',
      'id.json',
      'model.json',
      'related/metadata.jsonl',
      'updated_at',
      'z.txt',
    ]);
  });

  it('leaves out child records, but lists plain directories of the record', () => {
    const storage = freshStorage();
    const parent = createRecord(storage, [IDENTITY, PREDICATE], { 'outputs/a.txt': 'a' });
    createRecord(storage, [OTHER_IDENTITY, '2026-01-01_120000'], { 'result.json': '{}' }, parent);
    createRecord(storage, ['child'], {}, parent);
    assert.deepEqual(storage.files(parent), ['.machinable', 'id.json', 'model.json', 'outputs/a.txt', 'updated_at']);
  });

  it('leaves out symbolic links that lead out of the record (or nowhere), and lists those within it', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}' });
    const directory = storage.directory(location);
    const outside = join(dirname(storage.root), `outside-${process.pid}.txt`);
    writeFileSync(outside, 'not the record\'s');
    symlinkSync(outside, join(directory, 'leak.txt'));
    symlinkSync(join(directory, '..'), join(directory, 'up'));
    symlinkSync(join(directory, 'missing.json'), join(directory, 'dangling.json'));
    symlinkSync(join(directory, 'result.json'), join(directory, 'alias.json'));
    assert.deepEqual(storage.files(location), ['.machinable', 'alias.json', 'id.json', 'model.json', 'result.json', 'updated_at']);
    rmSync(outside, { force: true });
  });

  it('leaves out temporary entries', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const directory = storage.directory(location);
    writeFileSync(join(directory, `result.json${TEMPORARY_PREFIX}0123abcd-1`), 'an interrupted writeFile()');
    mkdirSync(join(directory, `${TEMPORARY_PREFIX}child-0123abcd-2`));
    writeFileSync(join(directory, `${TEMPORARY_PREFIX}child-0123abcd-2`, 'id.json'), '{}');
    assert.deepEqual(storage.files(location), ['.machinable', 'id.json', 'model.json', 'updated_at']);
  });

  it('lists every file writeFile() accepted, a name holding ".tmp-" included', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'report.tmp-final.txt', 'kept');
    assert.equal(storage.readFile(location, 'report.tmp-final.txt')?.toString(), 'kept');
    assert.ok(storage.files(location).includes('report.tmp-final.txt'), JSON.stringify(storage.files(location)));
  });

  it('refuses a name shaped like its temporary files (<file>.tmp-<suffix>), which files() would hide and cleanTemporary() delete', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    for (const path of ['backup.tmp-2024-01', 'copy.tmp-abc-def', 'plots.tmp-a-b/loss.svg']) {
      assert.throws(() => storage.writeFile(location, path, 'x'), isPathError(path));
      assert.throws(() => storage.appendFile(location, path, 'x'), isPathError(path));
      assert.throws(() => storage.createFile(location, path, 'x'), isPathError(path));
      assert.throws(() => storage.create(storage.locate(['child'], location), recordFiles({ [path]: 'x' })), isPathError(path));
      assert.throws(() => storage.locate([IDENTITY, path.split('/')[0]!]), RecordPathError);
    }
    assert.deepEqual(storage.files(location), ['.machinable', 'id.json', 'model.json', 'updated_at']);
    assert.deepEqual(cleanTemporary(storage.root, { olderThanMs: 0, now: Date.now() + 1000 }), []);
  });

  it('is empty for a location with nothing there', () => {
    const storage = freshStorage();
    assert.deepEqual(storage.files(storage.locate([IDENTITY, PREDICATE])), []);
  });
});

describe('fs storage: hasFile', () => {
  it('is true for a file of the record, empty or not, and false for one it does not have', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}', 'cached': '', 'logs/a.txt': 'x' });
    assert.equal(storage.hasFile(location, 'result.json'), true);
    assert.equal(storage.hasFile(location, 'cached'), true);
    assert.equal(storage.hasFile(location, 'logs/a.txt'), true);
    assert.equal(storage.hasFile(location, 'logs/./a.txt'), true);
    assert.equal(storage.hasFile(location, 'missing.json'), false);
    assert.equal(storage.hasFile(location, 'missing/a.txt'), false);
    storage.removeFile(location, 'cached');
    assert.equal(storage.hasFile(location, 'cached'), false);
  });

  it('is false where there is no record, and refuses a path that leaves the record', () => {
    const storage = freshStorage();
    assert.equal(storage.hasFile(storage.locate([IDENTITY, PREDICATE]), 'cached'), false);
    const location = createRecord(storage);
    assert.throws(() => storage.hasFile(location, '../x'), RecordPathError);
  });
});

describe('fs storage: exists', () => {
  it('is true for a record and false once it is removed', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    assert.equal(storage.exists(location), true);
    storage.remove(location);
    assert.equal(storage.exists(location), false);
  });

  it('is false for nothing, a directory without the sentinel, and a file', () => {
    const storage = freshStorage();
    assert.equal(storage.exists(storage.locate([IDENTITY, PREDICATE])), false);
    handMadeRecord(join(storage.root, IDENTITY, PREDICATE), {}, { sentinel: false });
    assert.equal(storage.exists(storage.locate([IDENTITY, PREDICATE])), false);
    writeFileSync(join(storage.root, 'file'), 'x');
    assert.equal(storage.exists(storage.locate(['file'])), false);
    assert.equal(storage.exists(storage.locate([IDENTITY])), false);
  });
});

describe('fs storage: walk', () => {
  it('yields nothing when the root does not exist yet', () => {
    assert.deepEqual(walked(freshStorage()), []);
  });

  it('yields every record, nested ones included, parents before their children and siblings in name order', () => {
    const storage = freshStorage();
    const b = createRecord(storage, [OTHER_IDENTITY, PREDICATE]);
    const a = createRecord(storage, [IDENTITY, PREDICATE]);
    const a2 = createRecord(storage, [IDENTITY, 'f'.repeat(32)]);
    const run2 = createRecord(storage, [OTHER_IDENTITY, '2026-01-01_120001'], {}, a);
    const run1 = createRecord(storage, [OTHER_IDENTITY, '2026-01-01_120000'], {}, a);
    const deep = createRecord(storage, ['derived'], {}, run1);
    assert.deepEqual(walked(storage), [a, run1, deep, run2, a2, b].map((location) => ({ location, sentinel: true })));
  });

  it('does not yield the root, key directories, or plain directories inside records', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'outputs/deep/a.txt': 'a' });
    writeFileSync(join(storage.root, '.machinable.sqlite'), '');
    writeFileSync(join(storage.root, 'README.txt'), 'not a record');
    mkdirSync(join(storage.root, 'empty'));
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('finds records below plain directories of a record', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const nested = handMadeRecord(join(storage.directory(location), 'outputs', 'copied-record'));
    assert.deepEqual(walkedLocations(storage), [location, fileLocation(nested)]);
  });

  it('yields a directory with id.json but no sentinel with sentinel: false, and still descends into it', () => {
    const storage = freshStorage();
    const copy = handMadeRecord(join(storage.root, IDENTITY, PREDICATE), {}, { sentinel: false });
    const child = handMadeRecord(join(copy, 'child'));
    const plain = join(storage.root, OTHER_IDENTITY, PREDICATE);
    mkdirSync(plain, { recursive: true });
    writeFileSync(join(plain, 'model.json'), '{}'); // neither sentinel nor id.json: not reported
    assert.deepEqual(walked(storage), [
      { location: fileLocation(copy), sentinel: false },
      { location: fileLocation(child), sentinel: true },
    ]);
  });

  it('yields a directory with the sentinel but no id.json, for the reader to report', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    rmSync(join(storage.directory(location), HEADER_FILE));
    assert.deepEqual(walked(storage), [{ location, sentinel: true }]);
  });

  it('skips temporary entries: a crashed create(), a half-removed record', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    handMadeRecord(join(storage.root, IDENTITY, `${TEMPORARY_PREFIX}${PREDICATE}-0123abcd-1`));
    handMadeRecord(join(storage.root, `${TEMPORARY_PREFIX}removed-0123abcd-2`, 'inner'));
    handMadeRecord(join(storage.directory(location), `${TEMPORARY_PREFIX}child-0123abcd-3`));
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('does not descend into related/', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    handMadeRecord(join(storage.directory(location), 'related', 'uses', 'mirror'));
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('does not follow symbolic links, to records or in loops', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const outside = handMadeRecord(join(temporaryDirectory(), 'outside'));
    symlinkSync(outside, join(storage.root, 'link-to-outside'));
    symlinkSync(storage.directory(location), join(storage.directory(location), 'self'));
    symlinkSync(storage.root, join(storage.root, IDENTITY, 'loop'));
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('walks one subtree when given a location, the location itself included', () => {
    const storage = freshStorage();
    const a = createRecord(storage, [IDENTITY, PREDICATE]);
    const run = createRecord(storage, [OTHER_IDENTITY, '2026-01-01_120000'], {}, a);
    const deep = createRecord(storage, ['derived'], {}, run);
    createRecord(storage, [OTHER_IDENTITY, PREDICATE]);
    assert.deepEqual(walkedLocations(storage, a), [a, run, deep]);
    assert.deepEqual(walkedLocations(storage, run), [run, deep]);
    assert.deepEqual(walkedLocations(storage, storage.locate([IDENTITY])), [a, run, deep]);
  });

  it('walks a record directory outside the root, and nothing for a missing location', () => {
    const storage = freshStorage();
    const outside = handMadeRecord(join(temporaryDirectory(), 'outside'));
    const inner = handMadeRecord(join(outside, 'x', 'inner'));
    assert.deepEqual(walkedLocations(storage, fileLocation(outside)), [fileLocation(outside), fileLocation(inner)]);
    assert.deepEqual(walked(storage, storage.locate([IDENTITY, PREDICATE])), []);
  });
});

// ---------------------------------------------------------------------------------------------
// copyIn
// ---------------------------------------------------------------------------------------------

describe('fs storage: copyIn', () => {
  it('copies a record directory from outside the storage to a location, children included, and leaves the source', () => {
    const storage = freshStorage();
    const source = handMadeRecord(join(temporaryDirectory(), 'from-alice'), { 'result.json': '{"loss": 0.5}', 'outputs/a/b.txt': 'nested' });
    handMadeRecord(join(source, OTHER_IDENTITY, '2026-01-01_120000'), { finished_at: TIME });
    const location = storage.locate([IDENTITY, PREDICATE]);
    storage.copyIn(source, location);
    assert.deepEqual(tree(storage.directory(location)), tree(source));
    assert.equal(storage.readFile(location, 'outputs/a/b.txt')?.toString(), 'nested');
    assert.deepEqual(walkedLocations(storage), [location, storage.locate([OTHER_IDENTITY, '2026-01-01_120000'], location)]);
    assert.ok(existsSync(join(source, 'result.json')), 'the source is left in place');
    assert.deepEqual(temporariesBelow(storage.root), []);
  });

  it('keeps file times', () => {
    const storage = freshStorage();
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'), { 'result.json': '{}' });
    const then = new Date('2020-06-07T08:09:10.000Z');
    for (const name of [HEADER_FILE, 'result.json']) utimesSync(join(source, name), then, then);
    const location = storage.locate([IDENTITY, PREDICATE]);
    storage.copyIn(source, location);
    for (const name of [HEADER_FILE, 'result.json']) {
      assert.equal(statSync(join(storage.directory(location), name)).mtime.toISOString(), then.toISOString(), name);
    }
  });

  it('makes the directories above the location, inside a parent record too', () => {
    const storage = freshStorage();
    const parent = createRecord(storage);
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'));
    const location = storage.locate([OTHER_IDENTITY, 'run'], parent);
    storage.copyIn(source, location);
    assert.equal(storage.exists(location), true);
    assert.deepEqual(walkedLocations(storage), [parent, location]);
  });

  it('refuses a location that holds a record, leaving it untouched', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': 'stored' });
    const before = tree(storage.directory(location));
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'), { 'result.json': 'copy', 'extra.txt': 'x' });
    assert.throws(() => storage.copyIn(source, location), (error: unknown) => error instanceof RecordExistsError && error.location === location);
    assert.equal(storage.readFile(location, 'result.json')?.toString(), 'stored');
    assert.deepEqual(tree(storage.directory(location)), before);
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('refuses a location where a file is, with RecordExistsError', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    mkdirSync(join(storage.root, IDENTITY), { recursive: true });
    writeFileSync(storage.directory(location), 'a file');
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'));
    assert.throws(() => storage.copyIn(source, location), RecordExistsError);
    assert.equal(readFileSync(storage.directory(location), 'utf8'), 'a file');
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('leaves nothing at the location, and no temporary, when the copy fails midway', () => {
    const storage = freshStorage();
    const source = handMadeRecord(join(temporaryDirectory(), 'copy'), { 'a.txt': 'copied before the failure' });
    const location = storage.locate([IDENTITY, PREDICATE]);
    // The copy writes a.txt, then fails (as on an unreadable file or a full disk). Simulated:
    // Node 24's cpSync skips what Node 20's refuses (a FIFO), so no file fails it on both.
    const halfCopy = (from: string | URL, to: string | URL): void => {
      fs.mkdirSync(to);
      fs.copyFileSync(join(String(from), 'a.txt'), join(String(to), 'a.txt'));
      throw systemError('EIO', 'copyfile', join(String(from), 'b.bin'));
    };
    patchFs('cpSync', halfCopy as typeof fs.cpSync, () => {
      assert.throws(() => storage.copyIn(source, location), /EIO: simulated/);
    });
    assert.equal(existsSync(storage.directory(location)), false);
    assert.deepEqual(walked(storage), []);
    assert.deepEqual(temporariesBelow(storage.root), []);
  });

  it('leaves nothing when the source does not exist', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    assert.throws(() => storage.copyIn(join(temporaryDirectory(), 'missing'), location));
    assert.equal(existsSync(storage.directory(location)), false);
    assert.deepEqual(temporariesBelow(storage.root), []);
  });
});

// ---------------------------------------------------------------------------------------------
// remove
// ---------------------------------------------------------------------------------------------

/** A system error as Node throws it (`code`, `syscall`, `path`). */
function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, ${syscall} '${path}'`), { code, syscall, path });
}

describe('fs storage: a full disk, a read-only filesystem, a folder it may not write', () => {
  it('a full disk during writeFile: StorageAccessError naming the file and the fix; the file keeps its old contents', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    storage.writeFile(location, 'result.json', '{"loss": 1}');
    const failing = (path: fs.PathOrFileDescriptor): void => {
      throw systemError('ENOSPC', 'write', String(path));
    };
    patchFs('writeFileSync', failing as typeof fs.writeFileSync, () => {
      assert.throws(
        () => storage.writeFile(location, 'result.json', '{"loss": 2}'),
        (error: unknown) =>
          error instanceof StorageAccessError &&
          error instanceof MachinableError &&
          error.code === 'ENOSPC' &&
          error.path === `${storage.directory(location)}/result.json` &&
          error.message.startsWith(`cannot write ${storage.directory(location)}/result.json: ENOSPC`) &&
          error.message.includes('the disk is full: free space'),
      );
    });
    assert.equal(storage.readFile(location, 'result.json')?.toString(), '{"loss": 1}');
    assert.deepEqual(storage.files(location).filter((path) => path.includes('.tmp-')), []);
  });

  it('a read-only filesystem during create: StorageAccessError (EROFS) and no record, no temporary directory', () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const failing = (path: fs.PathLike): never => {
      throw systemError('EROFS', 'mkdir', String(path));
    };
    patchFs('mkdirSync', failing as unknown as typeof fs.mkdirSync, () => {
      assert.throws(
        () => storage.create(location, recordFiles()),
        (error: unknown) => error instanceof StorageAccessError && error.code === 'EROFS' && error.message.includes('mounted read-only: set MACHINABLE_STORAGE'),
      );
    });
    assert.equal(storage.exists(location), false);
    assert.deepEqual(walkedLocations(storage), []);
  });

  it('permission denied names the folder to make writable; other failures pass through unchanged', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const file = `${storage.directory(location)}/result.json.tmp-x`;
    const denied = (): void => {
      throw systemError('EACCES', 'open', file);
    };
    patchFs('writeFileSync', denied as typeof fs.writeFileSync, () => {
      assert.throws(
        () => storage.writeFile(location, 'result.json', '{}'),
        (error: unknown) => error instanceof StorageAccessError && error.message.includes(`the folder ${storage.directory(location)}: make it writable for this user`),
      );
    });
    const broken = systemError('EIO', 'write', file);
    const failing = (): void => {
      throw broken;
    };
    patchFs('writeFileSync', failing as typeof fs.writeFileSync, () => {
      assert.throws(() => storage.writeFile(location, 'result.json', '{}'), (error: unknown) => error === broken);
    });
  });
});

describe('fs storage: remove', () => {
  it('deletes the record directory, its child records included, and leaves nothing behind', () => {
    const storage = freshStorage();
    const kept = createRecord(storage, [IDENTITY, 'f'.repeat(32)]);
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'a/b.txt': 'x' });
    const child = createRecord(storage, [OTHER_IDENTITY, 'run'], {}, location);
    storage.remove(location);
    assert.equal(existsSync(storage.directory(location)), false);
    assert.equal(storage.exists(child), false);
    assert.deepEqual(walkedLocations(storage), [kept]);
    assert.deepEqual(temporaries(join(storage.root, IDENTITY)), []);
  });

  it('removes a child record and leaves its parent whole', () => {
    const storage = freshStorage();
    const parent = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': '{}' });
    const before = storage.files(parent);
    const child = createRecord(storage, ['run'], {}, parent);
    storage.remove(child);
    assert.deepEqual(walkedLocations(storage), [parent]);
    assert.deepEqual(storage.files(parent), before);
    assert.deepEqual(temporaries(storage.directory(parent)), []);
  });

  it('renames the record away before deleting it', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const renames = callsOf('renameSync', () => storage.remove(location));
    assert.equal(renames.length, 1);
    assert.equal(renames[0], storage.directory(location));
  });

  it('does nothing for a record that does not exist', () => {
    const storage = freshStorage();
    const kept = createRecord(storage);
    storage.remove(storage.locate([OTHER_IDENTITY, PREDICATE]));
    storage.remove(storage.locate(['never', 'made']));
    assert.deepEqual(walkedLocations(storage), [kept]);
  });

  it('lets the location be created again afterwards', () => {
    const storage = freshStorage();
    const location = createRecord(storage, [IDENTITY, PREDICATE], { 'result.json': 'first' });
    storage.writeFile(location, 'finished_at', TIME);
    storage.remove(location);
    storage.create(location, recordFiles({ 'result.json': 'again' }));
    assert.equal(storage.readFile(location, 'result.json')?.toString(), 'again');
    assert.equal(storage.readFile(location, 'finished_at'), undefined);
    storage.writeFile(location, 'finished_at', LATER);
    assert.equal(storage.readFile(location, 'finished_at')?.toString(), LATER);
  });
});

// ---------------------------------------------------------------------------------------------
// cleanTemporary, atomicWriteFile, normalizeRecordPath, createStorage
// ---------------------------------------------------------------------------------------------

describe('fs storage: cleanTemporary', () => {
  const twoHoursAgo = (): Date => new Date(Date.now() - 2 * 60 * 60 * 1000);

  it('removes .tmp-* entries under the root older than an hour, and keeps fresh ones and records', () => {
    const storage = freshStorage();
    const location = createRecord(storage);
    const old = handMadeRecord(join(storage.root, `${TEMPORARY_PREFIX}abandoned-0123abcd-1`));
    const fresh = join(storage.root, `${TEMPORARY_PREFIX}running-0123abcd-2`);
    mkdirSync(fresh);
    utimesSync(old, twoHoursAgo(), twoHoursAgo());
    assert.deepEqual(cleanTemporary(storage.root), [old]);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
    assert.deepEqual(walkedLocations(storage), [location]);
  });

  it('takes the age threshold and the current time as options', () => {
    const root = temporaryDirectory();
    mkdirSync(join(root, `${TEMPORARY_PREFIX}x-1`));
    const modified = statSync(join(root, `${TEMPORARY_PREFIX}x-1`)).mtimeMs;
    assert.deepEqual(cleanTemporary(root, { olderThanMs: 60_000, now: modified + 1_000 }), []);
    assert.deepEqual(cleanTemporary(root, { olderThanMs: 60_000, now: modified + 61_000 }), [join(root, `${TEMPORARY_PREFIX}x-1`)]);
  });

  it('does nothing when the root does not exist', () => {
    assert.deepEqual(cleanTemporary(join(temporaryDirectory(), 'missing')), []);
  });

  it('reclaims what a create() that died left next to its location', async () => {
    const storage = freshStorage();
    const location = storage.locate([IDENTITY, PREDICATE]);
    const files = [...recordFiles()];
    await crashDuring(storage.root, 'renameSync', storage.directory(location), `storage.create(${JSON.stringify(location)}, new Map(${JSON.stringify(files)}));`);
    assert.equal(temporaries(join(storage.root, IDENTITY)).length, 1);
    assert.equal(cleanTemporary(storage.root, { olderThanMs: 0, now: Date.now() + 1_000 }).length, 1);
    assert.deepEqual(temporariesBelow(storage.root), []);
  });

  it('reclaims what a remove() that died left next to the record', async () => {
    const storage = freshStorage();
    const parent = createRecord(storage);
    const child = createRecord(storage, ['run'], { 'a.txt': 'x' }, parent);
    await crashDuring(storage.root, 'rmSync', `${TEMPORARY_PREFIX}removed`, `storage.remove(${JSON.stringify(child)});`);
    assert.equal(cleanTemporary(storage.root, { olderThanMs: 0, now: Date.now() + 1_000 }).length, 1);
    assert.deepEqual(temporariesBelow(storage.root), []);
    assert.deepEqual(walkedLocations(storage), [parent]);
  });
});

describe('atomicWriteFile', () => {
  it('creates parent directories and replaces the file through a rename, leaving no temporary', () => {
    const file = join(temporaryDirectory(), 'a', 'b', 'file.txt');
    atomicWriteFile(file, 'one');
    const before = statSync(file).ino;
    atomicWriteFile(file, 'two');
    assert.equal(readFileSync(file, 'utf8'), 'two');
    assert.notEqual(statSync(file).ino, before);
    assert.deepEqual(readdirSync(dirname(file)), ['file.txt']);
  });

  it('makes no directories when told not to', () => {
    const file = join(temporaryDirectory(), 'missing', 'file.txt');
    assert.throws(() => atomicWriteFile(file, 'x', { mkdir: false }), (error: unknown) => (error as { code?: string }).code === 'ENOENT');
    assert.equal(existsSync(dirname(file)), false);
  });
});

describe('normalizeRecordPath', () => {
  it('normalizes paths inside a record', () => {
    assert.equal(normalizeRecordPath('a/./b.json'), 'a/b.json');
    assert.equal(normalizeRecordPath('a/../b.json'), 'b.json');
    assert.equal(normalizeRecordPath('a\\b.json'), 'a/b.json');
    assert.equal(normalizeRecordPath('outputs/'), 'outputs');
  });

  it('refuses paths that leave the record or name it, naming the path', () => {
    for (const path of ['', '.', '..', '../x', '/abs', 'C:\\x', 'a/../../x', `${TEMPORARY_PREFIX}x`]) {
      assert.throws(() => normalizeRecordPath(path), isPathError(path), JSON.stringify(path));
    }
  });
});

describe('fs storage: createStorage', () => {
  it('makes a filesystem storage at an absolute root that implements the Storage contract', () => {
    const root = join(temporaryDirectory(), 'runs');
    const storage = createStorage({ root });
    assert.ok(storage instanceof FsStorage);
    assert.equal(storage.root, root);
    assert.equal(typeof storage.id, 'string');
    assert.ok(storage.id.length > 0);
    assert.equal(typeof storage.copyIn, 'function');
    const location = createRecord(storage);
    assert.deepEqual(walkedLocations(storage), [location]);
    assert.equal(location, `file://${join(root, IDENTITY, PREDICATE)}`);
  });
});
