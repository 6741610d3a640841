import { existsSync, readdirSync } from 'node:fs';
import type { Project } from '@machinable/core';
import { UsageError } from './errors.js';

/** What makes a folder a project besides its modules and stored runs (what `machinable init` writes, and a project's declaration). */
const PROJECT_FILES = ['package.json', 'machinable.config.ts', 'machinable.config.mts', 'machinable.config.js', 'machinable.config.mjs'];

/** Module file endings (core's module convention: `train` is `train.ts`, `.mts`, `.js` or `.mjs`). */
const MODULE_FILE = /^(?!.*\.d\.[cm]?ts$)[^.].*\.(?:ts|mts|js|mjs)$/;

/**
 * Whether a folder is a machinable project: it holds a package.json (what `machinable init`
 * writes), a `machinable.config.*`, a module file (`train.ts`, `train.js`, ...) or stored runs
 * (the project's storage folder or index, `MACHINABLE_STORAGE` and `MACHINABLE_INDEX` included).
 */
export function isProjectFolder(project: Pick<Project, 'directory' | 'storageRoot' | 'indexPath'>): boolean {
  if (existsSync(project.storageRoot) || existsSync(project.indexPath)) return true;
  let names: string[];
  try {
    names = readdirSync(project.directory);
  } catch {
    return false;
  }
  return names.some((name) => PROJECT_FILES.includes(name) || MODULE_FILE.test(name));
}

/**
 * Refuses a folder that is not a project (see {@link isProjectFolder}) before a command reads
 * or creates anything there: `serve`, `ls` and `find` would otherwise answer "no stored runs",
 * or create an index, in any folder they happen to be started in.
 */
export function requireProjectFolder(project: Pick<Project, 'directory' | 'storageRoot' | 'indexPath'>, command: string): void {
  if (isProjectFolder(project)) return;
  throw new UsageError(
    `${project.directory} is not a machinable project (no package.json, machinable.config.ts, module file or stored runs): nothing was read or created; cd into a project and run machinable ${command} there, or make one with machinable init`,
  );
}
