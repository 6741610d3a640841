import { setTimeout as sleep } from 'node:timers/promises';
import { SENTINEL_FILE } from '../format/layout.js';
import { CLAIM_FILE } from '../format/reserved-files.js';
import { runState, type Markers } from '../format/run-state.js';
import { parseTimestampMicros } from '../format/timestamp.js';
import { settle, type MaybePromise, type Steps } from '../kernel/maybe.js';
import { livenessWindowSeconds } from '../kernel/settings.js';
import { thisHost } from '../kernel/host.js';
import type { Index, IndexRow } from '../ports/index.js';
import type { SchedulerRegistry } from '../ports/scheduler.js';
import { walkEntries, type Storage, type WalkEntry } from '../ports/storage.js';
import { claimText, processAlive, readClaimText, type ClaimContent } from './claim-content.js';
import type { RecordFiles } from './record-files.js';
import type { RunRecords } from './run-records.js';

export { claimText, type ClaimContent } from './claim-content.js';

/** How a wait for another computation ended. */
export type ClaimOutcome = 'claimed' | 'computed';

/** How long a claim held by another is waited for before the second attempt (doubling up to 1 s). */
export const FIRST_POLL_MS = 100;

/**
 * The claims on interface records, so that a run is computed at most once at a time across
 * handles, processes and machines sharing the storage: `claim.json` in the interface's record,
 * created with the storage's atomic `createFile`, naming the holder (host, pid) and, once it moved
 * to another process, the run record it computes.
 *
 * A holder counts as alive while its run record is live (its heartbeat within the liveness
 * window), or, before its run record exists or starts, while its process is (checked on the same
 * host; from another host, for the window after the claim). A claim handed to a scheduler's job
 * lives as long as the scheduler (asked through its `SchedulerBackend`) has the job queued. A dead
 * holder's claim is taken over: read again, removed only if it is still the claim found dead, then
 * created anew, so of several processes finding it dead one wins.
 *
 * @example
 * if ((await claims.claim(location)) === 'claimed') { try { compute(); } finally { await claims.release(location); } }
 */
export class Claims {
  constructor(
    private readonly storage: Storage,
    private readonly index: Index,
    private readonly files: RecordFiles,
    private readonly runs: RunRecords,
    private readonly schedulers: SchedulerRegistry,
  ) {}

  /**
   * Claims the computation of the interface record at `location`: `claimed` when this process may
   * compute it (the claim file is created, or taken over from a dead holder), `computed` when it
   * is (or, while waiting for another holder, became) computed. The first attempt is made at once.
   */
  claim(location: string, options: { readonly pollMs?: number } = {}): MaybePromise<ClaimOutcome> {
    const first = settle(this.tryClaimSteps(location));
    const poll = options.pollMs ?? FIRST_POLL_MS;
    if (first === 'claimed' || first === 'computed') return first;
    return Promise.resolve(first).then((outcome) => (outcome === 'claimed' || outcome === 'computed' ? outcome : this.waitFor(location, poll)));
  }

  /** One attempt that does not wait: `claimed`, `computed`, or the live holder's claim. */
  tryClaim(location: string): MaybePromise<ClaimOutcome | ClaimContent> {
    return settle(this.tryClaimSteps(location));
  }

  /**
   * Moves a claim to this process and names the run record it computes. A dispatcher (a process
   * pool, a scheduler's submitter) does this before it hands the run on, with `scheduler` when a
   * scheduler's job will compute it (then this process need not live on).
   */
  handOn(location: string, run: string, options: { readonly scheduler?: string } = {}): MaybePromise<void> {
    return this.storage.writeFile(location, CLAIM_FILE, claimText(run, options.scheduler));
  }

  /**
   * Takes over, in the process that computes a handed-on run record, the claim its dispatcher
   * handed on: true when the claim is now this process's (it named this run record, or there was
   * none, or its holder is dead), false when another live holder computes the interface.
   */
  takeHanded(location: string, run: string): MaybePromise<boolean> {
    return settle(this.takeHandedSteps(location, run));
  }

  /** Ends a claim (after the computation, successful or not). */
  release(location: string): MaybePromise<boolean> {
    return this.storage.removeFile(location, CLAIM_FILE);
  }

  /** Removes the claim at `location` when `whose` says it is the stopped holder's (`cancel()`). */
  releaseIf(location: string, whose: (claim: ClaimContent) => boolean): MaybePromise<boolean> {
    return settle(this.releaseIfSteps(location, whose));
  }

  /** The claim on the interface record at `location`, if one is held. */
  claimOf(location: string): MaybePromise<ClaimContent | undefined> {
    return settle(this.readSteps(location));
  }

  private async waitFor(location: string, firstPollMs: number): Promise<ClaimOutcome> {
    let poll = firstPollMs;
    for (;;) {
      await sleep(poll);
      poll = Math.min(poll * 2, 1000);
      const outcome = await settle(this.tryClaimSteps(location));
      if (outcome === 'claimed' || outcome === 'computed') return outcome;
    }
  }

  private *tryClaimSteps(location: string): Steps<ClaimOutcome | ClaimContent> {
    // Callers looked at `cached` just before; it is looked at again once the claim is made (a
    // holder may have finished and released in between) or found held.
    for (;;) {
      if ((yield this.storage.createFile(location, CLAIM_FILE, claimText(null))) as boolean) {
        if (!((yield this.files.isCached(location)) as boolean)) return 'claimed';
        yield this.storage.removeFile(location, CLAIM_FILE);
        return 'computed';
      }
      if ((yield this.files.isCached(location)) as boolean) return 'computed';
      const held = yield* this.readSteps(location);
      if (held === undefined) continue; // released in between: try again
      if (yield* this.aliveSteps(location, held)) return held;
      yield* this.removeIfStillSteps(location, held);
    }
  }

