/**
 * MemoryStorage beyond the contract's cases: its locations, its answers in async mode, and that
 * it keeps its own copy of the bytes it is given.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { RecordExistsError, RecordPathError, SENTINEL_FILE } from '@machinable/core/storage';
import { MemoryStorage } from '@machinable/storage-kit';

const files = (): Map<string, string | Uint8Array> => new Map<string, string | Uint8Array>([[SENTINEL_FILE, 'id'], ['id.json', '{}']]);

describe('MemoryStorage', () => {
  it('places records at memory:// locations made of their segments, children after their parent\'s', () => {
    const storage = new MemoryStorage();
    const parent = storage.locate(['404e7ce85e173a2c41dc37ff', '44136fa355b3678a1146ad16f7e8649e']);
    assert.equal(parent, 'memory://404e7ce85e173a2c41dc37ff/44136fa355b3678a1146ad16f7e8649e');
    assert.equal(storage.locate(['run'], parent), `${parent}/run`);
    assert.equal(storage.locate([]), 'memory://');
    assert.equal(storage.directory(parent), parent, 'no local directory: the location itself');
  });

  it('refuses a location of another scheme, or with a segment that is not one name', () => {
    const storage = new MemoryStorage();
    assert.throws(() => storage.exists('file:///tmp/x'), RecordPathError);
    assert.throws(() => storage.readFile('memory://a/../b', 'x'), RecordPathError);
    assert.throws(() => storage.locate(['a'], 'memory://a//b'), RecordPathError);
  });

  it('answers at once by default, and with promises (and an async walk) when asked to', async () => {
    const sync = new MemoryStorage();
    const location = sync.locate(['a', 'b']);
    assert.equal(sync.create(location, files()), undefined);
    assert.equal(sync.exists(location), true);
    assert.ok(Symbol.iterator in sync.walk());
    const async = new MemoryStorage({ async: true });
    const created = async.create(location, files());
    assert.ok(created instanceof Promise);
    assert.equal(async.exists(location) instanceof Promise, true);
    await created;
    assert.equal(await async.exists(location), true);
    const walk = async.walk();
    assert.ok(Symbol.asyncIterator in walk);
    const found: string[] = [];
    for await (const entry of walk as AsyncIterable<{ location: string }>) found.push(entry.location);
    assert.deepEqual(found, [location]);
    await assert.rejects(async () => async.create(location, files()), RecordExistsError);
  });

  it('keeps its own copy of the bytes it is given and of those it answers', () => {
    const storage = new MemoryStorage();
    const location = storage.locate(['a', 'b']);
    const bytes = Uint8Array.from([1, 2, 3]);
    storage.create(location, new Map([...files(), ['data.bin', bytes]]));
    bytes[0] = 9;
    const read = storage.readFile(location, 'data.bin') as Buffer;
    assert.deepEqual([...read], [1, 2, 3]);
    read[1] = 9;
    assert.deepEqual([...(storage.readFile(location, 'data.bin') as Buffer)], [1, 2, 3]);
  });

  it('takes one spelling of a path for another: a/./b and a\\b name a/b', () => {
    const storage = new MemoryStorage();
    const location = storage.locate(['a', 'b']);
    storage.create(location, files());
    storage.writeFile(location, 'x/./y.txt', 'one');
    assert.equal(storage.readFile(location, 'x\\y.txt')?.toString(), 'one');
    assert.deepEqual(storage.files(location), ['.machinable', 'id.json', 'x/y.txt']);
  });
});
