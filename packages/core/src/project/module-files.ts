import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** File endings a module may have, in the order they are tried. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

const SKIP_DIRECTORIES = new Set(['node_modules', 'storage', 'dist', '.git']);

/**
 * The module convention: `train` is `train.ts` (or `.mts`, `.js`, `.mjs`) in the project folder,
 * `models.resnet` is `models/resnet.ts`, and a folder module is `models/resnet/index.ts`.
 */
export function moduleFile(directory: string, module: string): string | undefined {
  if (!/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/.test(module)) return undefined;
  const base = join(directory, ...module.split('.'));
  for (const candidate of [base, join(base, 'index')]) {
    for (const extension of MODULE_EXTENSIONS) {
      const file = candidate + extension;
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/** Every module name in a project folder, for "did you mean" suggestions (bounded walk). */
export function listModules(directory: string, limit = 2000): string[] {
  const names: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 4 || names.length >= limit) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRECTORIES.has(entry.name)) walk(full, depth + 1);
        continue;
      }
      const extension = MODULE_EXTENSIONS.find((e) => entry.name.endsWith(e));
      if (!extension || entry.name.endsWith('.d.ts') || /\.(test|spec)\./.test(entry.name)) continue;
      const path = relative(directory, full).slice(0, -extension.length);
      names.push(path.split(sep).filter((p, i, all) => !(p === 'index' && i === all.length - 1)).join('.'));
    }
  };
  walk(directory, 0);
  return names.filter((n) => n.length > 0);
}
