import { arch } from 'node:os';
import { encodeFile } from '../files/file-codecs.js';
import { currentUser, thisHost } from '../kernel/host.js';
import { HOST_FILE } from '../format/reserved-files.js';


/** What a run record's `host.json` holds: the reference's fields, with Node's version for Python's. */
export function hostInfo(): Record<string, unknown> {
  const name = thisHost();
  return {
    network_name: name,
    hostname: name,
    machine: arch(),
    node_version: process.versions.node,
    user: currentUser(),
    argv: process.argv,
    pid: process.pid,
  };
}

let hostText: { readonly argv: string; readonly text: string } | undefined;

/**
 * `host.json`'s text, {@link hostInfo} as the JSON codec writes it: made once per process (and
 * again only if `process.argv` was changed since), since every run record started here holds the
 * same. Text rather than bytes, so the storage writes it in one call.
 */
export function hostInfoText(): string {
  const argv = process.argv.join('\0');
  if (hostText?.argv !== argv) hostText = { argv, text: Buffer.from(encodeFile(HOST_FILE, hostInfo())).toString('utf8') };
  return hostText.text;
}
