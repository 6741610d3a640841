import type { Hook } from '@oclif/core';

/**
 * An unknown command (`machinable gett h`): one line naming it and the nearest command, exit 1,
 * instead of oclif's `command gett:h not found`.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.split(':')[0] ?? options.id;
  const ids = options.config.commands.filter((command) => !command.hidden).map((command) => command.id);
  // Core is loaded only on this error path, for its edit-distance match.
  const { closest } = await import('@machinable/core');
  const hint = closest(typed, ids);
  process.stderr.write(
    `Error: unknown command '${typed}'.${hint ? ` Did you mean '${hint}'?` : ''} ${options.config.bin} help lists the commands: ${ids.sort().join(', ')}\n`,
  );
  process.exit(1);
};

export default hook;
