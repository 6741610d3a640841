#!/usr/bin/env node
// The `create-machinable` binary, which `npm create machinable@latest my-study` runs.
import { main } from '../dist/main.js';

process.exitCode = main(process.argv.slice(2), process.cwd());
