import { existsSync, readdirSync } from 'node:fs';
import type { Project } from '@machinable/core';
import { UsageError } from './errors.js';

type Core = typeof import('@machinable/core');
/** What a folder is judged by: core's project declaration files and module file endings. */
type Conventions = Pick<Core, 'PROJECT_CONFIG_FILES' | 'MODULE_EXTENSIONS'>;

/** A module file by core's convention (`train.ts`, `.mts`, `.js`, `.mjs`; not a dot file or a declaration file). */
function isModuleFile(name: string, core: Conventions): boolean {
  return !name.startsWith('.') && !/\.d\.[cm]?ts$/.test(name) && core.MODULE_EXTENSIONS.some((ending) => name.endsWith(ending));
}

/**
 * Whether a folder is a machinable project: it holds a package.json (what `machinable init`
 * writes), a `machinable.config.*`, a module file (`train.ts`, `train.js`, ...) or stored runs
 * (the project's storage folder or index, `MACHINABLE_STORAGE` and `MACHINABLE_INDEX` included).
 */
export function isProjectFolder(core: Conventions, project: Pick<Project, 'directory' | 'storageRoot' | 'indexPath'>): boolean {
  if (existsSync(project.storageRoot) || existsSync(project.indexPath)) return true;
  let names: string[];
  try {
    names = readdirSync(project.directory);
  } catch {
    return false;
  }
  return names.some((name) => name === 'package.json' || (core.PROJECT_CONFIG_FILES as readonly string[]).includes(name) || isModuleFile(name, core));
}

/**
 * Refuses a folder that is not a project (see {@link isProjectFolder}) before a command reads
 * or creates anything there: `serve`, `ls` and `find` would otherwise answer "no stored runs",
 * or create an index, in any folder they happen to be started in.
 */
export function requireProjectFolder(core: Conventions, project: Pick<Project, 'directory' | 'storageRoot' | 'indexPath'>, command: string): void {
  if (isProjectFolder(core, project)) return;
  throw new UsageError(
    `${project.directory} is not a machinable project (no package.json, machinable.config.ts, module file or stored runs): nothing was read or created; cd into a project and run machinable ${command} there, or make one with machinable init`,
  );
}
