import type { WalkEntry } from '../ports/storage.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { livenessWindowSeconds } from '../kernel/settings.js';
import { parseJson } from '../json/json.js';
import { runState } from '../format/run-state.js';
import { parseTimestampMicros, isoTimestamp } from '../format/timestamp.js';
import type { Interface } from '../interface/interface.js';
import { queuedJobAlive } from '../slurm/job-liveness.js';
import { thisHost } from '../kernel/host.js';
import { storedOf, takeClaimAtCreation } from './record-state.js';
import type { Records } from './records.js';
import { readMarkersAt } from './run-records.js';

import { SENTINEL_FILE } from '../format/layout.js';
import { CLAIM_FILE } from '../format/reserved-files.js';

/** What a claim holds: the run record computing, and the process doing it. */
export interface ClaimContent {
  /** The run record's id, once there is one. */
  readonly run: string | null;
  readonly host: string;
  readonly pid: number;
  /** ISO-8601 time the claim was made (or last handed on). */
  readonly at: string;
  /**
   * Set when the claim was handed to a scheduler's job (`'slurm'`): the run record it names is
   * computed by that job, and the process named (the submitter) need not live on. The job takes
   * the claim over when it starts (see `takeHandedClaim`).
   */
  readonly scheduler?: string;
}

/** How a wait for another computation ended. */
export type ClaimOutcome = 'claimed' | 'computed';

/**
 * Claims the computation of an interface, so that a run is computed at most once at a time,
 * across handles, processes and machines sharing the storage. Resolves `claimed` when this
 * process may compute it (the claim file is created, or taken over from a dead holder) and
 * `computed` when, while waiting for another holder, the run was computed by it.
 *
 * A holder counts as alive while its run record is live (its heartbeat within the liveness
 * window), or, before its run record exists or starts, while its process is (checked on the same
 * host; from another host, for the window after the claim). A dead holder's claim is taken over:
 * read again, removed only if it is still the claim found dead, then created anew, so of several
 * processes finding it dead one wins. (Two processes finding the same dead claim within the same
 * few microseconds could both remove it, one the other's fresh claim; only then can two compute.)
 */
export async function claimComputation(records: Records, item: Interface<object>, options: { readonly pollMs?: number } = {}): Promise<ClaimOutcome> {
  return claimOrWait(records, item, options.pollMs ?? FIRST_POLL_MS);
}

/** How long a claim held by another is waited for before the second attempt (doubling up to 1 s). */
const FIRST_POLL_MS = 100;

/**
 * `claimComputation` with its first attempt made at once: the outcome itself when that decides it
 * (the usual case, a free claim), a promise only when it waits for another holder.
 */
function claimOrWait(records: Records, item: Interface<object>, firstPollMs: number): ClaimOutcome | Promise<ClaimOutcome> {
  const first = tryClaim(records, item);
  return first === 'claimed' || first === 'computed' ? first : waitForClaim(records, item, firstPollMs);
}

/** `claimComputation` after a first attempt found the claim held: polls, backing off to 1 s. */
async function waitForClaim(records: Records, item: Interface<object>, firstPollMs: number): Promise<ClaimOutcome> {
  let poll = firstPollMs;
  for (;;) {
    await sleep(poll);
    poll = Math.min(poll * 2, 1000);
    const outcome = tryClaim(records, item);
    if (outcome === 'claimed' || outcome === 'computed') return outcome;
  }
}

/**
 * One attempt at `claimComputation` that does not wait: `claimed` (this process may compute),
 * `computed` (it is computed already), or the claim of the live holder computing it (a
 * scheduler's submitter skips such a run rather than waiting for it).
 */
export function tryClaim(records: Records, item: Interface<object>): ClaimOutcome | ClaimContent {
  const location = storedOf(item).location;
  // Callers looked at `cached` just before; it is looked at again once the claim is made (a holder
  // may have finished and released in between) or found held.
  for (;;) {
    if (records.storage.createFile(location, CLAIM_FILE, claimText(null))) {
      if (records.isCached(item)) {
        releaseClaim(records, item);
        return 'computed';
      }
      return 'claimed';
    }
    if (records.isCached(item)) return 'computed';
    const held = readClaim(records, location);
    if (held === undefined) continue; // released in between: try again
    if (isAlive(records, location, held)) return held;
    removeIfStill(records, location, held);
  }
}

