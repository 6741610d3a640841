/**
 * Child-process entry of a launch from the page: `node launch-main.js <project> <record id>`,
 * with the storage and index passed on as `MACHINABLE_STORAGE` and `MACHINABLE_INDEX`. Computes
 * the stored record (a cached no-op when it is computed already) through core's `dispatch`, as
 * `machinable dispatch` does. Exits 1 on failure; a run's own error is stored in its run record.
 */
import { dispatch, project } from '@machinable/core';

const [directory, target] = process.argv.slice(2);
if (!directory || !target) {
  console.error('usage: launch-main <project-directory> <record id>');
  process.exit(2);
}
try {
  await project(directory).within(() => dispatch(target));
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
}
