/**
 * The grammar of a find condition (`--where`, `where()`): unknown or malformed operators are
 * errors listing the operators; `~` (contains) matches its value as text, `~~` (like) is the
 * pattern; a request's size is bounded with an error naming the limit and the key, and no raw
 * SQLite error reaches a user or the server's API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkFindRequest, FIND_LIMITS, FindRequestError, find, findFailure, get, parseWhere, project, whereOperator, type FindRequest, type WhereOperator } from '@machinable/core';
import { serve, type RunningServer } from '@machinable/server';
import { makeProject, linkPackages } from './helpers.js';
import { machinable } from './cli-helpers.js';
import { request } from './server-helpers.js';

const NOTES = `
import { Interface, Config, Field } from '@machinable/core';
@Config() export class C { @Field({ type: 'int' }) seed = 0; @Field() note = ''; }
export default class Notes extends Interface<C> { static Config = C; run() {} }`;

/** seed, note: '_' and '%' in the notes, and seeds whose text a LIKE wildcard would match. */
const RUNS: Array<[number, string]> = [
  [1, 'a_b'],
  [10, 'axb'],
  [11, '50%'],
  [12, '500'],
];

const OPERATORS_LISTED = /= \(eq\).*!= \(ne\).*<= \(lte\).*>= \(gte\).*~ \(contains\).*~~ \(like\).*in/;

let dir: string;
const ids = new Map<number, string>();
const inProject = <T>(fn: () => Promise<T>): Promise<T> => project(dir).within(fn);
const seedsOf = (result: { items: Array<{ record_id: string }> }): number[] =>
  result.items.map((item) => [...ids].find(([, id]) => id === item.record_id)![0]).sort((a, b) => a - b);
const configFind = (...filters: Array<{ path: string; op: string; value: unknown }>): FindRequest => ({ module: 'notes', config: { filters } } as FindRequest);

before(async () => {
  dir = linkPackages(makeProject({ 'notes.ts': NOTES }));
  await inProject(async () => {
    for (const [seed, note] of RUNS) ids.set(seed, (await (await get('notes', { seed, note })).launch()).uuid);
  });
});

describe('where: one grammar of operators', () => {
  it('refuses an unknown or malformed operator, listing the operators, rather than comparing with text', () => {
    for (const text of ['lr<>0.1', 'lr=<0.1', 'lr>=<0.1', 'lr=>0.1', 'lr===1', 'lr!0.1', 'lr =! 1', 'lr~=x', 'lr< >0.1', 'lr= <0.1', 'lr 0.1']) {
      assert.throws(() => parseWhere(text), (error: unknown) => {
        assert.ok(error instanceof FindRequestError, `${text}: ${String(error)}`);
        assert.match(error.message, OPERATORS_LISTED, text);
        return true;
      });
    }
    assert.match(String(catching(() => parseWhere('lr<>0.1'))), /unknown operator '<>' in 'lr<>0.1'/);
  });

  it('reads every operator, a value holding operator characters after its first, and a quoted value starting with one', () => {
    assert.deepEqual(parseWhere('lr<=0.1'), { path: 'lr', op: 'lte', value: 0.1 });
    assert.deepEqual(parseWhere('lr >= 0.1'), { path: 'lr', op: 'gte', value: 0.1 });
    assert.deepEqual(parseWhere('lr!=0.1'), { path: 'lr', op: 'ne', value: 0.1 });
    assert.deepEqual(parseWhere('lr==0.1'), { path: 'lr', op: 'eq', value: 0.1 });
    assert.deepEqual(parseWhere('lr<0.1'), { path: 'lr', op: 'lt', value: 0.1 });
    assert.deepEqual(parseWhere('lr>-1'), { path: 'lr', op: 'gt', value: -1 });
    assert.deepEqual(parseWhere('note~a_b'), { path: 'note', op: 'contains', value: 'a_b' });
    assert.deepEqual(parseWhere('note~~a%b'), { path: 'note', op: 'like', value: 'a%b' });
    assert.deepEqual(parseWhere('label=a=>b'), { path: 'label', op: 'eq', value: 'a=>b' });
    assert.deepEqual(parseWhere("note='=>x'"), { path: 'note', op: 'eq', value: '=>x' });
    assert.deepEqual(parseWhere('seed in [1, 2]'), { path: 'seed', op: 'in', value: [1, 2] });
    assert.deepEqual(parseWhere('seed in 1,2'), { path: 'seed', op: 'in', value: [1, 2] });
  });

  it('takes the same operators in the builder form, and refuses others there too', async () => {
    const cases: Array<[WhereOperator, string]> = [['=', 'eq'], ['==', 'eq'], ['!=', 'ne'], ['<', 'lt'], ['<=', 'lte'], ['>', 'gt'], ['>=', 'gte'], ['~', 'contains'], ['~~', 'like'], ['in', 'in'], ['ne', 'ne'], ['like', 'like']];
    for (const [symbol, op] of cases) {
      assert.equal(whereOperator(symbol), op, symbol);
      assert.equal(find({ module: 'notes' }).where('seed', symbol, symbol === 'in' ? [1] : 1).request.config?.filters?.[0]?.op, op, symbol);
    }
    for (const bad of ['<>', '=<', '=>', 'equals', '']) {
      assert.throws(() => find({}).where('seed', bad as WhereOperator, 1), (error: unknown) => error instanceof FindRequestError && OPERATORS_LISTED.test(error.message), bad);
    }
    await inProject(async () => {
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('seed', '!=', 10)), [1, 11, 12]);
    });
  });

  it('is an error on the command line too, with the operators, and nothing is listed', async () => {
    const result = await machinable(dir, 'find', 'notes', '--where', 'seed<>1');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /unknown operator '<>'/);
    assert.match(result.stderr, OPERATORS_LISTED);
    assert.equal(result.stdout, '');
  });
});

