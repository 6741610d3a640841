/**
 * Waiting for child processes to say they are ready, instead of sleeping and hoping they are: a
 * child script writes `ready-<pid>` into its working folder once it has done its slow start
 * (importing the core, loading a module), then waits for the `go` file the test writes.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessResult } from './helpers.js';

/** Script lines that announce this child is ready, then wait for the test's `go` file (cwd: the project). */
export const READY_THEN_WAIT_FOR_GO = `
  await import('node:fs').then(({ writeFileSync }) => writeFileSync('ready-' + process.pid, ''));
  while (!(await import('node:fs')).existsSync('go')) await new Promise((r) => setTimeout(r, 5));`;

/**
 * Waits until `condition` holds, checking every few milliseconds; fails naming `what` after
 * `timeoutMs`, or at once when `failed` reports a reason (a child that exited early, say).
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, options: { timeoutMs?: number; failed?: () => string | undefined } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    const reason = options.failed?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Waits until each of `children` (scripts using {@link READY_THEN_WAIT_FOR_GO}) has written its
 * `ready-<pid>` file in `dir`, then writes `go` so they all continue at once. A child that exits
 * before it is ready fails the wait with what it printed.
 */
export async function startTogether(dir: string, children: ReadonlyArray<Promise<ProcessResult>>): Promise<void> {
  let early: ProcessResult | undefined;
  for (const child of children) void child.then((result) => (early ??= result), () => undefined);
  const ready = (): number => readdirSync(dir).filter((name) => name.startsWith('ready-')).length;
  await waitUntil(() => ready() === children.length, `${children.length} child processes to be ready (${ready()} are)`, {
    failed: () => (early === undefined ? undefined : `a child exited before it was ready (code ${String(early.code)}): ${early.stderr || early.stdout}`),
  });
  writeFileSync(join(dir, 'go'), '');
}
