import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Args } from '@oclif/core';
import { MachinableCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { FIRST_COMMAND, packageName, projectFiles } from '../init/project-template.js';

/** What `machinable init --json` prints. */
export interface InitSummary {
  readonly directory: string;
  readonly files: string[];
  readonly next: string[];
}

export default class Init extends MachinableCommand {
  static override summary = 'Create a new project: package.json, tsconfig.json and a first module.';

  static override description = `Creates a project in the directory (the current one when none is given; made if missing): package.json with machinable's packages, a tsconfig.json with the decorator settings configs need (it extends @machinable/core/tsconfig.json), a first module (estimate_pi.ts), .gitignore and README.md. Existing files are never overwritten: when one of them is there, nothing is written and the command says which.

Then: npm install, and ${FIRST_COMMAND}.`;

  static override examples = ['<%= config.bin %> init my-study', '<%= config.bin %> init'];

  static override enableJsonFlag = true;

  static override args = {
    directory: Args.string({ description: 'where to create the project (default: the current directory)' }),
  };

  async run(): Promise<InitSummary> {
    const { args } = await this.parse(Init);
    const directory = resolve(args.directory ?? '.');
    const files = projectFiles({ name: packageName(basename(directory)), version: this.config.version });
    const taken = [...files.keys()].filter((path) => existsSync(join(directory, path)));
    if (taken.length > 0) {
      throw new UsageError(
        `${directory} already has ${taken.join(', ')}: nothing was written; run machinable init in an empty directory, or give a new one (machinable init my-study)`,
      );
    }
    writeAll(directory, files);
    const shown = relative(process.cwd(), directory);
    const next = [...(shown === '' ? [] : [`cd ${/[^\w./-]/.test(shown) ? JSON.stringify(shown) : shown}`]), 'npm install', FIRST_COMMAND];
    this.log(`created ${[...files.keys()].join(', ')} in ${directory}`);
    this.log('next:');
    for (const line of next) this.log(`  ${line}`);
    return { directory, files: [...files.keys()], next };
  }
}

/**
 * Writes the files into `directory` all or nothing: each goes to a temporary name first and is
 * renamed in place once all are written, so a failure midway leaves no half a project.
 */
function writeAll(directory: string, files: ReadonlyMap<string, string>): void {
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
