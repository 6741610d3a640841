import assert from 'node:assert/strict';

import { expectBytes, walked } from '../answers.js';
import type { CaseContext, DefineCase } from '../case-context.js';
import { largeRecord } from '../record-files.js';

/** Files of each record a killed child creates; their size makes a create take a while. */
const FILES = 16;

/** Asserts that the record at `location` holds exactly the large record made for it. */
async function assertWhole({ storage }: CaseContext, location: string, bytes: number): Promise<void> {
  const expected = largeRecord(location, FILES, bytes);
  assert.deepEqual(await storage.files(location), [...expected.keys()].sort(), `${location} exists with files missing or extra`);
  for (const [path, data] of expected) expectBytes(await storage.readFile(location, path), data, `${location}: ${path}`);
}

/** `create()` across a crash: the whole record or none, and none in the way of the next create. */
export function crashCases(define: DefineCase): void {
  define('processes: a process killed in the middle of create leaves no record or a whole one, and the location can be created afterwards', async (context) => {
    const { storage, processes, options } = context;
    const bytes = Math.max(64 * 1024, Math.floor(options.largeFileBytes / FILES));
    // Killed at three points into a create, as timed from the two creates before it.
    for (const fraction of [0.25, 0.5, 0.75]) {
      const locations = Array.from({ length: 24 }, (_, i) => storage.locate(['crash', `at-${fraction * 100}-${i}`]));
      const child = processes.start({ kind: 'createRecords', locations, files: FILES, bytes }, `killed ${fraction * 100}% into a create`);
      const times: number[] = [];
      child.listen(() => {
        while (times.length < child.messages.filter((message) => 'created' in message).length) times.push(performance.now());
      });
      await child.ready();
      child.go();
      await child.waitFor((message) => ('created' in message && message.created === 2 ? true : undefined));
      const interval = (times[2]! - times[0]!) / 2;
      await new Promise((resolve) => setTimeout(resolve, interval * fraction));
      await child.kill();
      const reported = child.messages.filter((message) => 'created' in message).length;
      let recreated = false;
      for (const [index, location] of locations.entries()) {
        if (await storage.exists(location)) {
          await assertWhole(context, location, bytes);
          continue;
        }
        assert.ok(index >= reported, `${location} was created (the child said so) but does not exist`);
        assert.deepEqual(await storage.files(location), [], `a killed create() left files at ${location}`);
        if (recreated) continue;
        // The first location without a record is the one the kill interrupted (or the next one).
        await storage.create(location, largeRecord(location, FILES, bytes));
        await assertWhole(context, location, bytes);
        recreated = true;
      }
      for (const entry of await walked(storage)) {
        assert.equal(entry.sentinel, true, `walk() reports ${entry.location} without its sentinel`);
        assert.equal(await storage.exists(entry.location), true, `walk() yields ${entry.location}, which does not exist`);
      }
    }
  }, { processes: true });
}
