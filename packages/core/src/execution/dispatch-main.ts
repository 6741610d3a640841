/**
 * Child-process entry of a process pool: `node dispatch-main.js <project> <record> <run>`, where
 * record and run are directories (or ids). Storage and index come through `MACHINABLE_STORAGE`
 * and `MACHINABLE_INDEX`. Exits 1 when the run fails: its own error is stored in the run record
 * (`failure.json`, which the parent reads), any other is printed on stderr.
 */
import '../index.js';
import { project } from '../project/project.js';
import { isStoredFailure } from './compute.js';
import { dispatch } from './dispatch.js';

const [directory, target, run] = process.argv.slice(2);
if (!directory || !target) {
  console.error('usage: dispatch-main <project-directory> <record> [run]');
  process.exit(2);
}
try {
  await project(directory).within(() => dispatch(target, { run }));
} catch (error) {
  // A run's own error is stored in its run record, where the parent reads it; anything else
  // (a module that does not load, a record that is gone) only this process can tell.
  if (!isStoredFailure(error)) console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
