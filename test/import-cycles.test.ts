/**
 * The packages' module graphs have no circles, counting every import: `import type` and
 * type-only names too (a type import is a dependency of the design even when it loads no code),
 * re-exports, and `import('…')`, dynamic or in a type. A circle is a knot no reader can start at.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './helpers.js';
import { circles, sourceFiles } from './source-graph.js';
import { PACKAGES } from './layers.js';

describe('code: no import circles, type and dynamic imports counted', () => {
  for (const pkg of PACKAGES) {
    it(`packages/${pkg} has none`, () => {
      const root = join(REPO, 'packages', pkg, 'src');
      assert.ok(existsSync(root), `${root} exists`);
      const found = circles(sourceFiles(root)).map((circle) => circle.map((file) => relative(root, file)).join(' -> '));
      assert.deepEqual(found, []);
    });
  }

  it('the reader sees type-only and dynamic imports (a circle made only of them is found)', () => {
    const root = join(REPO, 'test', 'fixtures', 'circle');
    const found = circles(sourceFiles(root)).map((circle) => circle.map((file) => relative(root, file)).join(' -> '));
    assert.deepEqual(found, ['a.ts -> b.ts -> c.ts -> a.ts']);
  });
});
