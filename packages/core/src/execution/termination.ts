import type { MaybePromise } from '../kernel/maybe.js';
import type { RunFailure } from '../format/run-status.js';

/** A run this process computes, as a SIGTERM names it. */
export interface Computing {
  /** `<module> <uuid>` of the interface. */
  readonly what: string;
  /** The run record's id. */
  readonly run: string;
  /** Whether its run record was cancelled (`machinable cancel`, `run.cancel()`). */
  readonly cancelled: () => MaybePromise<boolean>;
  /** The reason its cancel stored. */
  readonly failure: () => MaybePromise<RunFailure | undefined>;
}

const computing = new Set<Computing>();

/**
 * Notes a run computing in this process until the returned function is called. While any is,
 * a SIGTERM says on stderr what it stopped: a run cancelled (its run record marked so by
 * `machinable cancel` or `run.cancel()` before the signal) is named with the reason its cancel
 * stored; otherwise the runs it cut short. Then the process ends by the signal as it would have
 * (exit status 143), unless the program has its own SIGTERM listeners, which decide.
 *
 * @example
 * const done = computingHere({ what: 'train 1a2b', run: '3c4d', cancelled: () => false, failure: () => undefined });
 * try { await compute(); } finally { done(); }
 */
export function computingHere(run: Computing): () => void {
  computing.add(run);
  if (computing.size === 1) process.on('SIGTERM', onTerminate);
  return () => {
    computing.delete(run);
    if (computing.size === 0) process.off('SIGTERM', onTerminate);
  };
}

function onTerminate(): void {
  const runs = [...computing];
  const told = Promise.all(runs.map(async (run) => ({ run, cancelled: await settled(run.cancelled, false), failure: await settled(run.failure, undefined) })));
  void told.then((found) => {
    for (const { run, cancelled, failure } of found) {
      process.stderr.write(
        cancelled
          ? `Cancelled: ${run.what} (run record ${run.run}) was cancelled with machinable cancel or run.cancel() (${failure?.message ?? 'no reason stored'}); this process stops.\n`
          : `Terminated: SIGTERM stopped ${run.what} (run record ${run.run}) while it computed; it reads died, and launching it again continues it.\n`,
      );
    }
    // The process ends by the signal, as without this listener, unless the program listens too.
    if (process.listenerCount('SIGTERM') > 1) return;
    process.off('SIGTERM', onTerminate);
    process.kill(process.pid, 'SIGTERM');
  });
}

/** A value that may be a promise, or `fallback` when reading it throws (the storage may be gone). */
async function settled<T>(read: () => MaybePromise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}
