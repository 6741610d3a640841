#!/usr/bin/env node
// The `machinable` binary. Commands are compiled to ../dist/commands (npm run build).
import { execute, settings } from '@oclif/core';

// Always run the compiled commands: with NODE_ENV=development oclif would otherwise look for
// src/*.ts and try to register ts-node, which this ESM package does not use.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url });
