/**
 * Child-process entry of a process pool and of a cluster job: `node dispatch-main.js <project>
 * <record> <run>`, where record and run are directories (or ids). Storage and index come through
 * `MACHINABLE_STORAGE` and `MACHINABLE_INDEX`. Exits 1 when the run fails: its own error is stored
 * in the run record (`failure.json`, which the parent reads), any other is printed on stderr.
 *
 * `MACHINABLE_OUTPUT_REDIRECTED=1` (set by a Slurm job script, whose stdout and stderr go to the
 * run record's `output.log`) turns off the copy of the run's output into that file, and prints
 * the run's own error too, so the log shows it as a terminal would. It is removed from the
 * environment at once, so that processes the run starts capture their own runs' output.
 */
import '../kernel/reflect-metadata.js';
import type { Launch } from '../execution/launch.js';
import { takeOutputRedirected } from '../kernel/settings.js';
import { project } from '../project/project.js';

const [directory, target, run] = process.argv.slice(2);
if (!directory || !target) {
  console.error('usage: dispatch-main <project-directory> <record> [run]');
  process.exit(2);
}
const redirected = takeOutputRedirected();
let launch: Launch | undefined;
const opened = project(directory);
try {
  await opened.within(() => opened.dispatch(target, { run, captureOutput: !redirected, onLaunch: (made) => (launch = made) }));
} catch (error) {
  // A run's own error is stored in its run record, where the parent reads it; anything else
  // (a module that does not load, a record that is gone) only this process can tell.
  if (redirected && error instanceof Error) console.error(error.stack ?? `${error.name}: ${error.message}`);
  else if (!launch?.failureStored) console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
