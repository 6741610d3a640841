/**
 * `create-machinable [directory]`, which `npm create machinable@latest my-study` runs: writes the
 * project `machinable init` writes (see project-template.ts), with dependencies on this version
 * of machinable, and prints what to run next.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { packageName, projectFiles } from './project-template.js';
import { nextSteps, takenFiles, writeProject } from './write-project.js';

const USAGE = `Usage: npm create machinable@latest [directory]

Creates a machinable project in the directory (the current one when none is given; made if
missing): package.json, tsconfig.json, a first module (estimate_pi.ts), .gitignore and README.md.
Existing files are never overwritten. The same as \`npx @machinable/cli init [directory]\`.
`;

/** This package's version: the version of machinable the project depends on. */
export function ownVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * Runs the command with `args` (what follows `create-machinable`) in `cwd`; returns the exit code
 * (0 done, 2 a usage error, 1 a folder that has one of the files). Prints to stdout and stderr.
 */
export function main(args: readonly string[], cwd: string): number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.includes('--version')) {
    process.stdout.write(`${ownVersion()}\n`);
    return 0;
  }
  const unknown = args.filter((arg) => arg.startsWith('-'));
  if (unknown.length > 0 || args.length > 1) {
    const what = unknown.length > 0 ? `unknown option ${unknown.join(', ')}` : `one directory at most, got ${args.length}: ${args.join(' ')}`;
    process.stderr.write(`Error: ${what}; run npm create machinable@latest my-study (see --help)\n`);
    return 2;
  }
  const directory = resolve(cwd, args[0] ?? '.');
  const files = projectFiles({ name: packageName(basename(directory)), version: ownVersion() });
  const taken = takenFiles(directory, files);
  if (taken.length > 0) {
    process.stderr.write(`Error: ${directory} already has ${taken.join(', ')}: nothing was written; give an empty or new directory (npm create machinable@latest my-study)\n`);
    return 1;
  }
  writeProject(directory, files);
  process.stdout.write(`created ${[...files.keys()].join(', ')} in ${directory}\nnext:\n${nextSteps(directory, cwd).map((line) => `  ${line}\n`).join('')}`);
  return 0;
}
