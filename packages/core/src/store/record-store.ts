import { RELATIONS } from '../format/edges.js';
import { HEADER_FILE, SENTINEL_FILE } from '../format/layout.js';
import { modelObject } from '../format/model.js';
import { newRecordId } from '../format/record-id.js';
import type { RecordHeader } from '../format/header.js';
import { pathSegment } from '../format/keys.js';
import type { StoredRecord } from '../format/record.js';
import { CLAIM_FILE } from '../format/reserved-files.js';
import { isoTimestamp, nowNs, timestampNs } from '../format/timestamp.js';
import { CorruptRecordError, RecordConflictError, RecordExistsError, RecordNotFoundError } from '../kernel/errors.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Claim, Index, IndexRow, RecordLocation } from '../ports/index.js';
import type { SchedulerRegistry } from '../ports/scheduler.js';
import type { Storage } from '../ports/storage.js';
import type { MaterializeOptions, Materialized, RecordDraft, RecordSlot, RecordStore as RecordStorePort } from '../ports/store.js';
import { claimText } from './claim-content.js';
import { Claims } from './claims.js';
import { ingestItem, rowOf } from './index-row.js';
import { initialFiles } from './initial-files.js';
import { readStoredSteps } from './read-stored.js';
import { RecordFiles } from './record-files.js';
import { newRecord, recordSegments } from './record-model.js';
import { Relations, relatedIdsOf, relationOf } from './relations.js';
import { RunRecords } from './run-records.js';
import { bindSlot } from './slot.js';

/** What a {@link RecordStore} is made of. */
export interface RecordStoreOptions {
  readonly storage: Storage;
  readonly index: Index;
  /** The project root's row: top-level records are scoped under it. */
  readonly root: IndexRow;
  /** The scheduler backends claims ask about queued jobs. */
  readonly schedulers: SchedulerRegistry;
}

/**
 * The records of one store (a storage and its index), read and written through the two
 * contracts only: finding a stored record by its dedup key, writing a new one (the one atomic
 * point where records are born, `Index.claim(row, create)`), and, through its parts, the files,
 * run records, relations and claims of stored records.
 *
 * @example
 * const store = new RecordStore({ storage, index, root: projectRootRow(directory), schedulers });
 * await store.materialize(slot, draft);
 */
export class RecordStore implements RecordStorePort {
  readonly storage: Storage;
  readonly index: Index;
  readonly root: IndexRow;
  readonly files: RecordFiles;
  readonly runs: RunRecords;
  readonly relations: Relations;
  readonly claims: Claims;
  #rootStored = false;

  constructor(options: RecordStoreOptions) {
    this.storage = options.storage;
    this.index = options.index;
    this.root = options.root;
    this.files = new RecordFiles(this.storage, this.index);
    this.runs = new RunRecords(this.storage, this.index);
    this.relations = new Relations(this.storage, this.index, this.files);
    this.claims = new Claims(this.storage, this.index, this.files, this.runs, options.schedulers);
  }

  /**
   * The stored record holding a slot's dedup key (parent, identity, predicate), if any. A
   * top-level record is also found where Python machinable puts one made outside `with
   * Project(dir)` (no parent); a derived one also where the reference's `derive()` puts it (at the
   * top level, joined to its ancestor by a derivation edge).
   */
  lookup(slot: RecordSlot, identityKey: string, predicateKey: string): MaybePromise<StoredRecord | undefined> {
    return settle(this.lookupSteps(slot, identityKey, predicateKey));
  }

  /**
   * The record a row points to; undefined (and the row dropped) when its directory is gone. A
   * directory that is there but cannot be read is an error, never a reason to make another.
   */
  readRow(row: RecordLocation): MaybePromise<StoredRecord | undefined> {
    return settle(this.readRowSteps(row));
  }

  /** The record at a location of this or any store; a `RecordNotFoundError` when it has no sentinel. */
  readAt(location: string): MaybePromise<StoredRecord> {
    return settle(this.readAtSteps(location));
  }