/** Removes a claim found dead, only if it is still that claim (another process may have taken it over first). */
function removeIfStill(records: Records, location: string, held: ClaimContent): void {
  const again = readClaim(records, location);
  if (again !== undefined && again.at === held.at && again.pid === held.pid && again.run === held.run) {
    records.storage.removeFile(location, CLAIM_FILE);
  }
}

/**
 * Moves a claim to this process and names the run record it computes. A dispatcher (a process
 * pool, a scheduler's submitter) does this before it hands the run on, with `scheduler` when a
 * scheduler's job will compute it (then this process need not live on). A claim made where it is
 * computed names no run: its holder's run is the interface's latest.
 */
export function handOnClaim(records: Records, item: Interface<object>, run: string, options: { readonly scheduler?: string } = {}): void {
  records.storage.writeFile(storedOf(item).location, CLAIM_FILE, claimText(run, options.scheduler));
}

/**
 * Takes over, in the process that computes a handed-on run record (`dispatch` with a run), the
 * claim its dispatcher handed on: true when the claim is now this process's (it named this run
 * record, or there was none, or its holder is dead), false when another live holder computes the
 * interface (then this process must not).
 */
export function takeHandedClaim(records: Records, item: Interface<object>, run: string): boolean {
  const location = storedOf(item).location;
  for (;;) {
    const held = readClaim(records, location);
    if (held === undefined) {
      if (records.storage.createFile(location, CLAIM_FILE, claimText(run))) return true;
      continue;
    }
    if (held.run === run) {
      records.storage.writeFile(location, CLAIM_FILE, claimText(run));
      return true;
    }
    if (isAlive(records, location, held)) return false;
    removeIfStill(records, location, held);
  }
}

/** Ends a claim (after the computation, successful or not). */
export function releaseClaim(records: Records, item: Interface<object>): void {
  records.storage.removeFile(storedOf(item).location, CLAIM_FILE);
}

/**
 * Removes the claim on the interface record at `location` when `whose` says it is the holder's
 * that ended (`cancel()`: the job or process it stopped will not release it itself).
 */
export function releaseClaimAt(records: Records, location: string, whose: (claim: ClaimContent) => boolean): boolean {
  const held = readClaim(records, location);
  if (held === undefined || !whose(held)) return false;
  removeIfStill(records, location, held);
  return true;
}

/** The claim on an interface, if one is held. */
export function claimOf(records: Records, item: Interface<object>): ClaimContent | undefined {
  return readClaim(records, storedOf(item).location);
}

/** The text of a claim this process makes now, naming the run record it computes (`null`: its latest). */
export function claimText(run: string | null, scheduler?: string): string {
  const content: ClaimContent = { run, host: thisHost(), pid: process.pid, at: isoTimestamp(), ...(scheduler ? { scheduler } : {}) };
  return JSON.stringify(content);
}

function readClaim(records: Records, location: string): ClaimContent | undefined {
  const text = records.storage.readFile(location, CLAIM_FILE)?.toString('utf8');
  if (text === undefined) return undefined;
  try {
    const value = parseJson(text) as Partial<ClaimContent>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'string') {
      const scheduler = typeof value.scheduler === 'string' && value.scheduler !== '' ? { scheduler: value.scheduler } : {};
      return { run: typeof value.run === 'string' ? value.run : null, host: value.host, pid: value.pid, at: value.at, ...scheduler };
    }
  } catch {
    // a claim cut short by a crash: judged by its age below
  }
  return { run: null, host: '', pid: -1, at: '' };
}

/**
 * Whether the holder of a claim is still computing (see `claimComputation`). A claim handed to a
 * scheduler's job (`scheduler` set) is the job's until the job starts and takes it over: it lives
 * as long as Slurm has the job queued or running (`queuedJobAlive`), however long the queue wait,
 * and not as long as its submitter, which may have exited; the run record's markers (of an
 * earlier attempt, when the job continues a run that died) say nothing about it.
 */
