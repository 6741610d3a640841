import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { ChildMessage, ChildRequest, ChildTask } from './child-task.js';
import type { ProcessOptions } from './options.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./process-child.js', import.meta.url));

/**
 * Every child process still running, killed when this process exits: a case that timed out never
 * reaches its cleanup, and its children must not outlive the test run.
 */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child process of the kit (see `process-child.ts`), and what it has said. */
export class Child {
  readonly #process: ChildProcess;
  readonly #label: string;
  readonly #messages: ChildMessage[] = [];
  readonly #listeners = new Set<() => void>();
  #stderr = '';
  #exit: ChildExit | undefined;
  /** Resolves when the process has ended, however. */
  readonly exited: Promise<ChildExit>;

  constructor(child: ChildProcess, label: string) {
    this.#process = child;
    this.#label = label;
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.startsWith('{')) this.#messages.push(JSON.parse(line) as ChildMessage);
        this.#notify();
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    // A child that died before reading `go` must not crash the parent with EPIPE.
    child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        this.#stderr += String(error);
        this.#exit ??= { code: null, signal: null };
        this.#notify();
        resolve(this.#exit);
      });
      child.on('close', (code, signal) => {
        this.#exit ??= { code, signal };
        this.#notify();
        resolve(this.#exit);
      });
    });
  }

  /** Listens to every message as it comes (and to the end of the process); returns the unsubscribe. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The messages so far. */
  get messages(): readonly ChildMessage[] {
    return this.#messages;
  }

  /** Resolves once the store is open in the child; rejects when it failed to open it. */
  ready(): Promise<void> {
    return this.waitFor((message) => ('ready' in message ? true : undefined)).then(() => undefined);
  }

  /** Starts the child's task. */
  go(): void {
    this.#process.stdin!.write('go\n');
  }

  /** The task's answer; rejects with the child's error (or how it ended) when it gave none. */
  result(): Promise<unknown> {
    return this.waitFor((message) => ('result' in message ? { value: message.result } : undefined)).then(({ value }) => value);
  }

  /** Kills the process (SIGKILL: no cleanup runs, as in a crash) and waits until it is gone. */
  async kill(): Promise<ChildExit> {
    if (this.#exit === undefined) this.#process.kill('SIGKILL');
    return this.exited;
  }

  /**
   * The first message `pick` picks (said already or to come); rejects when the child reports an
   * error or ends first.
   */
  waitFor<T>(pick: (message: ChildMessage) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const message of this.#messages) {
          const picked = pick(message);
          if (picked !== undefined) {
            resolve(picked);
            return true;
          }
          if ('error' in message) {
            reject(new Error(`child process ${this.#label} failed: ${message.error}`));
            return true;
          }
        }
        if (this.#exit === undefined) return false;
        const how = this.#exit.signal ?? `code ${this.#exit.code}`;
        reject(new Error(`child process ${this.#label} ended (${how}) before answering; its stderr: ${this.#stderr.trim() || '(empty)'}`));
        return true;
      };
      if (check()) return;
      const stop = this.listen(() => {
        if (check()) stop();
      });
    });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * The child processes of one case, each opening the case's store with the adapter author's
 * opener; every one still running is killed when the case ends.
 */
export class ChildProcesses {
  readonly #options: ProcessOptions | undefined;
  readonly #shared: unknown;
  readonly #children = new Set<Child>();

  constructor(options: ProcessOptions | undefined, shared: unknown) {
    this.#options = options;
    this.#shared = shared;
  }

  /** How many processes race in a concurrency case. */
  get count(): number {
    return this.#options?.count ?? 4;
  }

  /** Starts a child process on `task`; it opens the store and waits for `go()`. */
  start(task: ChildTask, label: string): Child {
    const options = this.#options;
    if (options === undefined) throw new Error('this case needs options.processes');
    if (this.#shared === undefined) {
      throw new Error('options.processes is given, but the factory returned no `shared` value for child processes to open the store with');
    }
    const request: ChildRequest = { module: moduleUrl(options.module), exportName: options.exportName ?? 'openStorage', shared: this.#shared, task };
    const spawned = spawn(process.execPath, [...(options.execArgv ?? []), CHILD_SCRIPT, JSON.stringify(request)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const child = new Child(spawned, label);
    running.add(spawned);
    this.#children.add(child);
    void child.exited.then(() => {
      running.delete(spawned);
      this.#children.delete(child);
    });
    return child;
  }

  /** Starts a child per task, waits until every one has the store open, starts them together, and answers their results in order. */
  async race(tasks: readonly ChildTask[]): Promise<unknown[]> {
    const children = tasks.map((task, index) => this.start(task, `${index + 1} of ${tasks.length} (${task.kind})`));
    await Promise.all(children.map((child) => child.ready()));
    for (const child of children) child.go();
    return Promise.all(children.map((child) => child.result()));
  }

  /** Kills every child still running and waits until they are gone. */
  async killAll(): Promise<void> {
    await Promise.all([...this.#children].map((child) => child.kill()));
  }
}

/** A module given as a URL, a URL string or a path (relative to the working directory), as a URL string. */
function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) ? module : pathToFileURL(resolve(module)).href;
}
