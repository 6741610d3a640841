import { configureElement } from '../interface/element.js';
import { deepFreeze } from '../config/freeze.js';
import type { Interface } from '../interface/interface.js';
import { RECORD } from '../store/record-state.js';
import type { Records } from '../store/records.js';
import { captureCodeState, type ManifestEntry } from './code-state.js';
import { Manifest } from './manifest.js';

/**
 * The code state of each project folder, read once per process: the code a process runs is the
 * code it loaded, so later edits to the folder do not describe it. (A pool's or a cluster's
 * child process loads the code again; its runs record the state their dispatcher saw.)
 */
const captured = new Map<string, readonly ManifestEntry[]>();
/** The stored manifest of that state, per store. */
const stored = new WeakMap<Records, Manifest>();
let warned = false;

/**
 * Records the code state a new run record computes with: finds or stores the `Manifest` record of
 * the project's current code state and adds the edge `run uses manifest`. Nothing when there is
 * nothing to record (no git repository, no `package.json`). A failure to capture never fails the
 * run: it is reported once as a warning. Returns a promise only while the manifest is first
 * stored (every later run of the process relates to it at once).
 */
export function recordManifest(records: Records, run: Interface<object>): void | Promise<void> {
  try {
    const directory = records.project.directory;
    let entries = captured.get(directory);
    if (entries === undefined) {
      entries = captureCodeState(directory);
      captured.set(directory, entries);
    }
    if (entries.length === 0) return undefined;
    const manifest = stored.get(records);
    if (manifest === undefined) return storeManifest(records, run, entries);
    records.relate('uses', run, manifest);
  } catch (error) {
    warnOnce(error);
  }
  return undefined;
}

/** Finds or stores the manifest of `entries` (once per store), then relates `run` to it. */
async function storeManifest(records: Records, run: Interface<object>, entries: readonly ManifestEntry[]): Promise<void> {
  try {
    const manifest = new Manifest();
    configureElement(manifest, Manifest.module, undefined);
    manifest.setEntries(entries);
    // One manifest per code state, whatever scope the run is launched in.
    const state = manifest[RECORD];
    state.predicate = deepFreeze(manifest.onComputePredicate()) as typeof state.predicate;
    state.context = [];
    records.adopt(manifest);
    if (!manifest.isMaterialized) await records.materialize(manifest);
    stored.set(records, manifest);
    records.relate('uses', run, manifest);
  } catch (error) {
    warnOnce(error);
  }
}

function warnOnce(error: unknown): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`the code state of this run was not recorded (${error instanceof Error ? error.message : String(error)}); the run itself is not affected`, { code: 'MACHINABLE_PROVENANCE' });
}
