import assert from 'node:assert/strict';

import { RecordPathError } from '@machinable/core/storage';

import { expectError, walked } from '../answers.js';
import type { DefineCase } from '../case-context.js';

/** Segments that are not one plain name, each refused by `locate()`. */
export const NOT_PLAIN_SEGMENTS: readonly string[] = ['', '.', '..', 'a/b', 'a\\b', 'a\0b', '.tmp-half-written'];

/** `locate()`, `directory()`, `root` and `id`: the pure parts of the contract. */
export function locateCases(define: DefineCase): void {
  define('root and id: are non-empty strings', async ({ storage }) => {
    assert.equal(typeof storage.root, 'string');
    assert.ok(storage.root.length > 0, 'root is empty');
    assert.equal(typeof storage.id, 'string');
    assert.ok(storage.id.length > 0, 'id is empty');
  });

  define('locate: answers a string at once, the same for the same segments, and creates nothing', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    assert.equal(typeof location, 'string', 'locate() must answer at once, not with a promise');
    assert.equal(storage.locate(['kit', 'record']), location);
    assert.equal(storage.locate(['child'], location), storage.locate(['child'], location));
    assert.equal(await storage.exists(location), false);
    assert.deepEqual(await storage.files(location), []);
    assert.deepEqual(await walked(storage), []);
  });

  define('locate: gives different segments, and a child inside a parent, locations of their own', async ({ storage }) => {
    const parent = storage.locate(['kit', 'record']);
    const locations = [
      storage.locate(['kit']),
      parent,
      storage.locate(['kit', 'other']),
      storage.locate(['other', 'record']),
      storage.locate(['child'], parent),
      storage.locate(['child', 'grandchild'], parent),
      storage.locate(['child'], storage.locate(['kit', 'other'])),
    ];
    assert.equal(new Set(locations).size, locations.length, `locations repeat: ${locations.join(', ')}`);
  });

  define('locate: refuses a segment that is not one plain name with RecordPathError, at the root and inside a parent', async ({ storage }) => {
    const parent = storage.locate(['kit', 'record']);
    for (const segment of NOT_PLAIN_SEGMENTS) {
      await expectError(`locate([${JSON.stringify(segment)}])`, RecordPathError, () => storage.locate(['kit', segment]));
      await expectError(`locate([${JSON.stringify(segment)}], parent)`, RecordPathError, () => storage.locate([segment], parent));
    }
  });

  define('directory: answers a string at once, the same for the same location, and creates nothing', async ({ storage }) => {
    const location = storage.locate(['kit', 'record']);
    const directory = storage.directory(location);
    assert.equal(typeof directory, 'string', 'directory() must answer at once, not with a promise');
    assert.ok(directory.length > 0);
    assert.equal(storage.directory(location), directory);
    assert.notEqual(storage.directory(storage.locate(['kit', 'other'])), directory);
    assert.equal(await storage.exists(location), false);
    assert.deepEqual(await walked(storage), []);
  });
}
