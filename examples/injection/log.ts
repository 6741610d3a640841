/** The injection token of the logger (a token, since `Log` is an interface and has no runtime value). */
export const LOG = Symbol('Log');

/** What a module logs to. */
export interface Log {
  info(message: string): void;
}

/** Logs to the console. */
export class ConsoleLog implements Log {
  info(message: string): void {
    console.log(`[log] ${message}`);
  }
}
