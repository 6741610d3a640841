/**
 * Child-process entry of `dispatch()`: `node dispatch-main.js <project> <uuid> [execution]`.
 * The storage root comes through `MACHINABLE_STORAGE`. Exits 1 when the run fails (its error is
 * stored with the run and printed on stderr).
 */
import '../index.js';
import { project } from '../project/project.js';
import { dispatch } from './dispatch.js';

const [directory, uuid, execution] = process.argv.slice(2);
if (!directory || !uuid) {
  console.error('usage: dispatch-main <project-directory> <uuid> [execution-uuid]');
  process.exit(2);
}
try {
  await project(directory).within(() => dispatch(uuid, { execution }));
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