  private *takeHandedSteps(location: string, run: string): Steps<boolean> {
    for (;;) {
      const held = yield* this.readSteps(location);
      if (held === undefined) {
        if ((yield this.storage.createFile(location, CLAIM_FILE, claimText(run))) as boolean) return true;
        continue;
      }
      if (held.run === run) {
        yield this.storage.writeFile(location, CLAIM_FILE, claimText(run));
        return true;
      }
      if (yield* this.aliveSteps(location, held)) return false;
      yield* this.removeIfStillSteps(location, held);
    }
  }

  private *releaseIfSteps(location: string, whose: (claim: ClaimContent) => boolean): Steps<boolean> {
    const held = yield* this.readSteps(location);
    if (held === undefined || !whose(held)) return false;
    yield* this.removeIfStillSteps(location, held);
    return true;
  }

  private *readSteps(location: string): Steps<ClaimContent | undefined> {
    const bytes = (yield this.storage.readFile(location, CLAIM_FILE)) as Buffer | undefined;
    return bytes === undefined ? undefined : readClaimText(bytes.toString('utf8'));
  }

  /** Removes a claim found dead, only if it is still that claim (another process may have taken it over first). */
  private *removeIfStillSteps(location: string, held: ClaimContent): Steps<void> {
    const again = yield* this.readSteps(location);
    if (again !== undefined && again.at === held.at && again.pid === held.pid && again.run === held.run) {
      yield this.storage.removeFile(location, CLAIM_FILE);
    }
  }

  /** Whether the holder of a claim is still computing (see the class). */
  private *aliveSteps(location: string, claim: ClaimContent): Steps<boolean> {
    const window = livenessWindowSeconds();
    const nowMicros = Date.now() * 1000;
    const local = claim.host === thisHost() && claim.pid > 0;
    const at = parseTimestampMicros(claim.at);
    const run = yield* this.holderRunSteps(location, claim, at);
    const withinWindow = (micros: number | undefined): boolean => micros !== undefined && nowMicros - micros <= window * 1e6;
    if (claim.scheduler !== undefined) {
      if (run !== undefined) {
        // Finished without the job taking the claim over: cancelled, or marked failed for its job.
        if (((yield* this.runs.markersSteps(run.location)) as Markers).finished_at !== undefined) return false;
        const backend = this.schedulers.get(claim.scheduler);
        // A scheduler this process does not know cannot be asked: its job may be queued.
        const queued = backend === undefined ? true : ((yield backend.isQueuedAlive(this.storage, run.location)) as boolean | undefined);
        if (queued !== undefined) return queued;
      }
      // Not submitted yet: the submitter is between handing the claim on and submitting.
      return local ? processAlive(claim.pid) : withinWindow(at);
    }
    if (local && !processAlive(claim.pid)) return false;
    if (run !== undefined) {
      const markers = yield* this.runs.markersSteps(run.location);
      const state = runState(markers, new Date(nowMicros / 1000), window);
      if (state === 'live') return true;
      // A run that ended (or died) is the holder's only if the claim names it or it began after
      // the claim: an older run of the interface says nothing about this holder.
      if (run.holders && state === 'died') return false;
      if (run.holders && state === 'finished') {
        // Ended a moment ago: the holder is marking it computed and releasing the claim; waited
        // for while its process lives (this host), or for the window after (another host).
        return local || withinWindow(parseTimestampMicros(String(markers.finished_at ?? '').trim()));
      }
      // pending: handed to a pool, not started yet; alive while its dispatcher is.
    }
    return local || withinWindow(at);
  }

  /**
   * The run record a claim's holder computes into: the one the claim names, else the interface's
   * latest run record, which is the holder's (`holders`) when it was made after the claim.
   */
  private *holderRunSteps(location: string, claim: ClaimContent, claimedAtMicros: number | undefined): Steps<{ location: string; holders: boolean } | undefined> {
    if (claim.run !== null) {
      const row = (yield this.index.get(claim.run)) as IndexRow | undefined;
      const runLocation = row?.storage_uri ?? (yield* this.findRunSteps(location, claim.run));
      return runLocation !== undefined && ((yield this.storage.exists(runLocation)) as boolean) ? { location: runLocation, holders: true } : undefined;
    }
    const id = ((yield this.storage.readFile(location, SENTINEL_FILE)) as Buffer | undefined)?.toString('utf8').trim();
    const row = id ? ((yield this.index.latest(id, 'Execution')) as IndexRow | undefined) : undefined;
    if (row === undefined || !((yield this.storage.exists(row.storage_uri)) as boolean)) return undefined;
    const madeAfterClaim = claimedAtMicros !== undefined && row.created_at_ns >= BigInt(claimedAtMicros) * 1000n;
    return { location: row.storage_uri, holders: madeAfterClaim };
  }

  /** The location of a run record under an interface, when the index does not know it (yet). */
  private *findRunSteps(location: string, run: string): Steps<string | undefined> {
    const iterator = walkEntries(this.storage, location);
    for (;;) {
      const next = (yield iterator.next()) as IteratorResult<WalkEntry>;
      if (next.done) return undefined;
      const entry = next.value;
      if (entry.location === location) continue;
      const id = ((yield this.storage.readFile(entry.location, SENTINEL_FILE)) as Buffer | undefined)?.toString('utf8');
      if (id === run) return entry.location;
    }
  }
}
