// Step 2, TypeScript side: writes the records Python machinable then reads.
// Usage (cwd = the project folder, after `machinable get train lr=0.5 --launch` made the base record):
//   node --import @machinable/core/register <this file> <project folder>  > ts-summary.json
// Makes a scoped run, a derived child, a second record that use()s the base, a label, and one record
// per identity vector of fixtures/vectors.json; prints the uuids as JSON. Idempotent: a second run finds the same records.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { get, project, scope, type Interface } from '@machinable/core';

if (!process.env['MACHINABLE_PY_PATH']) {
  console.error(
    "MACHINABLE_PY_PATH is not set. These scripts check stores against Python machinable (the reference), which they find through it; see interop/README.md, 'Setting up the Python side'.",
  );
  process.exit(2);
}

const folder = resolve(process.argv[2] ?? process.cwd());
const vectors = JSON.parse(readFileSync(new URL('./fixtures/vectors.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
const out: Record<string, unknown> = {};
await project(folder).within(async () => {
  const scoped = await scope({ dataset: 'v2' }).within(async () => (await get('train', { lr: 0.5 })).launch());
  out.scoped = scoped.uuid;
  const base = (await get('train', { lr: 0.5 })) as Interface;
  if (!base.isMaterialized) throw new Error('expected the record made by `machinable get train lr=0.5 --launch`');
  out.base = base.uuid;
  out.base_run = base.execution!.uuid;
  const child = await (await base.derive('train', { lr: 0.2, epochs: 3 })).launch();
  out.child = child.uuid;
  out.child_run = child.execution!.uuid;
  const user = await (await get('train', { name: 'eval' })).launch();
  await user.use(base);
  user.setLabel('evaluation');
  out.user = user.uuid;
  // identity vectors (floats in Python's repr profile, -0.0, coercion, non-ASCII): one record each
  const uuids: string[] = [];
  for (const version of vectors) uuids.push((await (await get('train', version)).launch()).uuid);
  out.vectors = uuids;
  out.vector_versions = vectors;
});
console.log(JSON.stringify(out));
