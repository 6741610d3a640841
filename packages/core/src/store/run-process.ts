import { thisHost } from '../kernel/host.js';
import { processAlive } from './claim-content.js';

/**
 * True when a live-looking run record's `host.json` (its bytes, `undefined` when absent) names a
 * process of this host that no longer exists: the process computing it ended without writing its
 * end (killed, or its end could not be written, a full disk say), so the run reads `died` at once
 * rather than after the liveness window. A run computing on another host cannot be asked, nor can
 * a `host.json` cut short: then the heartbeat's age decides.
 *
 * @example
 * if (state === 'live' && runProcessGone(await storage.readFile(location, HOST_FILE))) state = 'died';
 */
export function runProcessGone(hostJson: Buffer | undefined): boolean {
  if (hostJson === undefined) return false;
  let host: unknown;
  try {
    host = JSON.parse(hostJson.toString('utf8'));
  } catch {
    return false;
  }
  const { hostname, pid } = (typeof host === 'object' && host !== null ? host : {}) as { hostname?: unknown; pid?: unknown };
  return hostname === thisHost() && typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && !processAlive(pid);
}
