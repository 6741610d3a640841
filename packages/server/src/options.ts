import type { ProjectConfig } from '@machinable/core';

/** Options of {@link serve} and of `machinable serve`. */
export interface ServeOptions {
  /** The project folder (default: the current directory). */
  readonly directory?: string;
  /** Where the records are, if not `<project>/storage` (as `ProjectOptions.storage`). */
  readonly storage?: string;
  /** The index file, if not the default (as `ProjectOptions.index`). */
  readonly index?: string;
  /**
   * Declared in code, added to what the project's `machinable.config.ts` declares (as
   * `ProjectOptions.config`): a storage or index adapter here wins. The server reads the store
   * only through them, whatever they are. Runs launched from the page (`allowLaunch`) are computed
   * in child processes, which read the project's file alone: declare an adapter there for them.
   */
  readonly config?: ProjectConfig;
  /** TCP port (default 8000; 0 picks a free one). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). Any other than a loopback address requires the token. */
  readonly host?: string;
  /**
   * The access token. Made at random when the host is not a loopback address, or when the server
   * launches runs (`allowLaunch`): any user of the machine reaches a loopback port. Otherwise, on a
   * loopback address, the server asks for none unless one is given here.
   */
  readonly token?: string;
  /** Lets the page launch runs (`POST /v1/executions`); default false: read-only. Makes the server ask for a token, loopback too. */
  readonly allowLaunch?: boolean;
  /** How often the live feed polls the index and the open runs' markers, in ms (default 1000). */
  readonly pollInterval?: number;
  /** Folder of the built dashboard (default: the one shipped in this package). */
  readonly webRoot?: string;
}

/** The port `machinable serve` binds by default (the reference's `machinable serve` uses 8000 too). */
export const DEFAULT_PORT = 8000;
/** The address bound by default: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';
/** The live feed's poll interval by default, in ms. */
export const DEFAULT_POLL_INTERVAL = 1000;
