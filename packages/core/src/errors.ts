/**
 * Every error machinable throws on purpose. Each message says what was wrong, where (a dotted
 * config path, a module or a file) and how to fix it.
 */

/** Base class, so callers can tell machinable's own errors from bugs with one `instanceof`. */
export class MachinableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What kind of config problem an issue is; stable for programmatic checks. */
export type ConfigIssueCode =
  | 'unknown-key'
  | 'type'
  | 'required'
  | 'constraint'
  | 'definition'
  | 'version'
  | 'method';

/** One problem found while resolving a config. `path` is dotted (`optimizer.lr`, `layers[2].size`). */
export interface ConfigIssue {
  readonly code: ConfigIssueCode;
  /** Dotted path of the offending key; empty for the config as a whole. */
  readonly path: string;
  readonly message: string;
}

/**
 * A config could not be resolved: unknown key, wrong type, missing required field, unknown
 * version, a broken config method, or a config class that is not declared correctly.
 *
 * @example
 * try { resolveConfig(TrainConfig, { lrr: 1 }); }
 * catch (e) { if (e instanceof ConfigurationError) console.error(e.issues[0].path); } // "lrr"
 */
export class ConfigurationError extends MachinableError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], subject?: string) {
    super(formatIssues(issues, subject));
    this.issues = issues;
  }

  /** Path of the first issue: the one to fix first. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }

  /** Shorthand for a single issue. */
  static of(code: ConfigIssueCode, path: string, message: string, subject?: string): ConfigurationError {
    return new ConfigurationError([{ code, path, message }], subject);
  }
}

function formatIssues(issues: readonly ConfigIssue[], subject?: string): string {
  const head = subject ? `Invalid config for ${subject}` : 'Invalid config';
  if (issues.length === 1) return `${head}: ${issues[0]!.message}`;
  return `${head} (${issues.length} problems):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`;
}
