import { configureElement } from '../interface/element.js';
import { deepFreeze } from '../config/freeze.js';
import { HANDLE } from '../interface/handle.js';
import type { Interface } from '../interface/interface.js';
import type { Session } from '../interface/session.js';
import type { JsonObject } from '../format/model.js';
import { captureCodeState, type ManifestEntry } from './code-state.js';
import { Manifest } from './manifest.js';

/**
 * The code state of each project folder, read once per process: the code a process runs is the
 * code it loaded, so later edits to the folder do not describe it. (A pool's or a cluster's child
 * process loads the code again; its runs record the state their dispatcher saw.)
 */
const captured = new Map<string, readonly ManifestEntry[]>();

/**
 * Records the code state new run records compute with, for one project session: finds or stores
 * the `Manifest` record of the project's current code state (once per session) and adds the edge
 * `run uses manifest`. Nothing when there is nothing to record (no git repository, no
 * `package.json`). A failure to capture never fails the run: it is reported once as a warning.
 *
 * @example
 * await manifests.record(run); // run uses the manifest of the project's code state
 */
export class ManifestRecorder {
  #manifest: Manifest | undefined;
  #warned = false;

  constructor(private readonly session: Session<Interface<object>>) {}

  /** Relates `run` to the manifest; returns a promise only while the manifest is first stored. */
  record(run: Interface<object>): void | Promise<void> {
    try {
      const directory = this.session.project.directory;
      let entries = captured.get(directory);
      if (entries === undefined) {
        entries = captureCodeState(directory);
        captured.set(directory, entries);
      }
      if (entries.length === 0) return undefined;
      if (this.#manifest === undefined) return this.store(run, entries);
      const related = this.session.store.relations.relate(run.record!, this.#manifest.record!);
      if (related instanceof Promise) return related.catch((error: unknown) => this.warnOnce(error));
    } catch (error) {
      this.warnOnce(error);
    }
    return undefined;
  }

  private async store(run: Interface<object>, entries: readonly ManifestEntry[]): Promise<void> {
    try {
      const manifest = new Manifest();
      configureElement(manifest, Manifest.module, undefined);
      manifest.setEntries(entries);
      // One manifest per code state, whatever scope the run is launched in.
      const { slot } = manifest[HANDLE];
      slot.predicate = deepFreeze(manifest.onComputePredicate()) as JsonObject;
      slot.context = [];
      await this.session.instances.adopt(manifest);
      await this.session.instances.materialize(manifest);
      this.#manifest = manifest;
      await this.session.store.relations.relate(run.record!, manifest.record!);
    } catch (error) {
      this.warnOnce(error);
    }
  }

  private warnOnce(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`the code state of this run was not recorded (${error instanceof Error ? error.message : String(error)}); the run itself is not affected`, { code: 'MACHINABLE_PROVENANCE' });
  }
}