function isAlive(records: Records, location: string, claim: ClaimContent): boolean {
  const window = livenessWindowSeconds();
  const nowMicros = Date.now() * 1000;
  const local = claim.host === thisHost() && claim.pid > 0;
  const at = parseTimestampMicros(claim.at);
  const run = holderRun(records, location, claim, at);
  if (claim.scheduler !== undefined) {
    if (run !== undefined) {
      // Finished without the job taking the claim over: cancelled, or marked failed for its job.
      if (readMarkersAt(records.storage, run.location).finished_at !== undefined) return false;
      const queued = queuedJobAlive(records.storage, run.location);
      if (queued !== undefined) return queued;
    }
    // Not submitted yet: the submitter is between handing the claim on and sbatch.
    if (local) return processAlive(claim.pid);
    return at !== undefined && nowMicros - at <= window * 1e6;
  }
  if (local && !processAlive(claim.pid)) return false;
  if (run !== undefined) {
    const markers = readMarkersAt(records.storage, run.location);
    const state = runState(markers, new Date(nowMicros / 1000), window);
    if (state === 'live') return true;
    // A run that ended (or died) is the holder's only if the claim names it or it began after the
    // claim: an older run of the interface says nothing about this holder.
    if (run.holders && state === 'died') return false; // its heartbeat stopped: the holder hangs or is gone
    if (run.holders && state === 'finished') {
      // Ended a moment ago: the holder is marking it computed and releasing the claim. It is
      // waited for while its process lives (this host), or for the window after (another host).
      if (local) return true;
      const finished = parseTimestampMicros(String(markers.finished_at ?? '').trim());
      return finished !== undefined && nowMicros - finished <= window * 1e6;
    }
    // pending: handed to a pool, not started yet; alive while its dispatcher is (known on this
    // host), and from another host for the window.
  }
  if (local) return true;
  return at !== undefined && nowMicros - at <= window * 1e6;
}

/**
 * The run record a claim's holder computes into: the one the claim names (once it moved to
 * another process, see `handOnClaim`), else the interface's latest run record, which is the
 * holder's (`holders`) when it was made after the claim; a continued run is followed while live.
 */
function holderRun(records: Records, location: string, claim: ClaimContent, claimedAtMicros: number | undefined): { location: string; holders: boolean } | undefined {
  if (claim.run !== null) {
    const row = records.index.get(claim.run);
    const runLocation = row?.storage_uri ?? findRun(records, location, claim.run);
    return runLocation !== undefined && records.storage.exists(runLocation) ? { location: runLocation, holders: true } : undefined;
  }
  const id = records.storage.readFile(location, SENTINEL_FILE)?.toString('utf8').trim();
  const row = id ? records.latestRunRow(id) : undefined;
  if (row === undefined || !records.storage.exists(row.storage_uri)) return undefined;
  const madeAfterClaim = claimedAtMicros !== undefined && row.created_at_ns >= BigInt(claimedAtMicros) * 1000n;
  return { location: row.storage_uri, holders: madeAfterClaim };
}

/** The location of a run record under an interface, when the index does not know it (yet). */
function findRun(records: Records, location: string, run: string): string | undefined {
  for (const entry of records.storage.walk(location) as Iterable<WalkEntry>) {
    if (entry.location !== location && records.storage.readFile(entry.location, '.machinable')?.toString('utf8') === run) return entry.location;
  }
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What `underClaim` tells the computation about the claim it runs under. */
export interface HeldClaim {
  /**
   * The claim has been held by this process since the record was created (see
   * `Records.materialize`): as run records are made only under the claim, the interface has none.
   */
  readonly sinceCreation: boolean;
}

/**
 * Runs `compute` under the claim of an interface: once per process for concurrent callers (they
 * share one computation), once across processes (they wait for the holder, or take over from a
 * dead one). Resolves `computed` when someone else computed the run meanwhile.
 */
export function underClaim(records: Records, item: Interface<object>, compute: (claim: HeldClaim) => Promise<void>): Promise<ClaimOutcome> {
  const running = inflight.get(records)?.get(item.uuid);
  if (running) return running.then(() => 'computed' as const);
  const promise = (async (): Promise<ClaimOutcome> => {
    // A record this launch created is claimed from birth (see Records.materialize).
    const sinceCreation = takeClaimAtCreation(item);
    const claiming = sinceCreation ? 'claimed' : claimOrWait(records, item, FIRST_POLL_MS);
    const outcome = typeof claiming === 'string' ? claiming : await claiming;
    if (outcome === 'computed') return outcome;
    try {
      await compute({ sinceCreation });
    } finally {
      releaseClaim(records, item);
    }
    return 'claimed';
  })();
  let map = inflight.get(records);
  if (!map) inflight.set(records, (map = new Map()));
  map.set(item.uuid, promise);
  const done = (): void => {
    map.delete(item.uuid);
  };
  promise.then(done, done);
  return promise;
}

/** Computations this process runs, by store and record id, so that concurrent handles share one. */
const inflight = new WeakMap<Records, Map<string, Promise<ClaimOutcome>>>();
