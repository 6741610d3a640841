import { CACHED_FILE, MODEL_FILE, UPDATED_AT_FILE } from '../format/layout.js';
import type { StoredRecord } from '../format/record.js';
import { isoTimestamp, timestampNs } from '../format/timestamp.js';
import { pyJson } from '../json/json.js';
import { settle, whenDone, type MaybePromise, type Steps } from '../kernel/maybe.js';
import type { Index } from '../ports/index.js';
import { hasFile, type Storage } from '../ports/storage.js';

/**
 * The files of stored records, and the small state kept in them or beside them: `updated_at`
 * (bumped by every change made through machinable), the `cached` marker, the label (in
 * `model.json` and the index) and, in the index overlay only, whether a record is hidden.
 *
 * @example
 * await files.writeFile(stored, 'result.json', encodeFile('result.json', { loss: 0.1 }));
 */
export class RecordFiles {
  constructor(
    private readonly storage: Storage,
    private readonly index: Index,
  ) {}

  /** A file of a stored record, or undefined. */
  readFile(stored: StoredRecord, name: string): MaybePromise<Buffer | undefined> {
    return this.storage.readFile(stored.location, name);
  }

  // The writes of a run (saveFile, markers, cached) are two steps each, chained with whenDone
  // rather than run as steps: every launch makes several, and a generator costs more than a closure.

  /** Writes a file of a stored record and bumps its `updated_at`. */
  writeFile(stored: StoredRecord, name: string, data: Uint8Array | string): MaybePromise<void> {
    return whenDone(this.storage.writeFile(stored.location, name, data), () => this.touch(stored));
  }

  /** Appends to a file of a stored record and bumps its `updated_at`. */
  appendFile(stored: StoredRecord, name: string, text: string): MaybePromise<void> {
    return whenDone(this.storage.appendFile(stored.location, name, text), () => this.touch(stored));
  }

  /** The record's files, relative to its directory, without child records. */
  list(stored: StoredRecord): MaybePromise<string[]> {
    return this.storage.files(stored.location);
  }

  /** Bumps `updated_at`, what sync tools and `find` read as "changed"; with `writeThrough`, the index row's too. */
  touch(stored: StoredRecord, writeThrough = false): MaybePromise<void> {
    return this.touchAt(stored.location, writeThrough ? stored.header.uuid : null);
  }

  /** {@link touch} by location; with the record id, the index row's `updated_at_ns` too. */
  touchAt(location: string, writeThroughId: string | null = null): MaybePromise<void> {
    const now = isoTimestamp();
    const written = this.storage.writeFile(location, UPDATED_AT_FILE, now);
    return writeThroughId === null ? written : whenDone(written, () => this.index.setUpdatedAt(writeThroughId, timestampNs(now)!));
  }

  /** `updated_at` as it is now, in epoch nanoseconds. */
  updatedAt(stored: StoredRecord): MaybePromise<bigint | undefined> {
    return whenDone(this.storage.readFile(stored.location, UPDATED_AT_FILE), (bytes) => (bytes ? timestampNs(bytes.toString('utf8')) : undefined));
  }

  /** True when the record at `location` is computed (its `cached` marker is there). */
  isCached(location: string): MaybePromise<boolean> {
    return hasFile(this.storage, location, CACHED_FILE);
  }

  /** Sets (with a reason: `finished` after a run, `user` by hand) or clears the `cached` marker. */
  setCached(stored: StoredRecord, value: boolean, reason = 'user'): MaybePromise<void> {
    const changed = value ? this.storage.writeFile(stored.location, CACHED_FILE, reason) : this.storage.removeFile(stored.location, CACHED_FILE);
    return whenDone(changed, () => this.touch(stored));
  }

  /**
   * Sets the label: `model.json` is rewritten (atomically, the rest of it as read, so fields this
   * version does not know are kept), the index row updated and `updated_at` bumped. Config and
   * identity never change. Returns the record as it is now.
   */
  setLabel(stored: StoredRecord, label: string | null): MaybePromise<StoredRecord> {
    return settle(this.setLabelSteps(stored, label));
  }

  /** True when this index hides the record. */
  isHidden(recordId: string): MaybePromise<boolean> {
    return whenDone(this.index.get(recordId), (row) => row?.hidden === true);
  }

  /**
   * Hides or shows a record in this index only (an overlay: never written to the record); the
   * reason goes into the overlay's private notes (`hidden_reason`).
   */
  setHidden(recordId: string, hidden: boolean, reason = 'user'): MaybePromise<void> {
    return settle(this.setHiddenSteps(recordId, hidden, reason));
  }

  private *setLabelSteps(stored: StoredRecord, label: string | null): Steps<StoredRecord> {
    const modelJson = { ...stored.modelJson, label };
    yield this.storage.writeFile(stored.location, MODEL_FILE, pyJson(modelJson, { ensureAscii: false }));
    yield this.index.setLabel(stored.header.uuid, label);
    yield this.touch(stored, true);
    return { ...stored, modelJson, model: { ...stored.model, label } };
  }

  private *setHiddenSteps(recordId: string, hidden: boolean, reason: string): Steps<void> {
    yield this.index.setHidden(recordId, hidden);
    yield this.index.setPrivate(recordId, { hidden_reason: hidden ? reason : null });
  }
}

