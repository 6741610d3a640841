import { Launcher } from '../execution/launcher.js';
import type { ElementClass } from '../interface/element.js';
import { Hydrator } from '../interface/hydrator.js';
import type { Interface } from '../interface/interface.js';
import type { ProjectPaths, Session } from '../interface/session.js';
import type { Instantiate, ModuleSource } from '../ports/module-source.js';
import type { SchedulerRegistry } from '../ports/scheduler.js';
import type { RecordStore } from '../ports/store.js';

/** What a project session is made of. */
export interface ProjectSessionOptions {
  readonly store: RecordStore;
  readonly schedulers: SchedulerRegistry;
  readonly modules: ModuleSource<ElementClass>;
  readonly instantiate: Instantiate;
  readonly project: ProjectPaths;
}

/**
 * A project's open session, wired once: its record store, the hydrator that makes every instance
 * through the project's container, and the launcher that runs the launch protocol. Every
 * interface of the project holds it (see `Session`).
 */
export class ProjectSession implements Session<Interface<object>> {
  readonly store: RecordStore;
  readonly schedulers: SchedulerRegistry;
  readonly instances: Hydrator;
  readonly launcher: Launcher;
  readonly project: ProjectPaths;

  constructor(options: ProjectSessionOptions) {
    this.store = options.store;
    this.schedulers = options.schedulers;
    this.project = options.project;
    this.instances = new Hydrator(this, options.modules, options.instantiate);
    this.launcher = new Launcher(this, this.instances);
  }
}
