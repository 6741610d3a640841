/**
 * `machinable get` of a config whose stored run is hidden: as in the reference, a hidden run is
 * not reused, but the command line says that one exists and how to unhide it, and `--unhide`
 * unhides that run (rather than refusing the new, unstored one).
 */
import type { Interface, VersionItem } from '@machinable/core';
import { shellQuote } from './to-cli.js';

type Core = typeof import('@machinable/core');

/**
 * The oldest hidden stored run of `module` with the same identity and predicate as `fresh` (the
 * unstored interface `get` configured), and how many such hidden runs there are; undefined when none.
 */
export async function hiddenTwin(
  core: Core,
  module: string,
  version: VersionItem[],
  fresh: Interface<object>,
): Promise<{ run: Interface<object>; count: number } | undefined> {
  const stored = await core.get(module, version).includeHidden().all();
  const hidden: Interface<object>[] = [];
  for (const run of stored) {
    const candidate = run as Interface<object>;
    if (candidate.identityKey !== fresh.identityKey || candidate.predicateKey !== fresh.predicateKey) continue;
    if (await candidate.async.hidden()) hidden.push(candidate);
  }
  return hidden.length > 0 ? { run: hidden[0]!, count: hidden.length } : undefined;
}

/** The stderr note for a hidden twin: its id, that it is not reused, and the command that unhides it. */
export function hiddenNote(module: string, twin: { run: Interface<object>; count: number }, unhide: string): string {
  const more = twin.count > 1 ? ` (and ${twin.count - 1} more hidden)` : '';
  return (
    `note: a hidden run of ${module} with this config exists, ${twin.run.uuid}${more}; hidden runs are not reused. ` +
    `To use it again: ${unhide}`
  );
}

/** The command line that unhides: `machinable get` with the same modules and versions, then `--unhide`. */
export function unhideCommand(argv: readonly string[]): string {
  const kept = argv.filter((token) => !token.startsWith('-'));
  return ['machinable', 'get', ...kept, '--unhide'].map(shellQuote).join(' ');
}
