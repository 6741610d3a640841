/**
 * Errors the command line raises itself. Like core's, each message says what was wrong and how
 * to fix it; the CLI prints it on one line (the stack only with `--debug`).
 */

/** The command line was not understood: an unknown token, a malformed value, a missing module. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** A run that was launched or dispatched threw; `cause` is its own error (printed with `--debug`). */
export class RunFailedError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
  }
}

/** A check (`machinable verify`) found problems; it listed them, and exits 1. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}
