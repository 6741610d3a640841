import { InterfaceStateError } from '../kernel/errors.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { JsonObject } from '../format/model.js';
import type { MaybePromise } from '../kernel/maybe.js';
import type { RunRecordMade } from '../ports/store.js';
import { currentExecution } from '../context/execution-context.js';
import { resolutionOf, type ElementClass } from '../interface/element.js';
import type { Hydrator } from '../interface/hydrator.js';
import { draftOf } from '../interface/draft.js';
import { Interface, type RunRecord } from '../interface/interface.js';
import type { LaunchPort, Session } from '../interface/session.js';
import { isThenable } from '../kernel/thenable.js';
import type { ClaimOutcome } from '../store/claims.js';
import { ManifestRecorder } from '../provenance/record-manifest.js';
import { Execution } from './execution.js';
import { Launch, type LaunchProtocol, type StartRunOptions } from './launch.js';

/**
 * The launch protocol of one project, in one place: what `launch()` does (materialize, claimed
 * from birth when computed here; queue in the current execution, or compute in the default one),
 * and the steps an execution takes for each launch (hold the claim, make the run record and record
 * its code state, compute; see `Launch` for what the protocol learns on the way). Concurrent
 * launches of one record in this process share one computation.
 *
 * @example
 * await launcher.launch(run); // what run.launch() does
 */
export class Launcher implements LaunchPort<Interface<object>>, LaunchProtocol {
  /** Computations this process runs for this project, by record id, so that concurrent launches share one. */
  readonly #inflight = new Map<string, Promise<ClaimOutcome>>();
  readonly #manifests: ManifestRecorder;

  constructor(
    /** The project session it launches in. */
    readonly session: Session<Interface<object>>,
    /** The session's hydrator (how run records become instances). */
    readonly hydrator: Hydrator,
  ) {
    this.#manifests = new ManifestRecorder(session);
  }

  async launch(item: Interface<object>): Promise<Interface<object>> {
    const launch = new Launch(item, this.session, this);
    const execution = currentExecution<Launch>();
    if (execution) {
      await this.hydrator.materialize(item, { stored: (outcome) => (launch.created = outcome === 'created') });
      execution.queue(launch);
      return item;
    }
    // Computed here and now: a record this launch creates is created claimed (no other process
    // can claim it in between); one that exists is claimed by the computation, if not cached.
    try {
      await this.hydrator.materialize(item, { claim: true, stored: (outcome) => (launch.created = launch.claimedAtBirth = outcome === 'created') });
      await new Execution().dispatch([launch]);
    } finally {
      // A claim the computation did not take over (a hook threw, or it never started) is given back.
      if (launch.claimedAtBirth) await this.session.store.claims.release(launch.location);
    }
    return item;
  }

  async launchAll(items: readonly Interface<object>[]): Promise<void> {
    await new Execution().dispatch(items.map((item) => new Launch(item, this.session, this)));
  }

  underClaim(launch: Launch, compute: () => Promise<void>): Promise<ClaimOutcome> {
    const id = launch.item.uuid;
    const running = this.#inflight.get(id);
    if (running) return running.then(() => 'computed' as const);
    const promise = (async (): Promise<ClaimOutcome> => {
      // A record this launch created claimed is held from birth: the computation takes it over.
      launch.computingSinceBirth = launch.claimedAtBirth;
      launch.claimedAtBirth = false;
      if (!launch.computingSinceBirth) {
        const claiming = this.session.store.claims.claim(launch.location);
        const outcome = isThenable(claiming) ? await claiming : claiming;
        if (outcome === 'computed') return outcome;
      }
      try {
        await compute();
      } finally {
        const released = this.session.store.claims.release(launch.location);
        if (isThenable(released)) await released;
      }
      return 'claimed';
    })();
    this.#inflight.set(id, promise);
    const done = (): void => {
      this.#inflight.delete(id);
    };
    promise.then(done, done);
    return promise;
  }

  /** Answers at once with a synchronous store (a launch makes no promise it need not). */
  startRun(launch: Launch, execution: Interface<object>, options: StartRunOptions = {}): MaybePromise<RunRecord> {
    const parent = launch.item.record;
    if (!parent) throw new InterfaceStateError(`${launch.item.module} ${launch.item.uuid}: a run record needs the interface materialized first; materialize() it before startRun()`);
    const resources = options.resources !== undefined ? options.resources : ((execution as { resources?: JsonObject | null }).resources ?? null);
    const draft = draftOf(execution, (cls) => this.hydrator.moduleOf(cls), Interface);
    // A record claimed since its creation has no run record yet: the latest is not looked up.
    const made = this.session.store.runs.create(parent, draft, { dispatched: options.dispatched === true, resources, firstRun: launch.computingSinceBirth });
    return isThenable(made) ? Promise.resolve(made).then((record) => this.bindRun(launch, execution, record)) : this.bindRun(launch, execution, made);
  }

  /** The run record's instance, on the launch; its code state recorded when it was made now. */
  private bindRun(launch: Launch, execution: Interface<object>, made: RunRecordMade): MaybePromise<RunRecord> {
    const { stored, minted, started } = made;
    const resolution = resolutionOf(execution) as ResolvedConfig<object>;
    const cls = execution.constructor as ElementClass & (new () => RunRecord);
    const run = minted ? this.hydrator.bindNew(cls, execution.module, resolution, stored) : this.hydrator.fromStoredNow<RunRecord>(stored);
    launch.run = run;
    launch.runMinted = minted;
    launch.runStarted = started;
    const recorded = minted ? this.#manifests.record(run) : undefined;
    return isThenable(recorded) ? Promise.resolve(recorded).then(() => run) : run;
  }
}
