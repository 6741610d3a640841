import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MachinableError } from '../kernel/errors.js';
import type { Provider } from './container.js';
import type { IndexFactory, MachinablePlugin, StorageFactory } from './plugins.js';
import { registerTypeScriptLoader } from './ts-loader.js';

/**
 * What a project declares about how it is put together: its plugins, the providers its modules'
 * constructors get, and, optionally, its storage and index adapters. The default export of
 * `machinable.config.ts` (or `.mts`, `.js`, `.mjs`) in the project folder, read by every process of
 * the project: the CLI, the dashboard, a process pool's children and cluster jobs.
 *
 * @example
 * // machinable.config.ts
 * import { defineProject } from '@machinable/core';
 * export default defineProject({
 *   plugins: ['@machinable/slurm'],
 *   providers: [{ provide: 'dataset', useFactory: () => loadDataset('mnist') }],
 * });
 */
export interface ProjectConfig {
  /** Plugins, by package name (or path relative to the project), or as objects. */
  readonly plugins?: readonly (string | MachinablePlugin)[];
  /** Providers for the modules' constructors (`@inject(token)`). */
  readonly providers?: readonly Provider[];
  /** The storage adapter, instead of the filesystem storage. */
  readonly storage?: StorageFactory;
  /** The index adapter, instead of the SQLite index. */
  readonly index?: IndexFactory;
}

/** The config as written, typed: an identity function for editors. */
export function defineProject(config: ProjectConfig): ProjectConfig {
  return config;
}

/** The names a project's declaration file may have, in the order they are looked for. */
export const PROJECT_CONFIG_FILES = ['machinable.config.ts', 'machinable.config.mts', 'machinable.config.js', 'machinable.config.mjs'] as const;

/** The declaration file of a project folder, if it has one. */
export function projectConfigFile(directory: string): string | undefined {
  return PROJECT_CONFIG_FILES.map((name) => join(directory, name)).find((file) => existsSync(file));
}

/** Reads a project's declaration file (compiled on the fly when it is TypeScript); `{}` without one. */
export async function loadProjectConfig(directory: string): Promise<ProjectConfig> {
  const file = projectConfigFile(directory);
  if (file === undefined) return {};
  if (/\.m?ts$/.test(file)) registerTypeScriptLoader();
  let exported: { default?: unknown };
  try {
    exported = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new MachinableError(`cannot load the project's declaration ${file}: ${(error as Error).message}`);
  }
  const config = exported.default;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new MachinableError(`${file} must export its config as the default: export default defineProject({ plugins: [...], providers: [...] })`);
  }
  return config as ProjectConfig;
}

/** A plugin as declared: an object as it is, a package name (or a path from the project) imported. */
export async function loadPlugin(directory: string, plugin: string | MachinablePlugin): Promise<MachinablePlugin> {
  if (typeof plugin !== 'string') return checkPlugin(plugin, 'a plugin object');
  let resolved: string;
  try {
    resolved = createRequire(join(directory, 'package.json')).resolve(plugin);
  } catch {
    throw new MachinableError(`cannot find the plugin '${plugin}' from ${directory}: install it (npm install ${plugin}) or fix its name in machinable.config`);
  }
  const exported = (await import(pathToFileURL(resolved).href)) as { default?: unknown; plugin?: unknown };
  const found = exported.default ?? exported.plugin;
  return checkPlugin(typeof found === 'function' ? (found as () => unknown)() : found, `'${plugin}'`);
}

function checkPlugin(value: unknown, what: string): MachinablePlugin {
  const plugin = value as Partial<MachinablePlugin> | null;
  if (plugin === null || typeof plugin !== 'object' || typeof plugin.name !== 'string' || typeof plugin.setup !== 'function') {
    throw new MachinableError(`${what} is not a machinable plugin: it must export (as default) an object { name, setup(context) }, or a function returning one`);
  }
  return plugin as MachinablePlugin;
}
