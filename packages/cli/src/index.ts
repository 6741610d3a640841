/** Placeholder entry point; the cli package is built out in a later issue. */
export const PACKAGE = '@machinable/cli';
