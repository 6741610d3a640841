/** How a sweep's progress is shown (`MACHINABLE_PROGRESS`): a live line, plain lines, or not at all. */
export type ProgressMode = 'live' | 'plain' | 'off';

/** What happened to one run of a sweep. */
export type RunProgress = 'running' | 'finished' | 'failed';

/** Options of {@link SweepProgress}. */
export interface SweepProgressOptions {
  /** Default: `MACHINABLE_PROGRESS` (`off`, `plain`, `live`), else live on a terminal and plain otherwise. */
  readonly mode?: ProgressMode;
  /** Where the progress goes (default: stderr, so stdout keeps what commands print). */
  readonly stream?: NodeJS.WriteStream;
  /** In plain mode, a line at least this often while runs are running (default 5000 ms). */
  readonly quietMs?: number;
  /** The clock (for tests). */
  readonly now?: () => number;
}

/** How often the live line is redrawn (its clock and ETA move on their own). */
const LIVE_MS = 250;

/**
 * The progress of a sweep of runs (an execution computing several at once): on a terminal one
 * live line redrawn in place (`train: 3/12 finished · 2 running · 7 pending · 0 failed · 0:15
 * elapsed · ETA 0:45`), which steps aside for whatever the runs print; otherwise one plain line
 * per change, and one at least every few seconds while runs are running, so a log never goes
 * silent. `MACHINABLE_PROGRESS=off` (the CLI's `--quiet`) turns it off.
 *
 * The line is drawn by hand (carriage return and erase-line) rather than with a progress-bar
 * library: it must be cleared before, and redrawn after, every write the runs make to the same
 * terminal, which those libraries do not coordinate with.
 */
export class SweepProgress {
  readonly mode: ProgressMode;
  readonly #stream: NodeJS.WriteStream;
  /** The stream's own write, kept from before the live line wraps it: the line's own drawing. */
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #quietMs: number;
  readonly #started: number;
  readonly #states = new Map<string, RunProgress>();
  #lastPrinted = 0;
  #lastLine = '';
  #drawn = false;
  #timer: NodeJS.Timeout | undefined;
  #restore: (() => void) | undefined;

  constructor(
    readonly label: string,
    readonly total: number,
    options: SweepProgressOptions = {},
  ) {
    this.#stream = options.stream ?? process.stderr;
    const write = this.#stream.write;
    this.#write = (text) => void write.call(this.#stream, text);
    this.mode = options.mode ?? progressMode(this.#stream);
    this.#now = options.now ?? Date.now;
    this.#quietMs = options.quietMs ?? 5000;
    this.#started = this.#now();
    if (this.mode === 'off') return;
    if (this.mode === 'live') this.#stepAsideForOutput();
    this.#timer = setInterval(() => this.#tick(), this.mode === 'live' ? LIVE_MS : Math.min(1000, this.#quietMs));
    this.#timer.unref();
    this.#print();
  }

  /** Records what happened to a run (by record id) and shows it. */
  report(id: string, state: RunProgress): void {
    if (this.#states.get(id) === state) return;
    this.#states.set(id, state);
    if (this.mode !== 'off') this.#print();
  }

  /** The counts and times as one line. */
  line(): string {
    let running = 0;
    let finished = 0;
    let failed = 0;
    for (const state of this.#states.values()) {
      if (state === 'running') running++;
      else if (state === 'finished') finished++;
      else failed++;
    }
    const done = finished + failed;
    const pending = Math.max(0, this.total - done - running);
    const elapsed = this.#now() - this.#started;
    const eta = done === 0 || done >= this.total ? undefined : (elapsed / done) * (this.total - done);
    const parts = [`${finished}/${this.total} finished`, `${running} running`, `${pending} pending`, `${failed} failed`, `${clock(elapsed)} elapsed`];
    if (done < this.total) parts.push(`ETA ${eta === undefined ? '–' : clock(eta)}`);
    return `${this.label}: ${parts.join(' · ')}`;
  }

  /** Shows the final counts (the live line stays, as the last line) and stops. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.mode === 'off') return;
    this.#restore?.();
    this.#restore = undefined;
    if (this.mode === 'live') {
      this.#draw();
      this.#write('\n');
      this.#drawn = false;
    } else if (this.line() !== this.#lastLine) {
      this.#print();
    }
  }

  #print(): void {
    const line = this.line();
    if (this.mode === 'live') return this.#draw();
    this.#lastLine = line;
    this.#lastPrinted = this.#now();
    this.#write(`${line}\n`);
  }

  #tick(): void {
    if (this.mode === 'live') return this.#draw();
    const running = [...this.#states.values()].includes('running');
    if (running && this.#now() - this.#lastPrinted >= this.#quietMs) this.#print();
  }

  /** Draws the live line over itself, cut to the terminal's width (a wrapped line could not be redrawn). */
  #draw(): void {
    const width = this.#stream.columns || 80;
    const line = this.line();
    this.#write(`\r\x1b[2K${line.length >= width ? `${line.slice(0, width - 2)}…` : line}`);
    this.#drawn = true;
  }

  /**
   * While the live line is shown, anything written to stdout or stderr first erases it and has
   * it redrawn right after, so run output never mixes into it.
   */
  #stepAsideForOutput(): void {
    let active = true;
    let redraw: NodeJS.Immediate | undefined;
    const restores = [process.stdout, process.stderr].map((stream) => {
      const original = stream.write;
      const wrapper = ((...args: Parameters<typeof stream.write>) => {
        if (active && this.#drawn) {
          this.#write('\r\x1b[2K');
          this.#drawn = false;
          redraw ??= setImmediate(() => {
            redraw = undefined;
            if (this.#timer !== undefined) this.#draw();
          });
        }
        return (original as (...a: unknown[]) => boolean).apply(stream, args);
      }) as typeof stream.write;
      stream.write = wrapper;
      // Put back only if no one wrapped it since; else stay, passing writes through.
      return () => {
        if (stream.write === wrapper) stream.write = original;
      };
    });
    this.#restore = () => {
      active = false;
      for (const restore of restores) restore();
      if (redraw !== undefined) clearImmediate(redraw);
    };
  }
}

/** The mode `MACHINABLE_PROGRESS` asks for, else live on a terminal and plain otherwise. */
export function progressMode(stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  const asked = process.env['MACHINABLE_PROGRESS']?.toLowerCase();
  if (asked === 'off' || asked === 'quiet' || asked === '0' || asked === 'false') return 'off';
  if (asked === 'plain' || asked === 'live') return asked;
  return stream.isTTY ? 'live' : 'plain';
}

/** `m:ss`, or `h:mm:ss` past an hour. */
function clock(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