  /** The stored record with this id, through the index. */
  byId(recordId: string): MaybePromise<StoredRecord | undefined> {
    return settle(this.byIdSteps(recordId));
  }

  /**
   * Writes a slot's record (once): claims its dedup key in the index and creates its directory in
   * one index transaction. If another process stored the same run first, or its directory is
   * already on disk (an index that lost it), the slot is bound to that record (`found`).
   */
  materialize(slot: RecordSlot, draft: RecordDraft, options: MaterializeOptions = {}): MaybePromise<Materialized> {
    return settle(this.materializeSteps(slot, draft, options));
  }

  /** Where records under `parentId` go: under the root's keys for the project root, else inside the parent. */
  parentLocation(parentId: string | null): MaybePromise<string | undefined> {
    return settle(this.parentLocationSteps(parentId));
  }

  *lookupSteps(slot: RecordSlot, identityKey: string, predicateKey: string): Steps<StoredRecord | undefined> {
    const key = { parent_id: slot.parentId, identity_key: identityKey, predicate_key: predicateKey };
    let row = (yield this.index.lookup(key, { orWithoutParent: slot.parentId === this.root.record_id })) as RecordLocation | undefined;
    if (!row && slot.ancestorId !== undefined) {
      for (const id of yield* relatedIdsOf(this.index, slot.ancestorId, RELATIONS.derived.name, false)) {
        const candidate = (yield this.index.get(id)) as IndexRow | undefined;
        if (candidate && candidate.identity_key === identityKey && candidate.predicate_key === predicateKey && !candidate.hidden) {
          row = candidate;
          break;
        }
      }
    }
    return row ? yield* this.readRowSteps(row) : undefined;
  }

  *readRowSteps(row: RecordLocation): Steps<StoredRecord | undefined> {
    if (!((yield this.storage.exists(row.storage_uri)) as boolean)) {
      yield this.index.remove(row.record_id);
      return undefined;
    }
    return yield* readStoredSteps(this.storage, row.storage_uri);
  }

  *byIdSteps(recordId: string): Steps<StoredRecord | undefined> {
    const row = (yield this.index.get(recordId)) as IndexRow | undefined;
    return row ? yield* this.readRowSteps(row) : undefined;
  }

  private *readAtSteps(location: string): Steps<StoredRecord> {
    if (!((yield this.storage.exists(location)) as boolean)) {
      throw new RecordNotFoundError(`no record at ${this.storage.directory(location)}: it has no ${SENTINEL_FILE} sentinel`);
    }
    return yield* readStoredSteps(this.storage, location);
  }

  private *materializeSteps(slot: RecordSlot, draft: RecordDraft, options: MaterializeOptions): Steps<Materialized> {
    const parentLocation = yield* this.parentLocationSteps(slot.parentId);
    const id = (slot.id ??= newRecordId());
    const created = nowNs();
    const { header, model, edges } = newRecord(draft, { id, parent: slot.parentId, created, ...(slot.ancestorId ? { ancestor: slot.ancestorId } : {}) });
    const updatedAt = isoTimestamp(created);
    const location = this.storage.locate(recordSegments(header), parentLocation);
    const row = rowOf({ header, model, location, updatedAtNs: timestampNs(updatedAt), storageId: this.storage.id });
    let holder: IndexRow;
    let createdHere = false;
    try {
      const files = initialFiles(header, model, updatedAt, { edges, files: slot.pending });
      // Claimed from birth: no other process can claim it between its creation and its computation.
      if (options.claim) files.set(CLAIM_FILE, claimText(null));
      const claim = (yield this.index.claim(row, () => this.storage.create(location, files))) as Claim;
      holder = claim.row;
      // An index that inserts after an asynchronous create() may find the row this create()
      // made indexed already (another process took the record over meanwhile): it is still ours.
      createdHere = claim.created || claim.row.record_id === id;
    } catch (error) {
      if (!(error instanceof RecordExistsError)) throw error;
      holder = yield* this.takeOverSteps(location, header, draft.module);
    }
    if (createdHere) {
      bindSlot(slot, { header, model, modelJson: modelObject(model), location, updatedAtNs: row.updated_at_ns });
      if (slot.ancestorId) yield* this.relations.recordEdgeSteps('derived', slot.ancestorId, id, false);
      if (edges.length > 0) yield this.index.relate(edges.map(relationOf));
      return 'created';
    }
    const stored = yield* this.readRowSteps(holder);
    if (!stored) throw new RecordNotFoundError(`record ${holder.record_id} is indexed at ${holder.storage_uri} but its directory is gone; run \`machinable reindex\``);
    if (slot.pending.size > 0) {
      process.emitWarning(`${draft.module}: another process stored this run first; files saved before materialize (${[...slot.pending.keys()].join(', ')}) were not written`);
    }
    bindSlot(slot, stored);
    return 'found';
  }

