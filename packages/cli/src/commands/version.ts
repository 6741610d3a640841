import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MachinableCommand } from '../base-command.js';

interface Versions {
  '@machinable/cli': string;
  '@machinable/core': string;
  node: string;
}

export default class Version extends MachinableCommand {
  static override summary = 'Print the versions of machinable and Node.';

  static override description = 'Prints the versions of @machinable/cli, of the @machinable/core it runs with, and of Node. Reads package.json files only, so it is fast.';

  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];

  static override enableJsonFlag = true;

  async run(): Promise<Versions> {
    await this.parse(Version);
    const versions: Versions = {
      '@machinable/cli': packageVersion(fileURLToPath(import.meta.url), '@machinable/cli'),
      // Resolving does not load the package: core stays unimported.
      '@machinable/core': packageVersion(fileURLToPath(import.meta.resolve('@machinable/core')), '@machinable/core'),
      node: process.version,
    };
    const width = Math.max(...Object.keys(versions).map((name) => name.length));
    for (const [name, version] of Object.entries(versions)) this.log(`${name.padEnd(width)}  ${version}`);
    return versions;
  }
}

/** The version in the nearest package.json named `name`, walking up from `file`. */
function packageVersion(file: string, name: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? 'unknown';
    } catch {
      // no package.json here: keep walking up
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
