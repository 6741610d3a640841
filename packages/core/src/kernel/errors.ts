/**
 * Every error machinable throws on purpose. Each message says what was wrong, where (a dotted
 * config path, a module or a file) and how to fix it.
 */

/** Base class, so callers can tell machinable's own errors from bugs with one `instanceof`. */
export class MachinableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What kind of config problem an issue is; stable for programmatic checks. */
export type ConfigIssueCode =
  | 'unknown-key'
  | 'type'
  | 'required'
  | 'constraint'
  | 'definition'
  | 'version'
  | 'method';

/** One problem found while resolving a config. `path` is dotted (`optimizer.lr`, `layers[2].size`). */
export interface ConfigIssue {
  readonly code: ConfigIssueCode;
  /** Dotted path of the offending key; empty for the config as a whole. */
  readonly path: string;
  readonly message: string;
}

/**
 * A config could not be resolved: unknown key, wrong type, missing required field, unknown
 * version, a broken config method, or a config class that is not declared correctly.
 *
 * @example
 * try { resolveConfig(TrainConfig, { lrr: 1 }); }
 * catch (e) { if (e instanceof ConfigurationError) console.error(e.issues[0].path); } // "lrr"
 */
export class ConfigurationError extends MachinableError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], subject?: string) {
    super(formatIssues(issues, subject));
    this.issues = issues;
  }

  /** Path of the first issue: the one to fix first. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }

  /** Shorthand for a single issue. */
  static of(code: ConfigIssueCode, path: string, message: string, subject?: string): ConfigurationError {
    return new ConfigurationError([{ code, path, message }], subject);
  }
}

function formatIssues(issues: readonly ConfigIssue[], subject?: string): string {
  const head = subject ? `Invalid config for ${subject}` : 'Invalid config';
  if (issues.length === 1) return `${head}: ${issues[0]!.message}`;
  return `${head} (${issues.length} problems):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`;
}

/**
 * A record on disk cannot be read: a file is missing, not JSON, or has the wrong shape. Names the
 * file; nothing is repaired or deleted behind the user's back.
 */
export class CorruptRecordError extends MachinableError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `corrupt record: ${file}: ${reason}. Move the directory out of storage (or restore the file) ` +
        'and run `machinable reindex`',
    );
  }
}

/** A record written by this project before format v1 (flat `<storage>/<uuid>/` directories). */
export class LegacyRecordError extends CorruptRecordError {}

/**
 * A storage holds records of this project's releases before format v1, which cannot be read as
 * format v1: refused as a whole, never listed as an empty store.
 */
export class LegacyStoreError extends MachinableError {
  constructor(
    readonly root: string,
    readonly locations: readonly string[],
  ) {
    super(
      `${root} holds ${locations.length} record${locations.length === 1 ? '' : 's'} written by an earlier machinable-ts ` +
        `(flat <storage>/<uuid>/ directories, before format v1; e.g. ${locations[0]}), which this version cannot read. ` +
        'Move that storage folder aside (and delete its .machinable.sqlite), then launch the runs again into a new storage',
    );
  }
}

/** A record directory contradicts what the index holds for the same uuid or dedup key. */
export class RecordConflictError extends MachinableError {}

/**
 * Two distinct records claim one record id: an incoming record (an ingest, a claim) has the id of
 * an indexed record with other identity or predicate keys. Never merged; relocate or re-key one.
 */
export class IndexCollisionError extends RecordConflictError {
  constructor(
    readonly recordId: string,
    readonly existing: { readonly identity_key: string; readonly predicate_key: string },
    readonly incoming: { readonly identity_key: string; readonly predicate_key: string },
    where = '',
  ) {
    super(
      `record id '${recordId}' is already indexed with other keys (indexed ${existing.identity_key}/${existing.predicate_key}, ` +
        `incoming ${incoming.identity_key}/${incoming.predicate_key}${where ? ` from ${where}` : ''}): two distinct records claim ` +
        'one id; move one of the directories out of the store, or re-key it',
    );
  }
}

