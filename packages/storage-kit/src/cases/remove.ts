import assert from 'node:assert/strict';

import { expectBytes, walkedLocations } from '../answers.js';
import type { DefineCase } from '../case-context.js';

/** `remove()`: a record and everything in it, gone. */
export function removeCases(define: DefineCase): void {
  define('remove: deletes a record and its child records, so that exists, files, readFile and walk no longer show them', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'result.json': '{}' });
    const child = await record(['child'], { 'result.json': '{}' }, parent);
    const grandchild = await record(['grandchild'], {}, child);
    const sibling = await record(['kit', 'sibling'], { 'result.json': 'sibling' });
    await storage.remove(parent);
    for (const location of [parent, child, grandchild]) {
      assert.equal(await storage.exists(location), false, `${location} is still there`);
      assert.deepEqual(await storage.files(location), []);
      assert.equal(await storage.readFile(location, 'result.json'), undefined);
    }
    assert.deepEqual(await walkedLocations(storage), [sibling], 'the sibling alone is left');
    expectBytes(await storage.readFile(sibling, 'result.json'), 'sibling', 'the sibling\'s result.json');
  });

  define('remove: removes a child record and leaves its parent whole', async ({ storage, record }) => {
    const parent = await record(['kit', 'record'], { 'result.json': 'parent' });
    const before = await storage.files(parent);
    const child = await record(['child'], {}, parent);
    await storage.remove(child);
    assert.equal(await storage.exists(child), false);
    assert.equal(await storage.exists(parent), true);
    assert.deepEqual(await storage.files(parent), before);
    assert.deepEqual(await walkedLocations(storage), [parent]);
  });

  define('remove: does nothing for a location without a record', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    await storage.remove(storage.locate(['kit', 'missing']));
    await storage.remove(storage.locate(['child'], location));
    await storage.remove(storage.locate(['kit', 'missing']));
    assert.deepEqual(await walkedLocations(storage), [location]);
  });

  define('remove: lets the location be created again, with none of the old files', async ({ storage, record }) => {
    const location = await record(['kit', 'record'], { 'old.txt': 'old' });
    await record(['child'], {}, location);
    await storage.remove(location);
    await record(['kit', 'record'], { 'new.txt': 'new' });
    const files = await storage.files(location);
    assert.ok(files.includes('new.txt') && !files.includes('old.txt'), `files() lists ${files.join(', ')}`);
    assert.deepEqual(await walkedLocations(storage), [location]);
  });
}
