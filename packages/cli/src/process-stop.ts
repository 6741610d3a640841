/**
 * Waiting for a process sent SIGTERM to end, and ending it if it does not: a run busy in
 * synchronous code (a numeric loop that never awaits) cannot take the signal, since Node takes
 * signals between turns of its event loop, so it is sent SIGKILL once `graceMs` have passed.
 */

/** Whether the process exists (one of another user's counts). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Waits up to `graceMs` for `pid` to end; if it has not, sends it SIGKILL. Answers whether it had
 * to (`'killed'`) or the process ended by itself (`'ended'`).
 *
 * @example
 * if ((await stopWithin(pid, 10_000)) === 'killed') console.log(`process ${pid} sent SIGKILL`);
 */
export async function stopWithin(pid: number, graceMs: number, pollMs = 100): Promise<'ended' | 'killed'> {
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
