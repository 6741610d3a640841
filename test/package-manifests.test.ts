/**
 * Every package declares what it imports, and imports what it declares: a package that loads
 * another at run time without declaring it works in this workspace (npm links them all) and
 * fails in a user's project (`Cannot find package '@machinable/storage-fs'`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STORAGE_MODULE } from '@machinable/core';
import { REPO } from './helpers.js';

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** Every `.ts`/`.js` source file under `directory`. */
function sources(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * The packages a source file loads: static imports and re-exports, side-effect imports,
 * `import('…')` and `require('…')` (or core's `requireDependency('…')`) with a literal, and
 * package names kept in a `…_MODULE` constant for a dynamic import (core's default storage).
 * `import type` is left out: it loads nothing, and so is the text of template literals: code
 * written for another project (create-machinable's project template), not loaded by this one.
 */
function importedPackages(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[\s\S]*?\sfrom\s+'([^']+)'/gm)) if (!match[1]) specifiers.push(match[2]!);
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\b(?:require|requireDependency)\(\s*'([^']+)'\s*\)/g)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\b[A-Z_]+_MODULE\s*=\s*'(@[^']+)'/g)) specifiers.push(match[1]!);
  const packages = new Set<string>();
  for (const specifier of specifiers) {
    if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
    const parts = specifier.split('/');
    packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return packages;
}

const PACKAGES = ['core', 'storage-fs', 'storage-kit', 'slurm', 'server', 'create-machinable', 'cli'] as const;
/**
 * Declared but not imported: light-my-request is fastify's (its `inject`), pinned by the server to
 * 6.6, whose cookie@1 runs on Node 20 (6.8 takes cookie@2, which asks for Node >= 22).
 */
const NOT_IMPORTED: Readonly<Record<string, readonly string[]>> = { server: ['light-my-request'] };

describe('package manifests', () => {
  for (const pkg of PACKAGES) {
    it(`${pkg === 'create-machinable' ? pkg : `@machinable/${pkg}`} declares every package it imports, and nothing it does not`, () => {
      const directory = join(REPO, 'packages', pkg);
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
      const imported = new Set<string>();
      for (const folder of ['src', 'bin']) {
        let files: string[] = [];
        try {
          files = sources(join(directory, folder));
        } catch {
          continue; // no such folder
        }
        for (const file of files) for (const name of importedPackages(file)) if (name !== manifest.name) imported.add(name);
      }
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
      assert.deepEqual([...imported].filter((name) => !declared.has(name)).sort(), [], `imported by ${manifest.name} but not in its dependencies`);
      const unused = [...declared].filter((name) => !imported.has(name) && !(NOT_IMPORTED[pkg] ?? []).includes(name));
      assert.deepEqual(unused.sort(), [], `declared by ${manifest.name} but never imported`);
    });
  }

  it('core brings its default storage; storage-fs takes core as a peer (one core per project, so its errors are core\'s)', () => {
    const core = JSON.parse(readFileSync(join(REPO, 'packages', 'core', 'package.json'), 'utf8')) as Manifest;
    const storage = JSON.parse(readFileSync(join(REPO, 'packages', 'storage-fs', 'package.json'), 'utf8')) as Manifest;
    assert.ok(core.dependencies?.['@machinable/storage-fs'], 'core depends on @machinable/storage-fs');
    assert.equal((core as Manifest & { machinable?: { defaultStorage?: string } }).machinable?.defaultStorage, DEFAULT_STORAGE_MODULE, 'core names it as its default storage provider');
    assert.ok(storage.peerDependencies?.['@machinable/core'], 'storage-fs has core as a peer dependency');
    assert.equal(storage.dependencies?.['@machinable/core'], undefined);
  });

  it('storage-kit takes core as a peer and depends on nothing else: its instanceof checks are against the project\'s one core', () => {
    const kit = JSON.parse(readFileSync(join(REPO, 'packages', 'storage-kit', 'package.json'), 'utf8')) as Manifest;
    assert.deepEqual(kit.peerDependencies, { '@machinable/core': '0.1.0' });
    assert.deepEqual(kit.dependencies ?? {}, {});
  });

  it('slurm takes core as a peer too (its Slurm execution must be the project\'s core\'s Execution)', () => {
    const slurm = JSON.parse(readFileSync(join(REPO, 'packages', 'slurm', 'package.json'), 'utf8')) as Manifest;
    assert.equal(slurm.peerDependencies?.['@machinable/core'], '0.1.0');
    assert.equal(slurm.dependencies?.['@machinable/core'], undefined);
  });
});

/** The lowest Node of each range the packages' `engines` supports (`^20.6.0 || ^24.0.0`). */
const SUPPORTED_NODES = ['20.6.0', '24.0.0'];

/** Whether `version` satisfies an npm `engines` range of the forms lock files hold (`>=22`, `^20.19.0 || >=22.12.0`, `>=18 <21`, `20.x`). */
function satisfies(version: string, range: string): boolean {
  const parts = (text: string): number[] => text.replace(/^v/, '').split('.').map((n) => (n === 'x' || n === '*' ? NaN : Number(n)));
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < 3; i++) if (!Number.isNaN(b[i] ?? NaN) && (a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  const v = parts(version);
  return range.replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((term) => {
        const [, op = '', bound = ''] = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(term)!;
        if (bound === '*' || bound === '') return true;
        const b = parts(bound);
        const c = compare(v, b);
        if (op === '>=') return c >= 0;
        if (op === '<=') return c <= 0;
        if (op === '>') return c > 0;
        if (op === '<') return c < 0;
        if (op === '^') return c >= 0 && v[0] === b[0];
        if (op === '~') return c >= 0 && v[0] === b[0] && v[1] === b[1];
        return c === 0;
      }),
  );
}

describe('engines: what a user installs runs on every supported Node', () => {
  it('no package a user gets (not a devDependency) in package-lock.json asks for a Node the packages support not', () => {
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } }> };
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const node = entry.engines?.node;
      if (entry.dev || node === undefined) continue;
      for (const version of SUPPORTED_NODES) if (!satisfies(version, node)) refusing.push(`${path}@${entry.version} needs node ${node} (not ${version}): npm warns EBADENGINE`);
    }
    assert.deepEqual(refusing, []);
  });

  it('the range check reads the ranges lock files hold', () => {
    assert.equal(satisfies('20.6.0', '>=22'), false);
    assert.equal(satisfies('24.0.0', '>=22'), true);
    assert.equal(satisfies('20.6.0', '^20.19.0 || >=22.12.0'), false);
    assert.equal(satisfies('24.0.0', '^20.19.0 || >=22.12.0'), true);
    assert.equal(satisfies('20.6.0', '>=18'), true);
    assert.equal(satisfies('20.6.0', '^20.6.0 || ^24.0.0'), true);
    assert.equal(satisfies('20.6.0', '>= 14.0.0'), true);
  });
});
