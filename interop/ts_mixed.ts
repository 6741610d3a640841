// Mixed use of one live store and index, TypeScript side (no reindex in between).
//   node --import @machinable/core/register ts_mixed.ts write <folder>                 -> launches train lr=0.9, prints {"uuid","run"}
//   node --import @machinable/core/register ts_mixed.ts read <folder> <record.json> [report.json]
//     -> record.json is what py_mixed.py write printed: TS get('train', { lr: 0.9 }) must find that
//        record in the index Python wrote, cached, its result written by Python, no recompute.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { get, project, type Interface } from '@machinable/core';

if (!process.env['MACHINABLE_PY_PATH']) {
  console.error(
    "MACHINABLE_PY_PATH is not set. These scripts check stores against Python machinable (the reference), which they find through it; see interop/README.md, 'Setting up the Python side'.",
  );
  process.exit(2);
}

const [mode, folderArg, recordPath, reportPath] = process.argv.slice(2);
if ((mode !== 'write' && mode !== 'read') || !folderArg || (mode === 'read' && !recordPath)) {
  console.error('usage: ts_mixed.ts write <folder> | ts_mixed.ts read <folder> <record.json> [report.json]');
  process.exit(2);
}
const folder = resolve(folderArg);

if (mode === 'write') {
  const out = await project(folder).within(async () => {
    const run = (await (await get('train', { lr: 0.9 })).launch()) as Interface;
    return { uuid: run.uuid, run: run.execution!.uuid };
  });
  console.log(JSON.stringify(out));
} else {
  const record = JSON.parse(readFileSync(recordPath!, 'utf8')) as { uuid: string; run: string };
  const results: { check: string; pass: boolean; differences: string[] }[] = [];
  const expect = (name: string, actual: unknown, expected: unknown): void => {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    const differences = ok ? [] : [`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    results.push({ check: name, pass: ok, differences });
    console.log(`[${ok ? 'PASS' : 'FAIL'}] ${name}`);
    for (const d of differences) console.log(`       - ${d}`);
  };
  await project(folder).within(async () => {
    const found = (await get('train', { lr: 0.9 })) as Interface;
    expect("get('train', { lr: 0.9 }) finds the Python record in the live index (no reindex)", found.isMaterialized ? found.uuid : '(not found)', record.uuid);
    if (found.uuid === record.uuid) {
      expect('  ...cached()', found.cached(), true);
      expect("  ...status()", found.status(), 'finished');
      expect("  ...loadFile('result.json').by", found.loadFile<{ by: string }>('result.json').by, 'python');
      expect('  ...execution', found.execution?.uuid, record.run);
      const before = (await found.executions()).length;
      await found.launch();
      expect('  ...launch() does not recompute', (await found.executions()).length, before);
    }
  });
  const failed = results.filter((r) => !r.pass).length;
  console.log(`\nTypeScript reads the record Python just wrote into the live TS index: ${results.length - failed} passed, ${failed} failed`);
  if (reportPath) writeFileSync(reportPath, JSON.stringify({ title: 'TS reads a record Python wrote into the live index', results }, null, 2));
  process.exit(failed ? 1 : 0);
}
