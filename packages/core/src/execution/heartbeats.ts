import { isThenable } from '../kernel/thenable.js';

/**
 * The heartbeats of the runs computing in this process: one timer per interval for all of them,
 * rather than one per run (a sweep of short runs made and cleared one for each), calling each
 * live run's beat every interval. A timer that finds no run left stops; it never keeps the
 * process alive. A beat that throws (its record removed, a full disk) is reported as a warning
 * and tried again at the next tick; the other runs' beats go on.
 */

/** One run's beat; may answer with a promise (a storage over a remote service). */
type Beat = () => unknown;

interface Ticker {
  readonly timer: NodeJS.Timeout;
  readonly beats: Set<Beat>;
}

const tickers = new Map<number, Ticker>();

/**
 * Calls `beat` every `intervalMs` until the returned function is called.
 *
 * @example
 * const stop = beating(15_000, () => store.runs.writeMarkers(location, ['heartbeat_at']));
 * try { await compute(); } finally { stop(); }
 */
export function beating(intervalMs: number, beat: Beat): () => void {
  const ticker = tickers.get(intervalMs) ?? startTicker(intervalMs);
  ticker.beats.add(beat);
  return () => {
    ticker.beats.delete(beat);
  };
}

function warn(error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(`a run's heartbeat could not be written (${reason}); until it is, other processes may take the run for dead`, {
    code: 'MACHINABLE_HEARTBEAT',
  });
}

function startTicker(intervalMs: number): Ticker {
  const beats = new Set<Beat>();
  const timer = setInterval(() => {
    if (beats.size === 0) {
      clearInterval(timer);
      tickers.delete(intervalMs);
      return;
    }
    for (const beat of beats) {
      try {
        const beaten = beat();
        if (isThenable(beaten)) Promise.resolve(beaten).then(undefined, warn);
      } catch (error) {
        warn(error);
      }
    }
  }, intervalMs);
  timer.unref();
  const ticker = { timer, beats };
  tickers.set(intervalMs, ticker);
  return ticker;
}
