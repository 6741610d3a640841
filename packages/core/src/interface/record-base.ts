import type { JsonObject } from '../format/model.js';
import { decodeFile, encodeFile } from '../files/file-codecs.js';
import { predicateKey } from '../format/keys.js';
import { newRecordId, shortId } from '../format/record-id.js';
import type { StoredRecord } from '../format/record.js';
import { configIdentity } from '../identity/identity.js';
import { toPlainNumbers, type JsonValue } from '../json/json.js';
import { now } from '../kernel/maybe.js';
import { deepFreeze } from '../config/freeze.js';
import { ambientSource } from './ambient.js';
import { AsyncView } from './async-view.js';
import { Element, resolutionOf } from './element.js';
import { checkFileName, noFileError } from './file-names.js';
import { HANDLE, newHandle, sessionOf, storedOf, type Handle } from './handle.js';
import { isThenable } from '../kernel/thenable.js';
import type { Session } from './session.js';

/**
 * The record side of an interface: its id and keys, its stored record, its files and the small
 * state kept with them (`cached`, the label, whether this index hides it), each read and written
 * through its project's store. `Interface` adds the lifecycle, the relations and the runs.
 *
 * @example
 * run.saveFile('result.json', { loss: 0.1 }); run.loadFile('result.json'); // { loss: 0.1 }
 */
export abstract class RecordBase<C extends object = Record<string, unknown>> extends Element<C> {
  /** @internal the project session and record slot (see `handle.ts`). */
  readonly [HANDLE]: Handle = newHandle();
  #markers = new Map<string, unknown>();

  /** The record id: 12 characters of base62, known before materialize and kept by it. */
  get uuid(): string {
    const { slot } = this[HANDLE];
    return slot.stored?.header.uuid ?? (slot.id ??= newRecordId());
  }

  /** Short id for display (the record id itself for format-v1 ids). */
  get id(): string {
    return shortId(this.uuid);
  }

  /** True once the record is written (or was found stored). */
  get isMaterialized(): boolean {
    return this[HANDLE].slot.stored !== undefined;
  }

  /** The stored record (`id.json`, `model.json`, location), once materialized. */
  get record(): StoredRecord | undefined {
    return this[HANDLE].slot.stored;
  }

  /** Hash of module and canonical config: what makes two requests the same run. */
  get identityKey(): string {
    const handle = this[HANDLE];
    if (handle.slot.stored) return handle.slot.stored.header.identity_key;
    if (handle.identityKey === undefined) {
      const { resolved, schema } = resolutionOf(this);
      handle.identityKey = configIdentity(this.module, resolved, schema).key;
    }
    return handle.identityKey;
  }

  /** Values beyond the config that distinguish runs: the enclosing scopes and `onComputePredicate()`. */
  get predicate(): JsonObject {
    const { slot } = this[HANDLE];
    slot.predicate ??= deepFreeze(this.onComputePredicate() as JsonObject);
    return slot.predicate;
  }

  /** 32 hex characters of the predicate's hash (for a run record: its dispatch time). */
  get predicateKey(): string {
    return this[HANDLE].slot.stored?.header.predicate_key ?? predicateKey(this.predicate);
  }

  /** The human-facing label (see `setLabel()`); null when none is set. */
  get label(): string | null {
    return this.record?.model.label ?? null;
  }

  /** Who created the record (the OS user name). */
  get createdBy(): string | null {
    return this.record?.model.created_by ?? null;
  }

