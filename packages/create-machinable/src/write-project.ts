/** Writing a scaffolded project to disk: all files or none, never over an existing one. */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIRST_COMMAND } from './project-template.js';

/** The files of `files` that `directory` already has (their paths, in order). */
export function takenFiles(directory: string, files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((path) => existsSync(join(directory, path)));
}

/**
 * Writes the files into `directory` (made if missing) all or nothing: each goes to a temporary
 * name first and is renamed in place once all are written, so a failure midway leaves no half a
 * project.
 */
export function writeProject(directory: string, files: ReadonlyMap<string, string>): void {
  mkdirSync(directory, { recursive: true });
  const staged: [string, string][] = [];
  try {
    for (const [path, contents] of files) {
      const temporary = join(directory, `.${path}.init-${process.pid}`);
      writeFileSync(temporary, contents, { flag: 'wx' });
      staged.push([temporary, join(directory, path)]);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw error;
  }
  for (const [temporary, target] of staged) renameSync(temporary, target);
}

/** The commands to run next, from `cwd`, for a project created in `directory`. */
export function nextSteps(directory: string, cwd: string): string[] {
  const shown = relative(cwd, directory);
  return [...(shown === '' ? [] : [`cd ${/[^\w./-]/.test(shown) ? JSON.stringify(shown) : shown}`]), 'npm install', FIRST_COMMAND];
}
