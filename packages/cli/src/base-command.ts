import { Command, Flags } from '@oclif/core';
import type { Project } from '@machinable/core';
import { CheckFailedError, UsageError, RunFailedError } from './errors.js';
import { visible } from './visible.js';

/**
 * What every machinable command shares: a `--debug` flag, errors printed as one line on stderr
 * with exit code 1 (the stack trace only with `--debug`), and the project of the current
 * directory, opened by `project()` and closed in `finally()` whatever happened. Commands import
 * `@machinable/core` inside `run()`, so that listing commands and `--help` stay fast.
 */
export abstract class MachinableCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: 'On error, print the stack trace too.', helpGroup: 'GLOBAL' }),
  };

  #project: Project | undefined;

  /** The project of the current directory (the command's entry point to core), closed when the command ends. */
  protected async project(): Promise<Project> {
    if (!this.#project) {
      const core = await import('@machinable/core');
      this.#project = core.Project.current();
    }
    return this.#project;
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    const opened = this.#project;
    this.#project = undefined;
    if (opened) await opened.close();
    return super.finally(error);
  }

  protected override async catch(error: Error & { oclif?: unknown }): Promise<unknown> {
    // oclif's own errors (bad flags, this.exit()) already print and exit as oclif intends.
    if (error.oclif !== undefined) return super.catch(error);
    process.stderr.write(`${this.argv.includes('--debug') ? withStack(error) : visible(errorLine(error))}\n`);
    this.exit(1);
  }
}

/**
 * One line for an error: machinable's own errors and usage errors carry the fix in their
 * message; anything else (a bug, a run's own error) also names its class and points at `--debug`.
 */
export function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return `Error: ${String(error)}`;
  const message = oneLine(error.message);
  if (isExpected(error)) return `Error: ${message}`;
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return `Error: ${name}${message} (run again with --debug for the stack trace)`;
}

/** The stack of an error and of its causes. */
function withStack(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
  }
  return parts.join('\nCaused by: ');
}

/** Folds a multi-line message (a config error listing several problems) into one line. */
function oneLine(message: string): string {
  const [head = '', ...rest] = message.split('\n').map((line) => line.trim().replace(/^- /, '')).filter(Boolean);
  return rest.length === 0 ? head : `${head} ${rest.join('; ')}`;
}

/** Errors whose message is the whole story: the CLI's own and core's `MachinableError`s. */
function isExpected(error: Error): boolean {
  if (error instanceof UsageError || error instanceof RunFailedError || error instanceof CheckFailedError) return true;
  // By name along the prototype chain rather than instanceof, so this file need not load core.
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'MachinableError') return true;
  }
  return false;
}
