import type { MaybePromise, Storage } from '@machinable/core/storage';

/**
 * What a factory of `describeStorageConformance` returns for one case: an adapter over a fresh,
 * empty store, and how to clean up after it.
 */
export interface StorageSubject {
  /** The adapter under test. */
  readonly storage: Storage;
  /**
   * What a child process needs to open the same store (a root directory, a bucket and prefix),
   * given to `processes.exportName` of `processes.module` there. JSON: it crosses a process line.
   */
  readonly shared?: unknown;
  /** Called after the case, passed or failed: remove the store (a temporary folder, a bucket prefix). */
  cleanup?(): MaybePromise<void>;
}

/** Makes a {@link StorageSubject}; called once per case, so that no case sees another's records. */
export type StorageFactory = () => MaybePromise<StorageSubject>;

/**
 * How a child process opens the store a case's adapter works on, for the cases that need several
 * processes (concurrent `createFile`/`appendFile`/`create`, a process killed during `create`).
 * The child does `await (await import(module))[exportName](shared)` and uses the `Storage` it gets.
 */
export interface ProcessOptions {
  /** URL of an ES module (`new URL('./open-storage.js', import.meta.url)`, or its `href`). */
  readonly module: string | URL;
  /** The export to call with the subject's `shared` value. Default `openStorage`. */
  readonly exportName?: string;
  /** How many processes race in the concurrency cases. Default 4. */
  readonly count?: number;
  /** Node options of the child processes (a loader such as `--import tsx`). Default none. */
  readonly execArgv?: readonly string[];
}

/** What an adapter supports, and the sizes the cases use; everything optional. */
export interface StorageConformanceOptions {
  /** Opens the store in child processes; without it the cross-process cases are skipped. */
  readonly processes?: ProcessOptions;
  /**
   * Puts a directory at `location` holding `files` (an `id.json` among them) but no `.machinable`,
   * as a copy that skipped dot files leaves. Give it when the adapter can hold such a directory:
   * `walk()` must then report it (`sentinel: false`). Without it that case is skipped.
   */
  readonly sentinelless?: (subject: StorageSubject, location: string, files: ReadonlyMap<string, Uint8Array | string>) => MaybePromise<void>;
  /** Size of the large files. Default 4 MiB. */
  readonly largeFileBytes?: number;
  /** Length of the long file name and segment. Default 200. */
  readonly longNameLength?: number;
  /** Time limit of each case in milliseconds. Default 60 000. */
  readonly timeoutMs?: number;
  /** Cases to skip, by name, each with the reason the report shows (a limitation to own up to). */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * What happens to the cases an adapter cannot offer what they need for (a second process, a
   * directory without a sentinel): `skip` (default) reports each as skipped with the reason;
   * `omit` leaves them out of the suite and says which on the report's diagnostics, for a test
   * run that must show no skipped case (an adapter that lives in one process, like `MemoryStorage`).
   */
  readonly unsupported?: 'skip' | 'omit';
}

/** {@link StorageConformanceOptions} with the defaults filled in. */
export interface ResolvedOptions extends StorageConformanceOptions {
  readonly largeFileBytes: number;
  readonly longNameLength: number;
  readonly timeoutMs: number;
}

/** The options with their defaults. */
export function resolveOptions(options: StorageConformanceOptions): ResolvedOptions {
  return { ...options, largeFileBytes: options.largeFileBytes ?? 4 * 1024 * 1024, longNameLength: options.longNameLength ?? 200, timeoutMs: options.timeoutMs ?? 60_000 };
}
