/** How often a long-running command looks whether the process that started it is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Whether npm started this process (`npx machinable …`, `npm exec`, `npm run`): npm then runs it
 * through `sh -c`, and a signal sent to npm does not reach it.
 */
export function startedByNpm(): boolean {
  return Boolean(process.env['npm_command']);
}

/**
 * Calls `onGone` once when the process that started this one has ended, and returns a function
 * that stops watching. A signal sent to a launcher in front of the CLI (`npx machinable serve`
 * runs it under `npm exec` and `sh -c`) ends the launcher and the shell but does not reach this
 * process, which the system then hands to another parent: that change of parent is what is
 * watched, so a long-running command ends with whatever started it instead of staying behind.
 * The check does not keep the process alive.
 */
export function onParentGone(onGone: () => void): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
