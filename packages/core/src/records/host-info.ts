import { arch, hostname } from 'node:os';
import { currentUser } from '../index/row.js';

/** What a run record's `host.json` holds: the reference's fields, with Node's version for Python's. */
export function hostInfo(): Record<string, unknown> {
  const host = hostname();
  return {
    network_name: host,
    hostname: host,
    machine: arch(),
    node_version: process.versions.node,
    user: currentUser(),
    argv: process.argv,
    pid: process.pid,
  };
}
