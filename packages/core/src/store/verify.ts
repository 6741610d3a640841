import { CorruptRecordError, LegacyRecordError } from '../kernel/errors.js';
import { pathSegment, predicateKey } from '../format/keys.js';
import type { StoredRecord } from '../format/record.js';
import { canonicalConfig } from '../identity/canonical.js';
import { identityKey } from '../identity/identity.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Index } from '../ports/index.js';
import type { Storage, WalkEntry } from '../ports/storage.js';
import { readStoredSteps } from './read-stored.js';

/** Something wrong with a record directory, found without changing anything. */
export interface RecordProblem {
  /** The directory. */
  readonly directory: string;
  /**
   * `orphan`: an `id.json` but no `.machinable` sentinel (not a record until it is restored);
   * `corrupt`: a format file missing or malformed, or `id.json` and `model.json` naming different
   * records; `keys`: `id.json`'s keys contradict the model or the directory they are in;
   * `identity`: the identity key re-derived from the config differs from `id.json`'s;
   * `index`: the index holds the record id with other keys, or at another place; `unindexed`: the
   * index does not show the record (`ls` and `find` leave it out); `legacy`: a record of this
   * project's releases before format v1.
   */
  readonly problem: 'orphan' | 'corrupt' | 'legacy' | 'keys' | 'identity' | 'index' | 'unindexed';
  readonly message: string;
}

/**
 * The problems of one walked directory that need no module: a missing sentinel, an unreadable or
 * self-contradicting record, a predicate key that is not the predicate's, or keys that are not the
 * directory's own path segments (see {@link keyProblems}).
 */
export function directoryProblems(storage: Storage, entry: WalkEntry): MaybePromise<{ stored?: StoredRecord; problems: RecordProblem[] }> {
  return settle(directorySteps(storage, entry));
}

function* directorySteps(storage: Storage, entry: WalkEntry): Steps<{ stored?: StoredRecord; problems: RecordProblem[] }> {
  const directory = storage.directory(entry.location);
  if (!entry.sentinel) {
    return {
      problems: [
        {
          directory,
          problem: 'orphan',
          message: `${directory} has an id.json but no .machinable sentinel (a copy that skipped dot files?): it is not indexed or found; write its record id into ${directory}/.machinable and run \`machinable reindex\``,
        },
      ],
    };
  }
  let stored: StoredRecord;
  try {
    stored = yield* readStoredSteps(storage, entry.location);
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    return { problems: [{ directory, problem: error instanceof LegacyRecordError ? 'legacy' : 'corrupt', message: error.message }] };
  }
  return { stored, problems: keyProblems(storage, entry, stored) };
}

/**
 * Keys of a readable record that contradict it: a predicate key that is not the predicate's, or
 * keys that are not the directory's own path segments (the format writes every record at
 * `<identity_key>/<predicate_key>`, so an edited key shows).
 */
export function keyProblems(storage: Storage, entry: WalkEntry, stored: StoredRecord): RecordProblem[] {
  const directory = storage.directory(entry.location);
  const problems: RecordProblem[] = [];
  const { header, model } = stored;
  const expected = header.kind === 'Execution' ? String(model.predicate['started_at'] ?? header.predicate_key) : predicateKey(model.predicate);
  if (expected !== header.predicate_key) {
    problems.push({ directory, problem: 'keys', message: `${directory}/id.json: predicate_key ${header.predicate_key} is not the key of the predicate in model.json (${expected})` });
  }
  const segments = entry.location.split('/');
  const [identityDir, predicateDir] = segments.slice(-2);
  if (identityDir !== pathSegment(header.identity_key) || predicateDir !== pathSegment(header.predicate_key)) {
    problems.push({
      directory,
      problem: 'keys',
      message: `${directory}/id.json: its keys (${header.identity_key}/${header.predicate_key}) are not the directory's (${identityDir}/${predicateDir}); was id.json edited, or the directory renamed? \`machinable verify\` re-derives the identity`,
    });
  }
  return problems;
}

/** What `verify()` found. */
export interface VerifyReport {
  /** Record directories read. */
  readonly checked: number;
  readonly problems: RecordProblem[];
}

/**
 * Checks every record of a store against its own header, as the reference's `verify`: besides
 * what `directoryProblems` finds, the identity key is re-derived from `model.json`'s config, with
 * the non-identifying fields `excludedOf(module)` names (undefined for a module this project does
 * not have: then none), and the index must show each record, at its place, with its keys.
 * Nothing is changed.
 *
 * @example
 * const { problems } = await verifyRecords(storage, index, (module) => excludedFieldsOf(module));
 */
export async function verifyRecords(storage: Storage, index: Index, excludedOf: (module: string) => Promise<readonly string[] | undefined>): Promise<VerifyReport> {
  const problems: RecordProblem[] = [];
  let checked = 0;
  for await (const entry of storage.walk()) {
    checked += 1;
    const found = await directoryProblems(storage, entry);
    problems.push(...found.problems);
    if (!found.stored) continue;
    const { header, model } = found.stored;
    const directory = storage.directory(entry.location);
    const excluded = model.module !== null && header.kind !== 'Project' ? await excludedOf(model.module) : undefined;
    // The model's numbers keep the form they were written in (1.0 for a float field), so the
    // canonical form hashes as it did when the record was made.
    const canonical = canonicalConfig(model.config.resolved, model.config.default, excluded ?? []);
    const derived = identityKey(model.module as string, canonical);
    if (derived !== header.identity_key && pathSegment(derived, 128) !== header.identity_key) {
      problems.push({
        directory,
        problem: 'identity',
        message: `${directory}/id.json: identity_key ${header.identity_key}, but the config in model.json gives ${derived}${excluded ? '' : ` (module '${model.module}' not found here, so no field counted as non-identifying)`}`,
      });
    }
    const row = await index.get(header.uuid);
    if (!row) {
      problems.push({ directory, problem: 'unindexed', message: `${directory}: the index does not show record ${header.uuid} (ls and find leave it out); run \`machinable reindex\`` });
    } else if (row.identity_key !== pathSegment(header.identity_key, 128) || row.predicate_key !== header.predicate_key) {
      problems.push({ directory, problem: 'index', message: `${directory}: the index holds ${header.uuid} with keys ${row.identity_key}/${row.predicate_key}; run \`machinable reindex\`` });
    } else if (storage.directory(row.storage_uri) !== directory) {
      problems.push({ directory, problem: 'index', message: `${directory}: the index shows record ${header.uuid} at ${storage.directory(row.storage_uri)}; run \`machinable reindex\`` });
    }
  }
  return { checked, problems };
}
