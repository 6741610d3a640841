/**
 * The import graph of the packages' sources, as the architecture specs read it: every import
 * counts, `import type` and type-only names included (they are the design's real dependencies),
 * and so do `export … from`, side-effect imports and `import('…')` with a literal (dynamic or in a
 * type position). Comments are blanked first, so an import quoted in a doc comment is not one.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Every `.ts`/`.tsx` source file under `directory` (declaration files and build output left out). */
export function sourceFiles(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'dist' && name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The text of a source file with comments replaced by spaces (strings kept). */
export function codeOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The specifiers a file imports, each with how (`static`, `type`, `dynamic`). */
export function importsOf(file: string): Array<{ specifier: string; how: 'static' | 'type' | 'dynamic' }> {
  // The text of template literals is code written for another project (create-machinable's
  // project template), not imported by this one.
  const code = codeOf(file).replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``');
  const out: Array<{ specifier: string; how: 'static' | 'type' | 'dynamic' }> = [];
  for (const match of code.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    out.push({ specifier: match[2]!, how: match[1] ? 'type' : 'static' });
  }
  for (const match of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ specifier: match[1]!, how: 'dynamic' });
  return out;
}

/** The source files a file imports relatively (any kind of import), resolved to `.ts` paths. */
export function relativeImports(file: string): string[] {
  return importsOf(file)
    .filter(({ specifier }) => specifier.startsWith('.'))
    .map(({ specifier }) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every circle of the graph over `files` (each reported once, as found by a depth-first walk). */
export function circles(files: readonly string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, relativeImports(file).filter((target) => known.has(target))]));
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
