/**
 * The child process of the cross-process cases: opens the store with the adapter author's opener,
 * says `ready`, waits for `go` on stdin (so that all children start together), runs its task and
 * says what came of it. It exits when its stdin closes before the task is done: the parent is gone.
 */
import { RecordExistsError, type Storage } from '@machinable/core/storage';

import type { ChildMessage, ChildRequest, ChildTask } from './child-task.js';
import { appendedLine } from './child-task.js';
import { largeRecord } from './record-files.js';

function send(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Says the last message and exits once it is written (a pipe is asynchronous on some systems). */
function finish(message: ChildMessage, code: number): void {
  process.stdout.write(`${JSON.stringify(message)}\n`, () => process.exit(code));
}

/** Resolves at the parent's `go`; exits the process when stdin closes first. */
function startSignal(): Promise<void> {
  return new Promise((resolve) => {
    let buffered = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.includes('go\n')) resolve();
    });
    process.stdin.on('end', () => process.exit(3));
  });
}

/** A turn of the event loop, so that a closed stdin is noticed between two steps of a long task. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function run(storage: Storage, task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case 'createFile': {
      const won: boolean[] = [];
      for (const path of task.paths) won.push(await storage.createFile(task.location, path, task.data));
      return won;
    }
    case 'appendFile':
      for (let i = 0; i < task.count; i++) await storage.appendFile(task.location, task.path, appendedLine(task.tag, i, task.padding));
      return task.count;
    case 'create':
      try {
        await storage.create(task.location, new Map(task.files));
        return 'created';
      } catch (error) {
        if (error instanceof RecordExistsError) return 'exists';
        throw error;
      }
    case 'createRecords':
      for (const [index, location] of task.locations.entries()) {
        await storage.create(location, largeRecord(location, task.files, task.bytes));
        send({ created: index });
        await nextTurn();
      }
      return task.locations.length;
  }
}

const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
try {
  const opener: unknown = ((await import(request.module)) as Record<string, unknown>)[request.exportName];
  if (typeof opener !== 'function') throw new TypeError(`${request.module} has no function export ${request.exportName} to open the store with`);
  const storage = (await (opener as (shared: unknown) => unknown)(request.shared)) as Storage;
  const started = startSignal();
  send({ ready: true });
  await started;
  finish({ result: await run(storage, request.task) }, 0);
} catch (error) {
  finish({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error) }, 1);
}
