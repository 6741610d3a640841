import { decodeFile, encodeFile } from '../files/file-codecs.js';
import type { EdgeLine } from '../format/edges.js';
import type { StoredRecord } from '../format/record.js';
import type { RunStatus } from '../format/run-status.js';
import { checkFileName, noFileError } from './file-names.js';
import { sessionOf, storedOf, type Handle } from './handle.js';
import type { Session } from './session.js';

/**
 * The awaitable forms of an interface's conveniences that read or write its record now
 * (`run.async.loadFile(name)` for `run.loadFile(name)`): what code uses with a storage or index
 * that answers asynchronously, where the synchronous forms throw a `SynchronousAccessError`
 * naming these. With the default storage both forms give the same answers.
 *
 * @example
 * const { loss } = await run.async.loadFile<{ loss: number }>('result.json');
 */
export class AsyncView {
  constructor(
    private readonly handle: Handle,
    private readonly module: string,
  ) {}

  /** `loadFile()`, awaited. */
  async loadFile<T = unknown>(name: string, fallback?: T): Promise<T> {
    const { slot } = this.handle;
    const bytes = slot.stored ? await this.session().store.files.readFile(slot.stored, name) : slot.pending.get(name);
    if (bytes === undefined) {
      if (arguments.length > 1) return fallback as T;
      throw noFileError(name, slot.stored ? slot.stored.location : `${this.module} (not materialized yet)`);
    }
    return decodeFile(name, bytes) as T;
  }

  /** `saveFile()`, awaited: the name (before materialize) or the record's location of the file. */
  async saveFile(name: string, data: unknown): Promise<string> {
    checkFileName(name);
    const bytes = encodeFile(name, data);
    const { slot } = this.handle;
    if (!slot.stored) {
      slot.pending.set(name, bytes);
      return name;
    }
    await this.session().store.files.writeFile(slot.stored, name, bytes);
    return `${this.session().store.storage.directory(slot.stored.location)}/${name}`;
  }

  /** `files()`, awaited. */
  async files(): Promise<string[]> {
    return this.session().store.files.list(this.stored('files()'));
  }

  /** `status()`, awaited. */
  async status(): Promise<RunStatus> {
    const stored = this.handle.slot.stored;
    if (!stored) return 'pending';
    return this.session().store.runs.statusOf(stored.header.uuid, stored.location, stored.header.kind);
  }

  /** `cached()`, awaited. */
  async cached(): Promise<boolean> {
    const stored = this.handle.slot.stored;
    return stored !== undefined && (await this.session().store.files.isCached(stored.location));
  }

  /** `cached(value)`, awaited. */
  async setCached(value: boolean): Promise<void> {
    await this.session().store.files.setCached(this.stored(`cached(${value})`), value);
  }

  /** `updatedAt`, awaited. */
  async updatedAt(): Promise<Date | undefined> {
    const ns = await this.session().store.files.updatedAt(this.stored('updatedAt'));
    return ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
  }

  /** `edges()`, awaited. */
  async edges(fn?: string): Promise<EdgeLine[]> {
    const stored = this.handle.slot.stored;
    if (!stored) return [];
    const edges = await this.session().store.relations.edges(stored);
    return fn === undefined ? edges : edges.filter((edge) => edge.fn === fn);
  }

  /** `setLabel()`, awaited. */
  async setLabel(label: string | null): Promise<void> {
    this.handle.slot.stored = await this.session().store.files.setLabel(this.stored('setLabel()'), label);
  }

  /** `hidden`, awaited. */
  async hidden(): Promise<boolean> {
    const stored = this.handle.slot.stored;
    return stored !== undefined && (await this.session().store.files.isHidden(stored.header.uuid));
  }

  /** `hide()`, awaited. */
  async hide(reason = 'user'): Promise<void> {
    await this.session().store.files.setHidden(this.stored('hide()').header.uuid, true, reason);
  }

  /** `unhide()`, awaited. */
  async unhide(): Promise<void> {
    await this.session().store.files.setHidden(this.stored('unhide()').header.uuid, false);
  }

  /** `touch()`, awaited. */
  async touch(): Promise<void> {
    await this.session().store.files.touch(this.stored('touch()'), true);
  }

  /** `execution`, awaited: the latest run record, loaded with its module's class. */
  async execution(): Promise<unknown> {
    const stored = this.handle.slot.stored;
    if (!stored) return undefined;
    const { store, instances } = this.session();
    const row = await store.runs.latest(stored.header.uuid);
    return row ? (await instances.fromRows([row]))[0] : undefined;
  }

  private session(): Session {
    return sessionOf(this.handle, this.module);
  }

  private stored(what: string): StoredRecord {
    return storedOf(this.handle, this.module, what);
  }
}