describe('where: contains is text, like is a pattern', () => {
  it("matches '%' and '_' in a contains value literally", async () => {
    await inProject(async () => {
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('note~a_b')), [1], "'_' is not any character");
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('note~0%')), [11], "'%' is not any text");
      assert.deepEqual(seedsOf(await find(configFind({ path: 'seed', op: 'contains', value: '1_' }))), [], 'no seed\'s text holds "1_" (as a pattern, 10, 11 and 12 would match)');
      assert.deepEqual(seedsOf(await find(configFind({ path: 'note', op: 'contains', value: '\\' }))), [], 'a backslash is text too');
    });
  });

  it('matches a like pattern with % and _ as wildcards, and \\ escaping them', async () => {
    await inProject(async () => {
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('note~~a_b')), [1, 10]);
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('note~~50%')), [11, 12]);
      assert.deepEqual(seedsOf(await find({ module: 'notes' }).where('note', 'like', '50\\%')), [11]);
      assert.deepEqual(seedsOf(await find(configFind({ path: 'seed', op: 'like', value: '1_' }))), [10, 11, 12]);
      assert.throws(() => checkFindRequest(configFind({ path: 'note', op: 'like', value: 5 })), /config\.filters\[0\]\.value: like takes a pattern/);
    });
  });

  it("matches a record_id_suffix as text: '%' is no wildcard", async () => {
    await inProject(async () => {
      assert.equal((await find({ module: 'notes', record_id_suffix: '%' })).total, 0);
      assert.equal((await find({ module: 'notes', record_id_suffix: '_' })).total, 0);
      const id = ids.get(10)!;
      assert.deepEqual((await find({ module: 'notes', record_id_suffix: id.slice(-4) })).items.map((item) => item.record_id), [id]);
    });
  });
});

