/**
 * The layers of the code, bottom to top, as `docs/architecture.md` describes them: a folder may
 * import its own files and the folders of lower layers, never a folder of its own layer or above
 * (`import type` and `import()` included).
 */

/** The packages whose sources the architecture specs read. */
export const PACKAGES = ['core', 'storage-fs', 'storage-kit', 'slurm', 'server', 'create-machinable', 'cli'] as const;

/** `packages/core/src`: folders by layer, lowest first; `.` is the entry files at its root. */
export const CORE_LAYERS: readonly (readonly string[])[] = [
  ['kernel'],
  ['json'],
  ['config'],
  ['identity', 'format', 'files'],
  ['context'],
  ['ports'],
  ['index', 'store'],
  ['interface'],
  ['find', 'provenance'],
  ['execution'],
  ['project'],
  ['api'],
  ['.'],
];

/**
 * What each package may import of the others: core's entries by name. A plugin (storage-fs, slurm)
 * reaches core through its narrow entries only.
 */
export const PACKAGE_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  'storage-fs': ['@machinable/core/storage'],
  'storage-kit': ['@machinable/core/storage'],
  slurm: ['@machinable/core'],
  server: ['@machinable/core'],
  'create-machinable': [],
  cli: ['@machinable/core', '@machinable/core/sqlite', '@machinable/server'],
};

/**
 * Source files allowed over 400 lines: pure codecs, whose length is one table or one grammar
 * that reads best whole.
 */
export const LONG_FILE_EXEMPTIONS: readonly string[] = ['packages/core/src/json/json.ts', 'packages/core/src/files/npy.ts'];

/** Where `Project.current()` may be called: the definition, and the public entry points. */
export const CURRENT_PROJECT_CALLERS: readonly RegExp[] = [
  /^packages\/core\/src\/project\/project\.ts$/,
  /^packages\/core\/src\/api\/[^/]+\.ts$/,
  /^packages\/cli\/src\/commands\/[^/]+\.ts$/,
  /^packages\/cli\/src\/base-command\.ts$/,
];