  /**
   * A record is already at the location a new record was to be created at, but the index did not
   * know it (it was rebuilt, another tool wrote the directory, or another process is between its
   * asynchronous create and its index row): index it and become it, if it is this run's record.
   * One that cannot be read is reported, never shadowed by a second record.
   */
  private *takeOverSteps(location: string, header: RecordHeader, module: string): Steps<IndexRow> {
    const directory = this.storage.directory(location);
    if (!((yield this.storage.exists(location)) as boolean)) {
      const orphan = ((yield this.storage.readFile(location, HEADER_FILE)) as Buffer | undefined) !== undefined;
      throw new RecordConflictError(
        orphan
          ? `the record of this ${module} run at ${directory} has an id.json but no ${SENTINEL_FILE} sentinel (a copy that skipped dot files?), so it is not read and no second record is made; ` +
              `restore the sentinel (write the record id from id.json into ${directory}/${SENTINEL_FILE}) and run \`machinable reindex\`, or move the directory away`
          : `cannot store this ${module} run at ${directory}: something that is not a record is there; move it out of the storage and try again`,
      );
    }
    let stored: StoredRecord;
    try {
      stored = yield* readStoredSteps(this.storage, location, { updatedAt: true });
    } catch (error) {
      if (!(error instanceof CorruptRecordError)) throw error;
      throw new CorruptRecordError(error.file, `${error.reason} (the record of this ${module} run is there but cannot be read, so no second record is made; restore the file or move the directory away)`);
    }
    const found = stored.header;
    if (found.parent !== header.parent || found.identity_key !== header.identity_key || found.predicate_key !== header.predicate_key) {
      throw new RecordConflictError(
        `${directory} holds record ${found.uuid} with other keys (parent ${found.parent}, identity ${found.identity_key}, predicate ${found.predicate_key}) ` +
          `than this ${module} run (parent ${header.parent}, identity ${header.identity_key}, predicate ${header.predicate_key}); move it out of the storage`,
      );
    }
    yield this.index.ingest([ingestItem({ header: found, model: stored.model, location, updatedAtNs: stored.updatedAtNs, storageId: this.storage.id }, [])]);
    return (yield this.index.get(found.uuid)) as IndexRow;
  }

  *parentLocationSteps(parentId: string | null): Steps<string | undefined> {
    if (parentId === null) return undefined;
    if (parentId === this.root.record_id) {
      // The root has no directory (reindex cannot restore its row): its row is inserted once.
      if (!this.#rootStored) {
        yield this.index.claim(this.root, () => undefined);
        this.#rootStored = true;
      }
      return this.storage.locate([pathSegment(this.root.identity_key), pathSegment(this.root.predicate_key)]);
    }
    const row = (yield this.index.get(parentId)) as IndexRow | undefined;
    if (!row) throw new RecordNotFoundError(`the parent record ${parentId} is not in the index; run \`machinable reindex\``);
    return row.storage_uri;
  }
}
