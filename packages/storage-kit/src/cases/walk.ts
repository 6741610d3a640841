import assert from 'node:assert/strict';

import { HEADER_FILE } from '@machinable/core/storage';

import { walked, walkedLocations } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { recordFiles } from '../record-files.js';

/** Asserts that every location comes after the one it lies inside (`parents` maps child to parent). */
function assertParentsFirst(order: readonly string[], parents: ReadonlyMap<string, string>): void {
  for (const [child, parent] of parents) {
    assert.ok(order.indexOf(parent) < order.indexOf(child), `walk() yields ${child} before its parent ${parent}: ${order.join(', ')}`);
  }
}

/** `walk()`: every record directory, parents first. */
export function walkCases(define: DefineCase): void {
  define('walk: yields nothing for a store without records', async ({ storage }) => {
    assert.deepEqual(await walked(storage), []);
    assert.deepEqual(await walked(storage, storage.locate(['kit', 'missing'])), []);
  });

  define('walk: yields every record once, with sentinel true, parents before their children', async ({ storage, record }) => {
    // Children made before some of their uncles, and names that sort either side of their parent's.
    const a = await record(['k1', 'a']);
    const aChild = await record(['c'], {}, a);
    const aGrandchild = await record(['g'], {}, aChild);
    const b = await record(['k1', 'b']);
    const aOther = await record(['0'], {}, a);
    const k2 = await record(['k2', 'z']);
    const entries = await walked(storage);
    const order = entries.map((entry) => entry.location);
    assert.deepEqual([...order].sort(), [a, aChild, aGrandchild, b, aOther, k2].sort(), 'every record once');
    assert.ok(entries.every((entry) => entry.sentinel === true), 'every record with sentinel: true');
    assertParentsFirst(order, new Map([[aChild, a], [aGrandchild, aChild], [aOther, a]]));
  });

  define('walk: under a location yields that record first, then the records inside it, and nothing else', async ({ storage, record }) => {
    const a = await record(['k1', 'a']);
    const child = await record(['c'], {}, a);
    const grandchild = await record(['g'], {}, child);
    const other = await record(['c'], {}, await record(['k1', 'b']));
    await record(['k1', 'a-sibling']);
    const order = await walkedLocations(storage, a);
    assert.deepEqual([...order].sort(), [a, child, grandchild].sort());
    assert.equal(order[0], a, 'the location itself comes first');
    assertParentsFirst(order, new Map([[grandchild, child]]));
    assert.deepEqual(await walkedLocations(storage, other), [other]);
  });

  define('walk: reports a directory with id.json but no sentinel as sentinel: false, and the records inside it', async ({ storage, subject, options, record }) => {
    const location = storage.locate(['kit', 'copied']);
    const files = recordFiles({ 'result.json': '{}' });
    files.delete('.machinable');
    await options.sentinelless!(subject, location, files);
    assert.ok(files.has(HEADER_FILE));
    assert.equal(await storage.exists(location), false, 'a directory without the sentinel is no record');
    const inside = await record(['child'], {}, location);
    const whole = await record(['kit', 'whole']);
    const entries = await walked(storage);
    assert.deepEqual(
      [...entries].sort((x, y) => (x.location < y.location ? -1 : 1)),
      [
        { location, sentinel: false },
        { location: inside, sentinel: true },
        { location: whole, sentinel: true },
      ].sort((x, y) => (x.location < y.location ? -1 : 1)),
    );
    assertParentsFirst(entries.map((entry) => entry.location), new Map([[inside, location]]));
  }, { sentinelless: true });
}
