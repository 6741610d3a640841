import type { ClaimHolder } from '../ports/store.js';
import { isoTimestamp } from '../format/timestamp.js';
import { parseJson } from '../json/json.js';
import { thisHost } from '../kernel/host.js';

/** What a claim (`claim.json`) holds: the run record computing, and the process doing it. */
export type ClaimContent = ClaimHolder;

/** The text of a claim this process makes now, naming the run record it computes (`null`: its latest). */
export function claimText(run: string | null, scheduler?: string): string {
  const content: ClaimContent = { run, host: thisHost(), pid: process.pid, at: isoTimestamp(), ...(scheduler ? { scheduler } : {}) };
  return JSON.stringify(content);
}

/** A claim's text as read; one cut short by a crash reads as a holder of no host, judged by its age. */
export function readClaimText(text: string): ClaimContent {
  try {
    const value = parseJson(text) as Partial<ClaimContent>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'string') {
      const scheduler = typeof value.scheduler === 'string' && value.scheduler !== '' ? { scheduler: value.scheduler } : {};
      return { run: typeof value.run === 'string' ? value.run : null, host: value.host, pid: value.pid, at: value.at, ...scheduler };
    }
  } catch {
    // cut short: judged by its age
  }
  return { run: null, host: '', pid: -1, at: '' };
}

/** Whether a process of this host is alive (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
