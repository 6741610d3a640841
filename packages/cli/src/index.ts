/**
 * @machinable/cli as a library: the grammar of `machinable get` and its inverse, `toCli`, which
 * renders the command that gets an interface again. The `machinable` binary is bin/run.js.
 */
export { toCli, versionTokens, shellQuote, renderLiteral } from './to-cli.js';
export { parseGetArgs, typedVersion, LITERAL_START, type GetRequest, type GetAction, type ModuleRequest, type LiteralParsers, type TypeAt } from './get-args.js';
export { UsageError, RunFailedError } from './errors.js';
export { visible } from './visible.js';
export { formatTable } from './table.js';
export { expandGrid, expandValue, MAX_GRID, type Grid, type GridAxis } from './grid.js';
export { sweepOptions, plan, type SweepOptions, type ConfigState } from './sweep.js';
