import { fileURLToPath } from 'node:url';
import { Project } from '@machinable/core';
import { createApp } from './app.js';
import { PortInUseError, ServerError } from './errors.js';
import { Launcher } from './launch/launcher.js';
import { StatusFeed } from './live/status-feed.js';
import { DEFAULT_HOST, DEFAULT_POLL_INTERVAL, DEFAULT_PORT, type ServeOptions } from './options.js';
import { isLoopback, newToken } from './security/token.js';
import type { ServerContext } from './server-context.js';
import { IndexChanges } from './store/index-changes.js';
import { ModuleCounts } from './store/module-counts.js';
import { StoreReader } from './store/store-reader.js';

/** The built dashboard shipped in this package. */
export const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/** A running server: where it is, its token, and how to stop it. */
export interface RunningServer {
  /** `http://host:port` (the port actually bound). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The token requests must offer; undefined when none is asked for (loopback without one). */
  readonly token: string | undefined;
  /** The address to open in a browser (with `?token=` when there is one). */
  readonly openUrl: string;
  readonly readOnly: boolean;
  /** Stops the server: open event streams are closed, runs it launched are stopped, the project's index closed. */
  close(): Promise<void>;
}

/**
 * Serves a project's store: the JSON API and the dashboard. Binds 127.0.0.1:8000 unless told
 * otherwise; any address other than a loopback one, and any server that launches runs
 * (`allowLaunch`, loopback too), gets a random token (printed once by the CLI) that every request
 * must offer. Read-only unless `allowLaunch`. Viewing never writes a record.
 *
 * @example
 * const server = await serve({ directory: './research', port: 0 });
 * console.log(server.url); await server.close();
 * await serve({ directory: './research', config: { storage: () => new MemoryStorage() } }); // any storage adapter
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServerError(`port ${port} is not a TCP port; give 0 to 65535 (0 picks a free one)`);
  // A server that launches runs asks for a token even on loopback: any user of this machine
  // reaches a loopback port, and launching runs code as the user who started the server.
  const token = options.token ?? (isLoopback(host) && options.allowLaunch !== true ? undefined : newToken());
  const project = new Project(options.directory ?? process.cwd(), { storage: options.storage, index: options.index, config: options.config });
  // Everything is read through the session's store: the storage and index the project declares.
  const { store } = await project.session();
  const reader = new StoreReader(store);
  const feed = new StatusFeed(reader, new IndexChanges(store.index), options.pollInterval ?? DEFAULT_POLL_INTERVAL);
  const launcher = options.allowLaunch ? new Launcher(project, reader) : undefined;
  const context: ServerContext = { project, reader, modules: new ModuleCounts(store.index), feed, launcher, token, webRoot: options.webRoot ?? WEB_ROOT, startedAt: Date.now() };
  const app = await createApp(context);
  const release = async (): Promise<void> => {
    feed.close();
    launcher?.close();
    await project.close();
  };
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    await release();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, port);
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') throw new ServerError(`cannot bind ${host}: no such address on this machine; use 127.0.0.1 (the default) or an address this machine has`);
    throw error;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${bound}`;
  return {
    url,
    host,
    port: bound,
    token,
    openUrl: token === undefined ? `${url}/` : `${url}/?token=${encodeURIComponent(token)}`,
    readOnly: launcher === undefined,
    async close() {
      feed.close();
      await app.close();
      await release();
    },
  };
}
