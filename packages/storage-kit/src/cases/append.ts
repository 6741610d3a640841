import assert from 'node:assert/strict';

import { RecordNotFoundError } from '@machinable/core/storage';

import { expectBytes, expectError, walked } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { appendedLine } from '../child-task.js';

/** `appendFile()`: text added in one write, none lost. */
export function appendCases(define: DefineCase): void {
  define('appendFile: creates the file, nested directories included, and appends the text as given', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    await storage.appendFile(location, 'related/metadata.jsonl', '{"a": 1}\n');
    await storage.appendFile(location, 'related/metadata.jsonl', '{"b": 2}\n');
    await storage.appendFile(location, 'related/metadata.jsonl', 'no newline');
    await storage.appendFile(location, 'related/metadata.jsonl', '');
    expectBytes(await storage.readFile(location, 'related/metadata.jsonl'), '{"a": 1}\n{"b": 2}\nno newline', 'related/metadata.jsonl');
    await storage.writeFile(location, 'resumed_at', 'first\n');
    await storage.appendFile(location, 'resumed_at', 'second\n');
    expectBytes(await storage.readFile(location, 'resumed_at'), 'first\nsecond\n', 'a written file appended to');
  });

  define('appendFile: throws RecordNotFoundError for a location without a record, and creates nothing', async ({ storage }) => {
    const missing = storage.locate(['kit', 'missing']);
    await expectError('appendFile() without a record', RecordNotFoundError, () => storage.appendFile(missing, 'related/metadata.jsonl', '{}\n'));
    assert.equal(await storage.exists(missing), false);
    assert.deepEqual(await storage.files(missing), []);
    assert.deepEqual(await walked(storage), []);
  });

  define('appendFile: keeps every line whole when many appends run concurrently in one process', async ({ storage, record }) => {
    const location = await record(['kit', 'record']);
    const lines = Array.from({ length: 200 }, (_, i) => appendedLine(String.fromCharCode(97 + (i % 26)), i, 300));
    await Promise.all(lines.map((line) => Promise.resolve().then(() => storage.appendFile(location, 'log.jsonl', line))));
    const written = ((await storage.readFile(location, 'log.jsonl'))?.toString('utf8') ?? '').split('\n');
    assert.equal(written.pop(), '', 'the file ends with a newline');
    assert.equal(written.length, lines.length, `${lines.length} lines appended, ${written.length} kept`);
    assert.deepEqual([...written].sort(), lines.map((line) => line.slice(0, -1)).sort(), 'every line kept whole');
  });
}
