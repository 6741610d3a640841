import { it } from 'node:test';

import type { Storage } from '@machinable/core/storage';

import { ChildProcesses } from './child-processes.js';
import type { ResolvedOptions, StorageFactory, StorageSubject } from './options.js';
import { recordFiles, type FileSet } from './record-files.js';
import { TemporaryFolders } from './temporary-folders.js';

/** What a case works with: a fresh adapter, and helpers that are cleaned up after it. */
export interface CaseContext {
  /** The adapter under test, over an empty store of its own. */
  readonly storage: Storage;
  /** What the factory returned. */
  readonly subject: StorageSubject;
  readonly options: ResolvedOptions;
  /** Child processes over the same store (cases that require `processes` only). */
  readonly processes: ChildProcesses;
  /** Creates a record at `segments` (inside `parent`, if given) with the format's files plus `extra`; its location. */
  record(segments: readonly string[], extra?: FileSet, parent?: string): Promise<string>;
  /** A fresh local folder, removed after the case. */
  temporaryFolder(): string;
  /** Marks the case skipped (the adapter lacks an optional method); return right after. */
  skip(reason: string): void;
}

/** The body of one case. */
export type CaseBody = (context: CaseContext) => Promise<void>;

/** What a case needs beyond the contract's required methods; without it the case is skipped. */
export interface CaseNeeds {
  /** `options.processes`. */
  readonly processes?: boolean;
  /** `options.sentinelless`. */
  readonly sentinelless?: boolean;
}

/** Registers one case of the suite (an `it` of Node's test runner). */
export type DefineCase = (name: string, body: CaseBody, needs?: CaseNeeds) => void;

/**
 * The `DefineCase` of a suite: each case gets a fresh subject from `factory`, and whatever it
 * started (child processes, local folders, the subject's store) is ended when it ends, passed or
 * failed.
 */
export function caseDefiner(factory: StorageFactory, options: ResolvedOptions): DefineCase {
  return (name, body, needs = {}) => {
    const skip =
      options.skip?.[name] ??
      (needs.processes && options.processes === undefined ? 'no options.processes: the store cannot be opened in a second process' : undefined) ??
      (needs.sentinelless && options.sentinelless === undefined ? 'no options.sentinelless: the adapter holds no directory without a sentinel' : undefined);
    if (skip !== undefined && options.skip?.[name] === undefined && options.unsupported === 'omit') {
      // Left out, not skipped: said once per case on the report's diagnostics.
      console.log(`storage conformance: left out (${skip}): ${name}`);
      return;
    }
    it(name, { timeout: options.timeoutMs, skip: skip ?? false }, async (t) => {
      const subject = await factory();
      const folders = new TemporaryFolders();
      const processes = new ChildProcesses(options.processes, subject.shared);
      const { storage } = subject;
      try {
        await body({
          storage,
          subject,
          options,
          processes,
          async record(segments, extra, parent) {
            const location = storage.locate(segments, parent);
            await storage.create(location, recordFiles(extra));
            return location;
          },
          temporaryFolder: () => folders.make(),
          skip: (reason) => t.skip(reason),
        });
      } finally {
        await processes.killAll();
        folders.removeAll();
        await subject.cleanup?.();
      }
    });
  };
}
