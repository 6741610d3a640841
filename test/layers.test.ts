/**
 * The shape stays: core's folders import only downwards (types included), plugins reach core
 * through its narrow entries, `Project.current()` is read only at the public entry points, and no
 * source file grows past 400 lines (the named codecs aside).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { REPO } from './helpers.js';
import { codeOf, importsOf, relativeImports, sourceFiles } from './source-graph.js';
import { CORE_LAYERS, CURRENT_PROJECT_CALLERS, LONG_FILE_EXEMPTIONS, PACKAGES, PACKAGE_IMPORTS } from './layers.js';

const CORE = join(REPO, 'packages', 'core', 'src');

/** The layer folder of a core source file (`.` for the entry files at the root). */
function folderOf(file: string): string {
  const rel = relative(CORE, file);
  return rel.includes(sep) ? rel.split(sep)[0]! : '.';
}

function rankOf(folder: string): number {
  return CORE_LAYERS.findIndex((layer) => layer.includes(folder));
}

describe('architecture: layers', () => {
  it('every folder of core belongs to a layer', () => {
    const unplaced = [...new Set(sourceFiles(CORE).map(folderOf))].filter((folder) => rankOf(folder) < 0);
    assert.deepEqual(unplaced, []);
  });

  it('core folders import only their own files and lower layers, type and dynamic imports included', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(CORE)) {
      const from = folderOf(file);
      for (const target of relativeImports(file)) {
        const to = folderOf(target);
        if (to !== from && rankOf(to) >= rankOf(from)) upward.push(`${relative(CORE, file)} -> ${relative(CORE, target)}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  for (const pkg of PACKAGES) {
    it(`${pkg === 'create-machinable' ? pkg : `@machinable/${pkg}`} reaches the other packages only through their allowed entries`, () => {
      const root = join(REPO, 'packages', pkg, 'src');
      assert.ok(existsSync(root), `${root} exists`);
      const allowed = new Set(PACKAGE_IMPORTS[pkg]);
      const found = new Set<string>();
      for (const file of sourceFiles(root)) {
        for (const { specifier } of importsOf(file)) if (specifier.startsWith('@machinable/') && !allowed.has(specifier)) found.add(`${relative(root, file)}: ${specifier}`);
      }
      assert.deepEqual([...found], []);
    });
  }

  it('core does not import a plugin (storage-fs is loaded by name as the default provider, slurm not at all)', () => {
    const found: string[] = [];
    for (const file of sourceFiles(CORE)) {
      for (const { specifier } of importsOf(file)) if (/^@machinable\/(slurm|storage-kit|server|cli)/.test(specifier)) found.push(`${relative(CORE, file)}: ${specifier}`);
      if (/\bslurm\b/i.test(codeOf(file).replace(/'[^']*'|"[^"]*"|`[^`]*`/g, ''))) found.push(`${relative(CORE, file)} names slurm`);
    }
    assert.deepEqual(found, []);
  });
});

describe('architecture: the current project is read at the entry points only', () => {
  it('Project.current() is called only in project.ts, core\'s api/ and the CLI\'s commands', () => {
    const callers: string[] = [];
    for (const pkg of PACKAGES) {
      const root = join(REPO, 'packages', pkg, 'src');
      for (const file of sourceFiles(root)) {
        const rel = relative(REPO, file).split(sep).join('/');
        if (/\bProject\.current\s*\(/.test(codeOf(file)) && !CURRENT_PROJECT_CALLERS.some((pattern) => pattern.test(rel))) callers.push(rel);
      }
    }
    assert.deepEqual(callers, []);
  });
});

describe('architecture: file sizes', () => {
  it('no source file is over 400 lines, but the named codecs', () => {
    const long: string[] = [];
    for (const pkg of PACKAGES) {
      for (const file of sourceFiles(join(REPO, 'packages', pkg, 'src'))) {
        const rel = relative(REPO, file).split(sep).join('/');
        const lines = readFileSync(file, 'utf8').split('\n').length;
        if (lines > 400 && !LONG_FILE_EXEMPTIONS.includes(rel)) long.push(`${rel}: ${lines}`);
      }
    }
    assert.deepEqual(long, []);
  });

  it('the exemptions name files that exist', () => {
    for (const rel of LONG_FILE_EXEMPTIONS) assert.ok(existsSync(join(REPO, rel)), `${rel} is gone: drop it from LONG_FILE_EXEMPTIONS`);
  });
});
