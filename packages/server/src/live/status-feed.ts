import type { IndexRow, RunStatus } from '@machinable/core';
import type { IndexChanges } from '../store/index-changes.js';
import type { StoreReader } from '../store/store-reader.js';
import type { StatusEvent } from './status-event.js';

/** A listener of the feed. */
export type StatusListener = (event: StatusEvent) => void;

/** How many recent run records the feed looks at when it starts (to follow runs already going). */
const RECENT_RUNS = 200;

interface OpenRun {
  readonly row: IndexRow;
  status: RunStatus;
  heartbeat: string | null;
}

/**
 * Changes of the store as events, by polling, for as long as someone listens: each tick asks the
 * index which records were added (by rowid, one indexed query), and re-reads the status markers
 * of the run records that are not finished (a few small file reads per open run). Polling rather
 * than watching the storage folder: a recursive `fs.watch` on Linux adds an inotify watch per
 * directory (100,000 records exhaust the default limit and take seconds to set up), sees nothing
 * on NFS, where a store shared by machines lives, and a run going from live to died changes no
 * file at all; a poll costs the same for 10 records as for 100,000 and sees writes by any
 * process, Python's included.
 *
 * @example
 * const feed = new StatusFeed(reader, changes, 1000);
 * const stop = feed.subscribe((event) => console.log(event));
 */
export class StatusFeed {
  readonly #listeners = new Set<StatusListener>();
  readonly #open = new Map<string, OpenRun>();
  #timer: NodeJS.Timeout | undefined;
  #cursor = 0;

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

  /** Polls once now (what each tick does). */
  poll(): void {
    const { ids, cursor } = this.changes.added(this.#cursor);
    this.#cursor = cursor;
    for (const id of ids) {
      const row = this.reader.row(id);
      if (!row) continue;
      this.emit({ type: 'record', uuid: row.record_id, kind: row.kind, module: row.module, parent_uuid: row.parent_id });
      if (row.kind === 'Execution') this.follow(row, true);
    }
    for (const run of [...this.#open.values()]) this.follow(run.row, false);
  }

  /** Stops polling and forgets the listeners. */
  close(): void {
    this.#listeners.clear();
    this.stop();
  }

  private start(): void {
    this.#cursor = this.changes.cursor();
    this.#open.clear();
    for (const row of this.reader.search({ kind: 'Execution', limit: RECENT_RUNS, include_hidden: true }).items) {
      const { status, markers } = this.reader.runMarkers(row);
      if (status === 'pending' || status === 'live') this.#open.set(row.record_id, { row, status, heartbeat: markers.heartbeat_at?.toString() ?? null });
    }
    this.#timer = setInterval(() => {
      try {
        this.poll();
      } catch {
        // A record half-written or removed between two reads: the next tick sees it whole.
      }
    }, this.intervalMs);
    this.#timer.unref();
  }

  private stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#open.clear();
  }

  /** Reads a run record's markers; emits when its status or heartbeat changed (or it is new). */
  private follow(row: IndexRow, added: boolean): void {
    const { status, markers } = this.reader.runMarkers(row);
    const heartbeat = markers.heartbeat_at?.toString() ?? null;
    const known = this.#open.get(row.record_id);
    if (!added && known && known.status === status && known.heartbeat === heartbeat) return;
    if (status === 'pending' || status === 'live') this.#open.set(row.record_id, { row, status, heartbeat });
    else this.#open.delete(row.record_id);
    const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
    this.emit({
      type: 'status',
      uuid: row.record_id,
      parent_uuid: row.parent_id,
      module: this.reader.row(row.parent_id ?? '')?.module ?? row.module,
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
