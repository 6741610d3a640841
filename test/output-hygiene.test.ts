/**
 * What the command line prints for people: characters a terminal acts on (escape sequences that
 * retitle the window or clear the screen, C1 controls, bidirectional overrides, line breaks) are
 * written out in tables and messages; `--json` keeps every value exact.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get, project } from '@machinable/core';
import { formatTable, visible } from '@machinable/cli';
import { linkPackages, makeProject } from './helpers.js';
import { machinable } from './cli-helpers.js';

const NOTES = `
import { Interface, Config, Field } from '@machinable/core';
@Config() export class C { @Field() note = ''; }
export default class Notes extends Interface<C> { static Config = C; run() {} }`;

/** A value that retitles the window (OSC 0), clears the screen (CSI 2J, and its one-byte C1 form), reverses the text after it, and breaks the line. */
const HOSTILE = 'a\u001b]0;pwned\u0007b\u001b[2J\u009b2J\u202eevil\nnext\tend\u007f';
const SHOWN = 'a\\x1b]0;pwned\\x07b\\x1b[2J\\x9b2J\\u202eevil\\nnext\\tend\\x7f';
/** Any character a terminal acts on, but the line breaks between rows. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('output hygiene: visible()', () => {
  it('writes out C0 and C1 controls, DEL, separators and bidirectional controls, and leaves other text alone', () => {
    assert.equal(visible(HOSTILE), SHOWN);
    assert.equal(visible('\u2028\u2029\u200e\u2066\u061c'), '\\u2028\\u2029\\u200e\\u2066\\u061c');
    assert.equal(visible('café 東京 ⏎ C:\\path 🙂'), 'café 東京 ⏎ C:\\path 🙂');
  });

  it('formatTable escapes every cell and the header, then pads and clips what is shown', () => {
    const table = formatTable(['id', 'note\u001b[1m'], [['x', HOSTILE]], 80);
    assert.doesNotMatch(table, ACTIVE);
    assert.deepEqual(table.split('\n'), ['id  note\\x1b[1m', `x   ${SHOWN}`]);
    assert.equal(formatTable(['n'], [['\u001b'.repeat(30)]], 10).split('\n')[1], `${'\\x1b'.repeat(2)}\\…`, 'clipped after escaping');
  });
});

describe('output hygiene: machinable ls and find', () => {
  let dir: string;
  let id: string;
  before(async () => {
    dir = linkPackages(makeProject({ 'notes.ts': NOTES }));
    await project(dir).within(async () => {
      const run = await (await get('notes', { note: HOSTILE })).launch();
      run.setLabel('label\u001b]0;owned\u0007');
      id = run.uuid;
    });
  });

  it('find prints config values and labels escaped in its table, and exact with --json', async () => {
    const table = await machinable(dir, 'find', 'notes', '--columns', 'id,config.note,label');
    assert.equal(table.code, 0, table.stderr);
    assert.doesNotMatch(table.stdout, ACTIVE);
    assert.ok(table.stdout.includes('a\\x1b]0;pwned\\x07b\\x1b[2J\\x9b2J\\u202eevil\\nnext\\tend\\x7f'), table.stdout);
    assert.ok(table.stdout.includes('label\\x1b]0;owned\\x07'), table.stdout);
    assert.equal(table.stdout.trimEnd().split('\n').length, 2, 'one header, one row: the line break stays in its cell');

    const json = await machinable(dir, 'find', 'notes', '--columns', 'id,config.note,label', '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [{ id, 'config.note': HOSTILE, label: 'label\u001b]0;owned\u0007' }]);
  });

  it('ls prints the version escaped in its table, and exact with --json', async () => {
    const table = await machinable(dir, 'ls', 'notes');
    assert.equal(table.code, 0, table.stderr);
    assert.doesNotMatch(table.stdout, ACTIVE);
    assert.match(table.stdout, /\\x1b\]0;pwned\\x07b/);
    const json = await machinable(dir, 'ls', 'notes', '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as Array<{ version: unknown }>)[0]!.version, [{ note: HOSTILE }]);
  });

  it('reindex names a directory escaped', async () => {
    const orphan = join(dir, 'storage', 'orphan\u001b]0;pwned\u0007');
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'id.json'), '{}');
    try {
      const result = await machinable(dir, 'reindex');
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout.trimEnd(), ACTIVE);
      assert.ok(result.stdout.includes('orphan\\x1b]0;pwned\\x07'), result.stdout);
    } finally {
      rmSync(orphan, { recursive: true });
    }
  });

  it('an error message echoing a condition is escaped too', async () => {
    const result = await machinable(dir, 'find', 'notes', '--where', 'note<>\u001b[2J');
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr.trimEnd(), ACTIVE);
    assert.match(result.stderr, /unknown operator '<>' in 'note<>\\x1b\[2J'/);
  });
});
