import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { FIRST_COMMAND, nextSteps, packageName, projectFiles, takenFiles, writeProject } from 'create-machinable';
import { MachinableCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { PACKED_FOLDER, checkoutOf, packCheckout } from '../init/checkout.js';

/** What `machinable init --json` prints. */
export interface InitSummary {
  readonly directory: string;
  readonly files: string[];
  readonly next: string[];
}

export default class Init extends MachinableCommand {
  static override summary = 'Create a new project: package.json, tsconfig.json and a first module.';

  static override description = `Creates a project in the directory (the current one when none is given; made if missing): package.json with machinable's packages, a tsconfig.json with the decorator settings configs need (it extends @machinable/core/tsconfig.json), a first module (estimate_pi.ts), .gitignore and README.md. Existing files are never overwritten: when one of them is there, nothing is written and the command says which. npm create machinable@latest does the same.

With --from-checkout (this CLI run from a clone of machinable, built), the checkout's packages are packed into ${PACKED_FOLDER}/ in the project and package.json depends on those tarballs, so npm install needs no machinable package from the registry.

Then: npm install, and ${FIRST_COMMAND}.`;

  static override examples = ['<%= config.bin %> init my-study', '<%= config.bin %> init', '<%= config.bin %> init ../my-study --from-checkout'];

  static override enableJsonFlag = true;

  static override args = {
    directory: Args.string({ description: 'where to create the project (default: the current directory)' }),
  };

  static override flags = {
    'from-checkout': Flags.boolean({ description: `Depend on this checkout's packages, packed into ${PACKED_FOLDER}/, instead of the npm registry's.` }),
  };

  async run(): Promise<InitSummary> {
    const { args, flags } = await this.parse(Init);
    const directory = resolve(args.directory ?? '.');
    const checkout = checkoutOf(this.config.root);
    if (flags['from-checkout'] && checkout === undefined) {
      throw new UsageError(
        `--from-checkout needs this CLI to run from a clone of machinable, but it runs from ${this.config.root}: nothing was written; run machinable init without --from-checkout, or run the clone's (node <clone>/packages/cli/bin/run.js init ${args.directory ?? '.'} --from-checkout)`,
      );
    }
    const plain = projectFiles({ name: packageName(basename(directory)), version: this.config.version });
    const taken = [...takenFiles(directory, plain), ...(flags['from-checkout'] && existsSync(join(directory, PACKED_FOLDER)) ? [PACKED_FOLDER] : [])];
    if (taken.length > 0) {
      throw new UsageError(
        `${directory} already has ${taken.join(', ')}: nothing was written; run machinable init in an empty directory, or give a new one (machinable init my-study)`,
      );
    }
    let files = plain;
    if (flags['from-checkout'] && checkout !== undefined) {
      const packed = join(directory, PACKED_FOLDER);
      mkdirSync(packed, { recursive: true });
      try {
        files = projectFiles({ name: packageName(basename(directory)), version: this.config.version, dependencies: packCheckout(checkout, packed) });
      } catch (error) {
        rmSync(packed, { recursive: true, force: true });
        throw error;
      }
    } else if (checkout !== undefined) {
      this.logToStderr(`note: this CLI runs from the checkout ${checkout}; while machinable's packages are not on the npm registry, init --from-checkout makes a project that installs from it`);
    }
    writeProject(directory, files);
    const next = nextSteps(directory, process.cwd());
    this.log(`created ${[...files.keys()].join(', ')}${flags['from-checkout'] ? ` and ${PACKED_FOLDER}/` : ''} in ${directory}`);
    this.log('next:');
    for (const line of next) this.log(`  ${line}`);
    return { directory, files: [...files.keys()], next };
  }
}
