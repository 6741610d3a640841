#!/usr/bin/env node
// The `machinable` binary. Commands are compiled to ../dist/commands (npm run build), and
// ../oclif.manifest.json (written by scripts/manifest.mjs at build time) lists them, so oclif
// imports only the command that runs.
import module from 'node:module';

// Node >= 22: keep V8's compiled code of every module loaded from here on (oclif, core, the
// project's compiled .ts modules) in Node's compile cache, so the next start skips compiling
// them. Before the first import below, or it would not cover oclif. Nothing happens on Node 20.
module.enableCompileCache?.();

// oclif's check of Node against our `engines`, when @oclif/core is first imported, loads semver
// (47 of the ~160 modules of a `machinable version`); npm checks `engines` at install time. The
// variable is set for that import only, so child processes do not inherit it.
const engineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING;
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
const { execute, settings } = await import('@oclif/core');
if (engineCheck === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineCheck;

// Always run the compiled commands: with NODE_ENV=development oclif would otherwise look for
// src/*.ts and try to register ts-node, which this ESM package does not use.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
