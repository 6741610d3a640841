/**
 * Waiting for a process sent SIGTERM to end, and ending it if it does not: a run busy in
 * synchronous code (a numeric loop that never awaits) cannot take the signal, since Node takes
 * signals between turns of its event loop, so it is sent SIGKILL once `graceMs` have passed.
 */

/**
 * Waits up to `graceMs` for `pid` to end (`alive`: core's `processAlive`); if it has not, sends it
 * SIGKILL. Answers whether it had to (`'killed'`) or the process ended by itself (`'ended'`).
 *
 * @example
 * if ((await stopWithin(pid, 10_000, core.processAlive)) === 'killed') console.log(`process ${pid} sent SIGKILL`);
 */
export async function stopWithin(pid: number, graceMs: number, alive: (pid: number) => boolean, pollMs = 100): Promise<'ended' | 'killed'> {
  const until = Date.now() + graceMs;
  while (alive(pid)) {
    if (Date.now() >= until) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'ended';
        throw error;
      }
      return 'killed';
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return 'ended';
}
