/**
 * The packages' module graphs have no cycles: following the imports that load code (not
 * `import type`, not type-only names, not a dynamic `import()` at an API entry point), no source
 * file comes back to itself. A cycle makes the order modules load in matter, which is what the
 * record layer's rebuild removed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO } from './helpers.js';

/** Every `.ts` source file of a package. */
function sources(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative imports that load code: static `import … from` and `export … from`, minus type-only ones. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const statement = /^(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s+'(\.[^']+)';/gm;
  for (const match of text.matchAll(statement)) {
    const [, , typeOnly, names = '', specifier = ''] = match;
    if (typeOnly) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(names.trim());
    if (braces && braces[1]!.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue;
    out.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
  }
  for (const match of text.matchAll(/^import\s+'(\.[^']+)';/gm)) out.push(resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
  return out;
}

function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((file) => [file, valueImports(file).filter((target) => files.includes(target))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

describe('code: no import cycles', () => {
  for (const pkg of ['core', 'storage-fs', 'server', 'cli']) {
    it(`packages/${pkg} has none`, () => {
      const root = join(REPO, 'packages', pkg, 'src');
      const found = cycles(sources(root)).map((cycle) => cycle.map((file) => relative(root, file)).join(' -> '));
      assert.deepEqual(found, []);
    });
  }
});
