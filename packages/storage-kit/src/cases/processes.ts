import assert from 'node:assert/strict';

import { SENTINEL_FILE } from '@machinable/core/storage';

import { expectBytes } from '../answers.js';
import type { DefineCase } from '../case-context.js';
import { appendedLine } from '../child-task.js';
import { recordFiles } from '../record-files.js';

/** Concurrency across processes sharing one store: what claims and edge logs rest on. */
export function processCases(define: DefineCase): void {
  define('processes: of several processes calling createFile for the same names at once, exactly one gets true for each name', async ({ storage, record, processes }) => {
    const location = await record(['kit', 'record']);
    const paths = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `claim-${i}` : `claims/${i}/claim`));
    const tags = Array.from({ length: processes.count }, (_, i) => `process ${i}`);
    const answers = (await processes.race(tags.map((data) => ({ kind: 'createFile', location, paths, data })))) as boolean[][];
    for (const [p, path] of paths.entries()) {
      const winners = tags.filter((_, i) => answers[i]![p] === true);
      assert.equal(winners.length, 1, `createFile(${path}): ${winners.length} of ${tags.length} processes got true`);
      expectBytes(await storage.readFile(location, path), winners[0]!, `${path}, created by the process that got true`);
    }
  }, { processes: true });

  define('processes: appends from several processes at once keep every line, whole', async ({ storage, record, processes }) => {
    const location = await record(['kit', 'record']);
    const count = 250;
    const padding = 1500;
    const tags = Array.from({ length: processes.count }, (_, i) => String.fromCharCode(97 + i));
    await processes.race(tags.map((tag) => ({ kind: 'appendFile', location, path: 'related/metadata.jsonl', tag, count, padding })));
    const lines = ((await storage.readFile(location, 'related/metadata.jsonl'))?.toString('utf8') ?? '').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.equal(lines.length, tags.length * count, `${tags.length * count} lines appended, ${lines.length} kept`);
    const seen = new Set<string>();
    for (const line of lines) {
      assert.ok(tags.some((tag) => `${line}\n` === appendedLine(tag, (JSON.parse(line) as { index: number }).index, padding)), `a torn or mixed line: ${line.slice(0, 80)}…`);
      seen.add(line);
    }
    assert.equal(seen.size, lines.length, 'no line twice');
  }, { processes: true });

  define('processes: of several processes creating one location at once, exactly one succeeds and the others get RecordExistsError', async ({ storage, processes }) => {
    const location = storage.locate(['kit', 'record']);
    const attempts = Array.from({ length: processes.count }, (_, i) => {
      const files = recordFiles(Object.fromEntries(Array.from({ length: 30 }, (_, f) => [`data/${f}.txt`, `process ${i}`])));
      files.set(SENTINEL_FILE, `process-${i}`);
      return [...files].map(([path, data]) => [path, String(data)] as const);
    });
    const outcomes = await processes.race(attempts.map((files) => ({ kind: 'create', location, files })));
    assert.equal(outcomes.filter((outcome) => outcome === 'created').length, 1, `outcomes: ${outcomes.join(', ')}`);
    assert.equal(outcomes.filter((outcome) => outcome === 'exists').length, attempts.length - 1, `outcomes: ${outcomes.join(', ')}`);
    const winner = attempts[outcomes.indexOf('created')]!;
    assert.deepEqual(await storage.files(location), winner.map(([path]) => path).sort());
    for (const [path, text] of winner) expectBytes(await storage.readFile(location, path), text, `the winner's ${path}`);
  }, { processes: true });
}
