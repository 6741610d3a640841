import type Database from 'better-sqlite3';

import { IndexCollisionError } from '../kernel/errors.js';
import type { MaybePromise } from '../kernel/maybe.js';
import { nowNs } from '../format/timestamp.js';
import { canonicalJson } from '../json/canonical-json.js';
import { isThenable } from '../kernel/thenable.js';
import type { Claim, IndexRow, IngestItem, RelationRow } from '../ports/index.js';
import { isPrimaryKeyClash, refreshValues, rowValues, toRow } from './sqlite-rows.js';
import type { Statements } from './sqlite-statements.js';

/** Thrown inside a claim's transaction to roll it back when create() answered with a promise. */
export const ASYNC_CREATE = Symbol('create() is asynchronous');

type Relation = Pick<RelationRow, 'relation' | 'record_id' | 'related_id'>;

/** The write transactions of one index connection (see `SqliteIndex.claim`, `ingest`, `relate`). */
export interface Transactions {
  readonly claim: Database.Transaction<(row: IndexRow, create: () => MaybePromise<void>, force: boolean, later: (written: PromiseLike<void>) => void) => Claim>;
  readonly ingest: Database.Transaction<(items: Iterable<IngestItem>) => number>;
  readonly relate: Database.Transaction<(relations: Iterable<Relation>) => number>;
}

/** Makes the {@link Transactions} of a connection; `path` names the index in errors. */
export function prepareTransactions(db: Database.Database, stmt: Statements, path: string): Transactions {
  const claim = db.transaction((row: IndexRow, create: () => MaybePromise<void>, force: boolean, later: (written: PromiseLike<void>) => void): Claim => {
    if (!force) {
      // Hidden rows count: hiding a record is a view of it, not permission to create it twice.
      const held = stmt.dedup.get(row.parent_id, row.identity_key, row.predicate_key);
      if (held !== undefined) return { row: toRow(held, path), created: false };
    }
    // The row before create(): a record id that is taken fails the INSERT before any directory is
    // written (the rollback could not take a directory back), and costs no query when it is free.
    try {
      stmt.insert.run(...rowValues(row, row.hidden, row.bytes_missing, canonicalJson(row.private)));
    } catch (error) {
      if (!isPrimaryKeyClash(error)) throw error;
      const same = stmt.get.get(row.record_id)!;
      if (same.identity_key !== row.identity_key || same.predicate_key !== row.predicate_key) {
        throw new IndexCollisionError(row.record_id, same, row, `${row.storage_uri} (indexed at ${same.storage_uri})`);
      }
      return { row: toRow(same, path), created: false };
    }
    const written = create();
    // An asynchronous create() cannot hold the write lock (it would be held across other work
    // of this process): the transaction is rolled back and the row inserted once it is done.
    if (isThenable(written)) {
      later(written as PromiseLike<void>);
      throw ASYNC_CREATE;
    }
    return { row, created: true };
  });

  const ingest = db.transaction((items: Iterable<IngestItem>): number => {
    let added = 0;
    for (const { row, relations } of items) {
      const held = stmt.keys.get(row.record_id);
      if (held === undefined) {
        stmt.insert.run(...rowValues(row, false, false, '{}'));
        added += 1;
      } else {
        const [identity_key, predicate_key, storage_uri] = held;
        if (identity_key !== row.identity_key || predicate_key !== row.predicate_key) {
          throw new IndexCollisionError(row.record_id, { identity_key, predicate_key }, row, `${row.storage_uri} (indexed at ${storage_uri})`);
        }
        stmt.refresh.run(...refreshValues(row));
      }
      for (const r of relations) stmt.relate.run(r.relation, r.record_id, r.related_id, nowNs());
    }
    return added;
  });

  const relate = db.transaction((relations: Iterable<Relation>): number => {
    let added = 0;
    for (const r of relations) added += stmt.relate.run(r.relation, r.record_id, r.related_id, nowNs()).changes;
    return added;
  });

  return { claim, ingest, relate };
}
