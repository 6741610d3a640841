import { InterfaceStateError } from '../kernel/errors.js';
import type { JsonObject } from '../format/model.js';
import type { MaybePromise } from '../kernel/maybe.js';
import type { Interface, RunRecord } from '../interface/interface.js';
import type { Session } from '../interface/session.js';

/**
 * One launch of one interface, and everything the launch protocol learns about it on the way:
 * made by the launcher (or a `dispatch`), passed to the execution, to the claim, to the run
 * record and to the computation, each of which reads and sets the fields below. What the protocol
 * knows travels with the launch, in one place, instead of living in flags on the instance.
 *
 * @example
 * const launch = new Launch(run, session);
 * await new Execution().dispatch([launch]);
 */
export class Launch {
  /**
   * `materialize()` created the record in this launch: nobody has computed it, so the execution
   * need not look for its `cached` marker before claiming it (the claim looks, and so finds
   * another process that computed it meanwhile).
   */
  created = false;

  /**
   * This process holds the record's claim since it created the record claimed (`launch()` outside
   * any execution). The computation takes the claim over; a launch that does not get that far
   * gives it back. As run records are made only under the claim, such a record has none yet.
   */
  claimedAtBirth = false;

  /**
   * The computation took over the claim held since the record's birth (from `claimedAtBirth`): as
   * run records are made only under the claim, the interface has none, and none is looked up.
   */
  computingSinceBirth = false;

  /** The run record computing the interface, once there is one. */
  run?: Interface<object>;

  /** The run record was made now (not an unfinished one continued): its code state is recorded. */
  runMinted = false;

  /** The run record was made now to compute in this process: born started, with its `host.json`. */
  runStarted = false;

  /** The run threw and its error is stored in the run record's `failure.json` (a child process need not print it). */
  failureStored = false;

  constructor(
    /** The interface launched. */
    readonly item: Interface<object>,
    /** Its project's session. */
    readonly session: Session<Interface<object>>,
    /** The steps of the protocol (the project's launcher). */
    readonly protocol: LaunchProtocol,
  ) {}

  /** The interface's stored record (the launch materialized it first). */
  get location(): string {
    const stored = this.item.record;
    if (!stored) throw new InterfaceStateError(`${this.item.module} ${this.item.uuid}: launched before it was materialized; materialize() it first`);
    return stored.location;
  }
}

/**
 * The steps of the launch protocol an execution takes for each launch, in this order: hold the
 * claim (`underClaim`), make or continue the run record (`startRun`), then compute
 * (`computeRun`, in `compute.ts`). The project's `Launcher` provides them; an execution of a
 * plugin (a scheduler's) calls them through `launch.protocol`.
 */
export interface LaunchProtocol {
  /**
   * Runs `compute` under the claim of the launch's interface: once per process for concurrent
   * launches of one record (they share one computation), once across processes (they wait for
   * the holder, or take over from a dead one). Resolves `computed` when someone else computed it.
   */
  underClaim(launch: Launch, compute: () => Promise<void>): Promise<'claimed' | 'computed'>;
  /**
   * Makes the launch's run record for `execution` (or continues the interface's unfinished one of
   * the same execution identity), records the code state of a new one, and sets `launch.run`.
   */
  startRun(launch: Launch, execution: Interface<object>, options?: StartRunOptions): MaybePromise<RunRecord>;
}

/** Options of {@link LaunchProtocol.startRun}. */
export interface StartRunOptions {
  /** Handed to another process or a scheduler, which continues it: born `dispatched_at`, not started. */
  readonly dispatched?: boolean;
  /** What the run record's predicate records as its resources (default: the execution's own). */
  readonly resources?: JsonObject | null;
}
