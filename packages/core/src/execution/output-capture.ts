import { AsyncLocalStorage } from 'node:async_hooks';
import type { Storage } from '../ports/storage.js';
import { OUTPUT_FILE } from '../format/reserved-files.js';
import { isThenable } from '../kernel/thenable.js';

/** How long captured output may wait in memory before it is appended to the log. */
const FLUSH_MS = 500;
/** How much captured output may wait in memory before it is appended at once. */
const FLUSH_BYTES = 64 * 1024;

/**
 * The output of one run on its way to the run record's `output.log`: appended in batches (at
 * most {@link FLUSH_MS} or {@link FLUSH_BYTES} later), so a chatty run costs few writes and a
 * follower (`machinable logs --follow`) still sees it within half a second.
 */
class OutputLog {
  #pending: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly location: string,
  ) {}

  write(chunk: unknown, encoding?: unknown): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : String(chunk);
    if (text === '') return;
    this.#pending.push(text);
    this.#bytes += text.length;
    if (this.#bytes >= FLUSH_BYTES) this.flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.#timer.unref();
    }
  }

  /** Appends what is pending; a promise only when the storage answered with one. */
  flush(): void | Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#bytes = 0;
    // The log is a copy of what the terminal showed: a store that cannot take it (a full disk)
    // must not fail the run; the next flush tries again with what comes next.
    try {
      const appended = this.storage.appendFile(this.location, OUTPUT_FILE, text);
      if (isThenable(appended)) return Promise.resolve(appended).then(undefined, () => undefined);
    } catch {
      // as above
    }
  }
}

const current = new AsyncLocalStorage<OutputLog>();
let installed = false;

/**
 * Routes what this process writes to stdout and stderr while `compute` runs (in its async
 * context: timers, promises and callbacks it starts included) into the run record's
 * `output.log` too. The terminal still shows everything; runs computing at the same time in
 * one process each get their own output; writes outside any run go to the terminal only.
 */
export async function capturingOutput<T>(storage: Storage, location: string, compute: () => Promise<T>): Promise<T> {
  install();
  const log = new OutputLog(storage, location);
  try {
    return await current.run(log, compute);
  } finally {
    const flushed = log.flush();
    if (isThenable(flushed)) await flushed;
  }
}

/** Wraps `process.stdout.write` and `process.stderr.write` once: a tee into the current run's log. */
function install(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      current.getStore()?.write(chunk, typeof rest[0] === 'string' ? rest[0] : undefined);
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
