#!/usr/bin/env node
// Writes oclif.manifest.json: every command's id, summary, flags and args, and the file it is
// compiled to. With it, oclif starts without importing every command file to list the commands
// (it imports only the one that runs). This is what the `oclif manifest` command of the `oclif`
// dev package writes, done with @oclif/core's own Plugin loader, so the build needs no extra
// package. Run after tsc (npm run build does); `--check` exits 1 when the file on disk differs.
// Usage: node packages/cli/scripts/manifest.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = `${root}oclif.manifest.json`;

const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
// Commands in id order, so the file is the same whatever order the file system lists them in.
const commands = Object.fromEntries(Object.entries(plugin.manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const manifest = `${JSON.stringify({ ...plugin.manifest, commands }, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing: differs
  }
  if (current !== manifest) {
    process.stderr.write(`${file} is out of date with the compiled commands: run npm run build\n`);
    process.exit(1);
  }
} else {
  writeFileSync(file, manifest);
}
