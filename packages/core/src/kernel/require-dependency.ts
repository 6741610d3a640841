import { createRequire } from 'node:module';

/**
 * `require()` for machinable's CommonJS dependencies (class-transformer, class-validator,
 * tsyringe, reflect-metadata, better-sqlite3). Importing a CommonJS package from ES modules makes
 * Node parse its files for their export names first, which measured about twice the cost of
 * loading them (~20 ms of every cold start); `require()` shares the module instance an
 * application's own `import` of the package gets.
 */
export const requireDependency = createRequire(import.meta.url);
