import { describe } from 'node:test';

import { caseDefiner } from './case-context.js';
import { appendCases } from './cases/append.js';
import { copyInCases } from './cases/copy-in.js';
import { crashCases } from './cases/crash.js';
import { createFileCases } from './cases/create-file.js';
import { createCases } from './cases/create.js';
import { filesCases } from './cases/files.js';
import { locateCases } from './cases/locate.js';
import { namesAndSizesCases } from './cases/names-and-sizes.js';
import { pathCases } from './cases/paths.js';
import { processCases } from './cases/processes.js';
import { readCases } from './cases/read.js';
import { removeCases } from './cases/remove.js';
import { walkCases } from './cases/walk.js';
import { writeCases } from './cases/write.js';
import { resolveOptions, type StorageConformanceOptions, type StorageFactory } from './options.js';

/**
 * Registers the conformance suite of the `Storage` contract (`@machinable/core/storage`) for an
 * adapter on Node's test runner: a `describe('storage conformance: <name>')` of cases that each
 * read as a rule of the contract (`create: refuses a second record at the same location with
 * RecordExistsError, ...`), each run against a fresh adapter from `factory`.
 *
 * It covers every method (optional ones when present), every error the contract requires (checked
 * with `instanceof` against core's classes), atomicity (a failed or killed `create()` leaves nothing,
 * concurrent `createFile()` calls have one winner, concurrent appends lose no line), unicode and long
 * names, large files, and answers given at once or as promises. Cases that need what an adapter may
 * not offer (a second process over the same store, a directory without a sentinel) run when the
 * options provide it and are reported as skipped otherwise.
 *
 * @param name Names the suite in the report.
 * @param factory Makes an adapter over a fresh, empty store for one case (may be async); its
 *   `cleanup` runs after the case, passed or failed.
 * @example
 * // my-storage.conformance.test.ts, run with `node --test`
 * import { describeStorageConformance } from '@machinable/storage-kit';
 * import { MyStorage } from '../src/my-storage.js';
 *
 * describeStorageConformance('my storage', async () => {
 *   const bucket = await createTestBucket();
 *   return { storage: new MyStorage({ bucket }), shared: { bucket }, cleanup: () => bucket.delete() };
 * }, { processes: { module: new URL('./open-my-storage.js', import.meta.url) } });
 */
export function describeStorageConformance(name: string, factory: StorageFactory, options: StorageConformanceOptions = {}): void {
  const resolved = resolveOptions(options);
  describe(`storage conformance: ${name}`, () => {
    const define = caseDefiner(factory, resolved);
    for (const cases of [
      locateCases,
      createCases,
      readCases,
      writeCases,
      appendCases,
      createFileCases,
      filesCases,
      walkCases,
      removeCases,
      copyInCases,
      pathCases,
      namesAndSizesCases,
      processCases,
      crashCases,
    ]) {
      cases(define);
    }
  });
}
