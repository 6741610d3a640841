import type { IndexRow, RunStatus } from '@machinable/core';
import type { IndexChanges } from '../store/index-changes.js';
import type { StoreReader } from '../store/store-reader.js';
import type { StatusEvent } from './status-event.js';

/** A listener of the feed. */
export type StatusListener = (event: StatusEvent) => void;

/** How many recent run records the feed looks at when it starts (to follow runs already going). */
const RECENT_RUNS = 200;

/**
 * How many times as long as a look at the index took the feed lets pass from its start before the
 * next, so at most a twentieth of the time goes to looking: at 100,000 records (70 ms a look,
 * `bench/server-index.mjs`) every other tick of the default 1 s; at 1,000 (1.5 ms) every tick.
 */
const LOOK_SPACING = 20;

/** What the feed needs of a run record: where it is, and what it computes. */
type RunRow = Pick<IndexRow, 'record_id' | 'storage_uri' | 'parent_id' | 'module'>;

interface OpenRun {
  readonly row: RunRow;
  status: RunStatus;
  heartbeat: string | null;
}

/**
 * Changes of the store as events, by polling, for as long as someone listens: each tick asks the
 * index which records were added (`IndexChanges`, through the `Index` contract), and re-reads the
 * status markers of the run records that are not finished (a few small reads per open run).
 * Polling rather than watching the storage folder: a recursive `fs.watch` on Linux adds an inotify
 * watch per directory (100,000 records exhaust the default limit and take seconds to set up), sees
 * nothing on NFS, where a store shared by machines lives, nor in a storage that is not a folder,
 * and a run going from live to died changes no file at all; a poll sees writes by any process,
 * Python's included. A tick never overlaps the one before (every answer may be a promise), and the
 * index is looked at again only once twenty times as long as its last look took has passed since it began.
 *
 * @example
 * const feed = new StatusFeed(reader, changes, 1000);
 * const stop = feed.subscribe((event) => console.log(event));
 */
export class StatusFeed {
  readonly #listeners = new Set<StatusListener>();
  readonly #open = new Map<string, OpenRun>();
  #timer: NodeJS.Timeout | undefined;
  /** The tick under way (or the start), so ticks never overlap. */
  #running: Promise<void> | undefined;
  /** When the index is looked at next (`performance.now()` time). */
  #lookAt = 0;
  /** Counts starts and stops, so a tick of a feed stopped (and started again) does nothing. */
  #generation = 0;
  /** True once the start (`begin`) has succeeded: ticks poll from then on. */
  #ready = false;

  constructor(
    private readonly reader: StoreReader,
    private readonly changes: IndexChanges,
    private readonly intervalMs: number,
  ) {}

  /** Adds a listener (the first one starts the polling); returns the function that removes it. */
  subscribe(listener: StatusListener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** How many listen now. */
  get listeners(): number {
    return this.#listeners.size;
  }

  /** Polls once now (what each tick does): the records added (when the index is due a look), then the open runs' markers. */
  async poll(): Promise<void> {
    const generation = this.#generation;
    if (performance.now() >= this.#lookAt) {
      const started = performance.now();
      const added = await this.changes.added();
      this.#lookAt = started + (performance.now() - started) * LOOK_SPACING;
      for (const row of added) {
        if (generation !== this.#generation) return;
        this.emit({ type: 'record', uuid: row.record_id, kind: row.kind, module: row.module, parent_uuid: row.parent_id });
        if (row.kind === 'Execution') await this.follow(row, true, generation);
      }
    }
    for (const run of [...this.#open.values()]) await this.follow(run.row, false, generation);
  }

  /** Stops polling and forgets the listeners. */
  close(): void {
    this.#listeners.clear();
    this.stop();
  }

  private start(): void {
    const generation = ++this.#generation;
    this.#open.clear();
    this.#ready = false;
    this.#lookAt = 0;
    this.#timer = setInterval(() => this.tick(generation), this.intervalMs);
    this.#timer.unref();
    this.tick(generation);
  }

  /** Takes the index as it is now as seen, and follows the recent runs that are not finished. */
  private async begin(generation: number): Promise<void> {
    await this.changes.start();
    for (const row of (await this.reader.search({ kind: 'Execution', limit: RECENT_RUNS, include_hidden: true })).items) {
      const { status, markers } = await this.reader.runMarkers(row);
      if (generation !== this.#generation) return;
      if (status === 'pending' || status === 'live') this.#open.set(row.record_id, { row, status, heartbeat: markers.heartbeat_at?.toString() ?? null });
    }
    if (generation === this.#generation) this.#ready = true;
  }

  /** One tick (the start until it has succeeded, then a poll), unless the last is still running. */
  private tick(generation: number): void {
    if (this.#running || generation !== this.#generation) return;
    this.#running = (this.#ready ? this.poll() : this.begin(generation))
      // A record half-written or removed between two reads, an index that failed to answer: the next tick tries again.
      .catch(() => undefined)
      .finally(() => (this.#running = undefined));
  }

  private stop(): void {
    this.#generation++;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#open.clear();
  }

  /** Reads a run record's markers; emits when its status or heartbeat changed (or it is new). */
  private async follow(row: RunRow, added: boolean, generation: number): Promise<void> {
    const { status, markers } = await this.reader.runMarkers(row);
    if (generation !== this.#generation) return;
    const heartbeat = markers.heartbeat_at?.toString() ?? null;
    const known = this.#open.get(row.record_id);
    if (!added && known && known.status === status && known.heartbeat === heartbeat) return;
    if (status === 'pending' || status === 'live') this.#open.set(row.record_id, { row, status, heartbeat });
    else this.#open.delete(row.record_id);
    const parent = row.parent_id === null ? undefined : await this.reader.row(row.parent_id);
    if (generation !== this.#generation) return;
    const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
    this.emit({
      type: 'status',
      uuid: row.record_id,
      parent_uuid: row.parent_id,
      module: parent?.module ?? row.module,
      status,
      started_at: text(markers.started_at),
      heartbeat_at: heartbeat,
      finished_at: text(markers.finished_at),
    });
  }

  private emit(event: StatusEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