  /** When the record was created. */
  get createdAt(): Date | undefined {
    const ns = this.record?.model.created_at_ns;
    return ns === null || ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** When the record last changed through machinable (its `updated_at` marker, read now). */
  get updatedAt(): Date | undefined {
    const stored = this.record;
    const ns = stored && now(this.session().store.files.updatedAt(stored), 'updatedAt', 'await run.async.updatedAt()');
    return ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** The awaitable forms of the conveniences that read the record now, for a storage that answers asynchronously. */
  get async(): AsyncView {
    return new AsyncView(this[HANDLE], this.module);
  }

  /** Hook: extra values (not config) that make runs distinct, e.g. `{ dataset: hashOf(files) }`. */
  onComputePredicate(): Record<string, unknown> {
    return {};
  }

  /** The contexts (scopes, executions) the record was made in, outermost first: `[[module, version], ...]`. */
  get context(): JsonValue[] {
    const { slot } = this[HANDLE];
    return toPlainNumbers(slot.stored ? slot.stored.model.context : ((slot.context ?? []) as unknown as JsonValue[]));
  }

  /** True when the record has been computed (its `cached` marker is set). */
  cached(): boolean;
  /** `cached(true)` marks the record computed without running it; `cached(false)` makes the next launch compute it. */
  cached(value: boolean): this;
  cached(value?: boolean): boolean | this {
    const stored = this.record;
    if (value === undefined) return stored !== undefined && now(this.session().store.files.isCached(stored.location), 'cached()', 'await run.async.cached()');
    this.requireMaterialized(`cached(${value})`);
    now(this.session().store.files.setCached(stored!, value), `cached(${value})`, `await run.async.setCached(${value})`);
    return this;
  }

  /** Sets the human-facing label (`null` removes it): in `model.json` and the index; config and identity never change. */
  setLabel(label: string | null): this {
    const stored = this.requireMaterialized('setLabel()');
    this[HANDLE].slot.stored = now(this.session().store.files.setLabel(stored, label), 'setLabel()', 'await run.async.setLabel()');
    return this;
  }

  /** True when this index hides the record (from `find`, `ls` and lookups, unless asked for); an overlay, never written to the record. */
  get hidden(): boolean {
    const stored = this.record;
    return stored !== undefined && now(this.session().store.files.isHidden(stored.header.uuid), 'hidden', 'await run.async.hidden()');
  }

  /** Hides the record in this index (see `hidden`); `reason` goes into the overlay's private notes. */
  hide(reason = 'user'): this {
    const stored = this.requireMaterialized('hide()');
    now(this.session().store.files.setHidden(stored.header.uuid, true, reason), 'hide()', 'await run.async.hide()');
    return this;
  }

  /** Shows a hidden record again. */
  unhide(): this {
    const stored = this.requireMaterialized('unhide()');
    now(this.session().store.files.setHidden(stored.header.uuid, false), 'unhide()', 'await run.async.unhide()');
    return this;
  }

  /** Declares a change made to the record's files by other means: bumps its `updated_at`. */
  touch(): this {
    const stored = this.requireMaterialized('touch()');
    now(this.session().store.files.touch(stored, true), 'touch()', 'await run.async.touch()');
    return this;
  }

  /** The record's directory (joined with `parts`); the record must be materialized. */
  localDirectory(...parts: string[]): string {
    const base = this.session().store.storage.directory(this.requireMaterialized('localDirectory()').location);
    return parts.length ? [base, ...parts].join('/') : base;
  }

  /** The record's own files (paths relative to its directory; child records left out). */
  files(): string[] {
    return now(this.session().store.files.list(this.requireMaterialized('files()')), 'files()', 'await run.async.files()');
  }

  /**
   * Saves a file, encoded by extension (`.json`, `.jsonl`, `.npy`, `.bin`, text otherwise).
   * Before materialize it is buffered and written with the record. Returns the path (or name).
   */
  saveFile(name: string, data: unknown): string {
    checkFileName(name);
    const bytes = encodeFile(name, data);
    const handle = this[HANDLE];
    const { slot } = handle;
    if (!slot.stored) {
      slot.pending.set(name, bytes);
      return name;
    }
    const written = this.session().store.files.writeFile(slot.stored, name, bytes);
    // An asynchronous storage answers later: the run this belongs to waits for it before it
    // counts as finished, and a failure outside a run is reported, never dropped.
    if (isThenable(written)) trackWrite(handle, Promise.resolve(written), name, this.module);
    return this.localDirectory(name);
  }

  /** Loads a file saved with `saveFile`; `fallback` (if given) when it does not exist, else an error. */
  loadFile<T = unknown>(name: string, fallback?: T): T {
    const { slot } = this[HANDLE];
    const bytes = slot.stored ? now(this.session().store.files.readFile(slot.stored, name), `loadFile('${name}')`, `await run.async.loadFile('${name}')`) : slot.pending.get(name);
    if (bytes === undefined) {
      if (arguments.length > 1) return fallback as T;
      throw noFileError(name, slot.stored ? this.localDirectory() : `${this.module} (not materialized yet)`);
    }
    return decodeFile(name, bytes) as T;
  }

  /** Sets an in-memory marker (not stored). */
  mark(name: string, value: unknown = true): this {
    this.#markers.set(name, value);
    return this;
  }

  /** Reads an in-memory marker. */
  marker<T = unknown>(name: string): T | undefined {
    return this.#markers.get(name) as T | undefined;
  }

  /** The session of this interface's project; an error for one that never joined a project (made with `new`, not materialized). */
  protected session(): Session {
    return sessionOf(this[HANDLE], this.module);
  }

  /** The session, joining the current project's first when this interface was made with `new`. */
  protected async joined(): Promise<Session> {
    const handle = this[HANDLE];
    if (!handle.session) {
      const session = (await ambientSource().session()) as Session;
      await session.instances.adopt(this);
    }
    return handle.session as Session;
  }

  protected requireMaterialized(what: string): StoredRecord {
    return storedOf(this[HANDLE], this.module, what);
  }
}

/**
 * Keeps an asynchronous write of `saveFile()` on the handle until it is answered. One that fails
 * while a computation runs stays there for the computation to throw (see `settleWrites`); one that
 * fails outside any is reported as a warning naming the file, never dropped silently.
 */
function trackWrite(handle: Handle, write: Promise<void>, name: string, module: string): void {
  handle.writes.add(write);
  write.then(
    () => handle.writes.delete(write),
    (error: unknown) => {
      if (handle.computing) return;
      handle.writes.delete(write);
      process.emitWarning(`${module}: saving '${name}' failed (${error instanceof Error ? error.message : String(error)}); save it again with await run.async.saveFile('${name}', data)`, { code: 'MACHINABLE_WRITE' });
    },
  );
}
