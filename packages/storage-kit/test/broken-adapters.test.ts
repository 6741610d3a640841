/**
 * The kit fails an adapter that breaks the contract, and fails it for the right reason: each
 * broken adapter of `fixtures/broken-adapters.ts` is put through the whole suite in a child
 * `node --test`, which must exit non-zero with exactly the cases of the broken rule failing (their
 * messages naming what went wrong) and every other case passing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SUITE = fileURLToPath(new URL('./fixtures/broken-suite.js', import.meta.url));

/** What a run of the suite reported, case by case (from its TAP output). */
interface Report {
  readonly code: number | null;
  readonly passed: readonly string[];
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  readonly output: string;
}

/** Runs the suite against the broken adapter `name` in a child `node --test` with the TAP reporter. */
function runSuite(name: string): Promise<Report> {
  const env: NodeJS.ProcessEnv = { ...process.env, STORAGE_KIT_BROKEN: name };
  // Set for the test files the runner starts: a nested `node --test` would then report to a parent
  // runner in its binary protocol instead of writing TAP.
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn(process.execPath, ['--test', '--test-reporter=tap', SUITE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const passed: string[] = [];
      const failed: string[] = [];
      const skipped: string[] = [];
      // The cases are the test points one level inside the suite (indented by four spaces).
      for (const match of output.matchAll(/^ {4}(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/gm)) {
        const [, status, name, directive] = match;
        if (directive !== undefined) skipped.push(name!);
        else (status === 'ok' ? passed : failed).push(name!);
      }
      resolve({ code, passed, failed, skipped, output });
    });
  });
}

/** Each broken adapter, the cases its broken rule must fail, and what their messages must say. */
const BROKEN: readonly { readonly adapter: string; readonly rule: string; readonly failing: readonly string[]; readonly says: RegExp }[] = [
  {
    adapter: 'type-error',
    rule: 'a write without a record throws TypeError where the contract requires RecordNotFoundError',
    failing: [
      'writeFile: throws RecordNotFoundError for a location without a record, and creates nothing',
      'appendFile: throws RecordNotFoundError for a location without a record, and creates nothing',
      'createFile: throws RecordNotFoundError for a location without a record, and creates nothing',
    ],
    says: /should throw RecordNotFoundError of @machinable\/core\/storage, but threw TypeError/,
  },
  {
    adapter: 'partial-create',
    rule: 'create() is not all or nothing: a failure leaves a part of the record',
    failing: [
      'create: a create that fails midway (a file that cannot be read) leaves no record and nothing at the location, and a later create there succeeds',
      'create: refuses a file path that is empty, absolute, leaves the record or names a temporary entry with RecordPathError, creating nothing',
    ],
    says: /a failed create\(\) left a record/,
  },
  {
    adapter: 'racy-create-file',
    rule: 'createFile() is not atomic: concurrent callers both get true',
    failing: ['createFile: of many concurrent callers in one process, exactly one gets true, and the file holds its data'],
    says: /\d+ of 32 concurrent createFile\(claim\) calls answered true/,
  },
  {
    adapter: 'lost-append',
    rule: 'appendFile() reads and rewrites the file across an await, so concurrent appends lose lines',
    failing: ['appendFile: keeps every line whole when many appends run concurrently in one process'],
    says: /200 lines appended, \d+ kept/,
  },
  {
    adapter: 'truncating-write',
    rule: 'writeFile() drops the data after the first MiB',
    failing: ['large files: a large file round-trips byte for byte through create, writeFile, createFile and appendFile'],
    says: /a large file writeFile\(\) replaced: 1048576 bytes read, \d+ written/,
  },
];

describe('storage-kit: the suite fails broken adapters, for the broken rule only', () => {
  for (const { adapter, rule, failing, says } of BROKEN) {
    it(`fails ${adapter} (${rule}) in exactly its cases`, async () => {
      const report = await runSuite(adapter);
      assert.notEqual(report.code, 0, 'node --test should exit non-zero');
      assert.ok(report.passed.length >= 40, `only ${report.passed.length} cases passed; output:\n${report.output.slice(0, 4000)}`);
      assert.deepEqual([...report.failed].sort(), [...failing].sort(), `the failing cases; output:\n${report.output.slice(0, 4000)}`);
      assert.match(report.output, says, 'the failure names what went wrong');
      // Without options.processes and options.sentinelless, those cases are skipped, reported as such.
      assert.ok(report.skipped.some((name) => name.startsWith('processes:')), 'the cross-process cases are reported as skipped');
    });
  }
});
