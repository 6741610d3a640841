import type { Project } from '@machinable/core';
import type { Launcher } from './launch/launcher.js';
import type { StatusFeed } from './live/status-feed.js';
import type { ModuleCounts } from './store/module-counts.js';
import type { StoreReader } from './store/store-reader.js';

/** What the routes share: the project, read access to its store, the live feed, and the launcher when launching is allowed. */
export interface ServerContext {
  readonly project: Project;
  readonly reader: StoreReader;
  /** The modules the store holds, counted through the index (`GET /v1/project`). */
  readonly modules: ModuleCounts;
  readonly feed: StatusFeed;
  /** Set only with `allowLaunch`: the server is read-only without it. */
  readonly launcher: Launcher | undefined;
  /** The token requests must offer; undefined: none asked for (loopback only). */
  readonly token: string | undefined;
  /** Folder of the built dashboard. */
  readonly webRoot: string;
  /** When the server started (for `uptime_seconds`). */
  readonly startedAt: number;
}
