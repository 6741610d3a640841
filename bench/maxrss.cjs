// Preloaded (`node --require bench/maxrss.cjs …`) by the cold-start benchmarks: prints the
// process's peak resident set size (KiB) on stderr when it exits.
process.on('exit', () => process.stderr.write(`\nmachinable-bench maxRSS ${process.resourceUsage().maxRSS}\n`));
