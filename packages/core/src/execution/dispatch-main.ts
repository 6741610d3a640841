/**
 * Child-process entry of a process pool: `node dispatch-main.js <project> <record> <run>`, where
 * record and run are directories (or ids). Storage and index come through `MACHINABLE_STORAGE`
 * and `MACHINABLE_INDEX`. Exits 1 when the run fails (its error is stored in the run record and
 * printed on stderr).
 */
import '../index.js';
import { project } from '../project/project.js';
import { dispatch } from './dispatch.js';

const [directory, target, run] = process.argv.slice(2);
if (!directory || !target) {
  console.error('usage: dispatch-main <project-directory> <record> [run]');
  process.exit(2);
}
try {
  await project(directory).within(() => dispatch(target, { run }));
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
