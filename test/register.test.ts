/**
 * `node --import @machinable/core/register script.ts`: a TypeScript script (a sweep driver, say)
 * runs without a build step, compiled like a project's modules (decorator metadata included).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkPackages, runNode } from './helpers.js';

const SCRIPT = `import { Config, Field, resolveConfig } from '@machinable/core';
import { double } from './double.js';

interface Args { readonly n: number }

@Config()
class Sizes { @Field({ type: 'int' }) n: number = 1; }

const args: Args = { n: Number(process.argv[2]) };
const { config } = resolveConfig(Sizes, [{ n: String(double(args.n)) }]);
const type = Reflect.getMetadata('design:type', Sizes.prototype, 'n') as { name: string };
console.log(config.n, typeof config.n, type.name);
`;

describe('@machinable/core/register', () => {
  let dir: string;
  before(() => {
    dir = linkPackages(mkdtempSync(join(tmpdir(), 'machinable-register-')));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'driver.ts'), SCRIPT);
    // TypeScript style: imported as ./double.js, the file is double.ts.
    writeFileSync(join(dir, 'double.ts'), 'export const double = (x: number): number => 2 * x;\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a .ts script with types, decorators and decorator metadata, and its arguments', async () => {
    const result = await runNode(dir, ['--import', '@machinable/core/register', 'driver.ts', '21']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '42 number Number\n');
  });
});