/** A find request with an unknown key, operator, layer or sort column, or a value of the wrong type. */
export class FindRequestError extends MachinableError {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid find request: ${key ? `${key}: ` : ''}${reason}`);
  }
}

/** Something is already at the location a new record was to be created at. */
export class RecordExistsError extends MachinableError {
  constructor(readonly location: string) {
    super(`a record (or other entry) already exists at ${location}`);
  }
}

/** No record with the given uuid (or at the given location). */
export class RecordNotFoundError extends MachinableError {}

/**
 * A path or name given to a storage is not allowed: absolute, escaping the record directory with
 * `..`, empty, a temporary name, or a file fixed at creation (`.machinable`, `id.json`). Every
 * storage adapter throws it for such a path (see `Storage`).
 *
 * @example
 * try { storage.writeFile(location, '../other/result.json', '{}'); }
 * catch (e) { if (e instanceof RecordPathError) console.error(e.path); } // "../other/result.json"
 */
export class RecordPathError extends MachinableError {
  constructor(
    /** The path (or record name) as it was given. */
    readonly path: string,
    reason: string,
  ) {
    super(`invalid record path ${JSON.stringify(path)}: ${reason}`);
  }
}

/**
 * A synchronous convenience (`loadFile()`, `status()`, `cached()`, ...) was asked of a record whose
 * storage or index answers asynchronously (an adapter over a remote service): the message names
 * the awaitable form to use instead.
 *
 * @example
 * const result = await run.async.loadFile('result.json'); // instead of run.loadFile('result.json')
 */
export class SynchronousAccessError extends MachinableError {
  constructor(
    readonly what: string,
    readonly awaitable: string,
  ) {
    super(`${what} needs an answer at once, but this project's storage or index answers asynchronously; use ${awaitable} instead`);
  }
}

/** A module name that maps to no file in the project, or a file without an interface. */
export class ModuleNotFoundError extends MachinableError {}

/** An operation that is not allowed in the interface's current state (e.g. changing config after materialize). */
export class InterfaceStateError extends MachinableError {}

/** A relation that cannot be made: deriving something that is not stored, or relating a record to itself. */
export class RelationError extends MachinableError {}

/**
 * Data cannot be written to, or bytes cannot be read from, a file of this kind. The message
 * starts with the file name and, for JSON, gives the path inside the data (`$.metrics[3]`).
 */
export class FileFormatError extends MachinableError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/**
 * The array or the bytes are not valid `.npy` content (bad shape, unsupported dtype, broken
 * header). `encodeFile`/`decodeFile` rethrow it as `FileFormatError` naming the file.
 */
export class NpyFormatError extends MachinableError {}

/**
 * `singleton()` was called on a collection that does not hold exactly one item. `count` is how
 * many it holds.
 */
export class CollectionSizeError extends MachinableError {
  constructor(readonly count: number, modules: readonly string[] = []) {
    const found = count === 0 ? 'it is empty' : `it holds ${count} items${modules.length ? ` (${modules.join(', ')})` : ''}`;
    const fix =
      count === 0
        ? 'check the module and version you asked for, or launch() the run first'
        : 'narrow it with filter(...), e.g. .filter((run) => run.config.seed === 1), or use first()/last()';
    super(`expected exactly one item in the collection, but ${found}; ${fix}`);
  }
}

/**
 * A scheduler's client command (Slurm's `sbatch`, `squeue`, `scancel`) is not installed here or
 * failed. The message names the command line, what it printed on stderr, and the fix. A
 * scheduler plugin throws its own subclass (`SlurmError`).
 */
export class SchedulerError extends MachinableError {
  constructor(
    message: string,
    /** The command line that was run. */
    readonly command: readonly string[],
    /** What the command wrote on stderr (empty when it could not be started). */
    readonly stderr = '',
  ) {
    super(message);
  }
}

/**
 * A run was cancelled (`cancel()`, `machinable cancel`): its run record is marked `cancelled`
 * and is not computed (again) by the process it was handed to.
 */
export class RunCancelledError extends MachinableError {}
