import { basename } from 'node:path';
import { predicateKey } from '../format/keys.js';
import { projectRootId } from '../format/record-id.js';
import { nowNs } from '../format/timestamp.js';
import { identityKey } from '../identity/identity.js';
import type { IndexRow } from '../ports/index.js';
import { currentUser } from '../kernel/host.js';

/** The module a project root is recorded as (the reference's `Project` class). */
export const PROJECT_MODULE = 'machinable.project';

/**
 * The index row of a project's root record, which every top-level record is scoped under. As in
 * the reference it is location-free and deterministic: the directory is not part of its identity,
 * its predicate is the directory's name, and its id is derived from both, so every index (and
 * Python machinable, inside `with Project(dir)`) derives the same root for the same project and
 * records shared between machines resolve under it. It is an index row only: no directory of its
 * own, its `storage_uri` is the project folder.
 *
 * @example
 * projectRootRow('/home/ada/my-study').record_id; // 'P' + 11 hex, the same on every machine
 */
export function projectRootRow(directory: string): IndexRow {
  const identity = identityKey(PROJECT_MODULE, {});
  const predicate = { name: basename(directory) };
  const key = predicateKey(predicate);
  const now = nowNs();
  const uri = `file://${directory}`;
  return {
    record_id: projectRootId(identity, key),
    kind: 'Project',
    module: null,
    identity_key: identity,
    predicate_key: key,
    predicate,
    parent_id: null,
    storage_uri: uri,
    local_uri: uri,
    storage_id: null,
    hidden: false,
    bytes_missing: false,
    config: { default: { directory: process.cwd() }, version: [{ directory }], update: { directory }, resolved: { directory } },
    inherits: ['machinable.interface'],
    context: [],
    created_at_ns: now,
    updated_at_ns: now,
    created_by: currentUser(),
    label: null,
    extra: {},
    private: {},
  };
}