describe('where: request size limits', () => {
  const filters = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'seed', op: 'ne', value: -1 - i }));

  it('refuses a request larger than the limits, naming the limit and the key', async () => {
    const cases: Array<[FindRequest, RegExp]> = [
      [configFind(...filters(1000)), /config\.filters: 1000 filters are more than the limit of 100/],
      [{ predicate: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) } as FindRequest, /predicate: 101 predicate entries are more than the limit of 100/],
      [{ sort: Array.from({ length: 17 }, () => ({ by: 'module' })) } as FindRequest, /sort: 17 sort terms are more than the limit of 16/],
      [configFind({ path: 'seed', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) }), /config\.filters\[0\]\.value: 1001 values in one 'in' list are more than the limit of 1000/],
      [configFind(...Array.from({ length: 6 }, () => ({ path: 'seed', op: 'in', value: Array.from({ length: 1000 }, (_, i) => i) }))), /config\.filters: 6000 values bound in all .* more than the limit of 5000/],
      [configFind({ path: 'a'.repeat(501), op: 'eq', value: 1 }), /config\.filters\[0\]\.path: a path of 501 characters is longer than the limit of 500/],
      [configFind({ path: 'note', op: 'contains', value: 'x'.repeat(10_001) }), /config\.filters\[0\]\.value: a value of 10001 characters is longer than the limit of 10000/],
      [{ record_id_suffix: 'x'.repeat(10_001) } as FindRequest, /record_id_suffix: a value of 10001 characters/],
      [{ label: 'x'.repeat(10_001) } as FindRequest, /label: a value of 10001 characters/],
    ];
    await inProject(async () => {
      for (const [request, message] of cases) {
        await assert.rejects(find(request).then((r) => r), (error: unknown) => error instanceof FindRequestError && message.test(error.message), String(message));
      }
      // At the limits, the find runs.
      assert.deepEqual(seedsOf(await find(configFind(...filters(FIND_LIMITS.filters)))), [1, 10, 11, 12]);
      assert.deepEqual(seedsOf(await find(configFind({ path: 'seed', op: 'in', value: Array.from({ length: FIND_LIMITS.inValues }, (_, i) => i) }))), [1, 10, 11, 12]);
    });
  });

  it("makes SQLite's refusal of a statement too large a FindRequestError, and leaves the index's own failures as they are", () => {
    const tooLarge = Object.assign(new Error('Expression tree is too large (maximum depth 1000)'), { code: 'SQLITE_ERROR' });
    const mapped = findFailure(tooLarge);
    assert.ok(mapped instanceof FindRequestError);
    assert.match(mapped.message, /a find this large or complex \(Expression tree is too large \(maximum depth 1000\)\); use fewer filters/);
    const variables = Object.assign(new Error('too many SQL variables'), { code: 'SQLITE_ERROR' });
    assert.ok(findFailure(variables) instanceof FindRequestError);
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    assert.equal(findFailure(corrupt), corrupt);
    const bug = new TypeError('x is undefined');
    assert.equal(findFailure(bug), bug);
  });
});

describe('where: the server answers 400 for a bad find', () => {
  let server: RunningServer;
  before(async () => {
    server = await serve({ directory: dir, port: 0 });
  });
  after(async () => {
    await server?.close();
  });

  it('answers 400 with the reason for 1,000 filters, an unknown operator, a like without a pattern, a path too long', async () => {
    const bodies: Array<[unknown, RegExp]> = [
      [configFind(...Array.from({ length: 1000 }, (_, i) => ({ path: 'seed', op: 'ne', value: i }))), /limit of 100/],
      [configFind({ path: 'seed', op: '<>', value: 1 }), /unknown operator "<>"/],
      [configFind({ path: 'note', op: 'like', value: null }), /like takes a pattern/],
      [configFind({ path: 'x'.repeat(501), op: 'eq', value: 1 }), /limit of 500/],
    ];
    for (const [body, detail] of bodies) {
      const answer = await request(server.url, '/v1/interfaces/search', { body });
      assert.equal(answer.status, 400, answer.text());
      assert.match(answer.json<{ detail: string }>().detail, detail);
    }
    const fine = await request(server.url, '/v1/interfaces/search', { body: configFind({ path: 'note', op: 'contains', value: '%' }) });
    assert.equal(fine.status, 200, fine.text());
    assert.deepEqual(fine.json<{ items: { id: string }[] }>().items.map((item) => item.id), [ids.get(11)]);
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
