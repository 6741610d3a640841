import assert from 'node:assert/strict';

import { MachinableError, type Storage, type WalkEntry } from '@machinable/core/storage';

/** An error class of `@machinable/core/storage`, as the contract requires it. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * What `walk()` yields, as plain entries in its order, whether it gives a sync or an async iterable.
 *
 * @example
 * const entries = await walked(storage); // [{ location: 'memory://a/b', sentinel: true }]
 */
export async function walked(storage: Storage, location?: string): Promise<WalkEntry[]> {
  const walk = storage.walk(location);
  const out: WalkEntry[] = [];
  if (Symbol.asyncIterator in walk) for await (const { location, sentinel } of walk) out.push({ location, sentinel });
  else for (const { location, sentinel } of walk) out.push({ location, sentinel });
  return out;
}

/** The locations `walk()` yields, in its order. */
export async function walkedLocations(storage: Storage, location?: string): Promise<string[]> {
  return (await walked(storage, location)).map((entry) => entry.location);
}

/**
 * Asserts that `action` throws (or answers a promise that rejects with) an instance of `expected`,
 * the class of `@machinable/core/storage`, naming what was thrown instead.
 */
export async function expectError(what: string, expected: ErrorClass, action: () => unknown): Promise<unknown> {
  let answer: unknown;
  try {
    answer = await action();
  } catch (error) {
    if (error instanceof expected && error instanceof MachinableError) return error;
    const sameName = error instanceof Error && error.name === expected.name;
    const hint = sameName ? ` of another copy of @machinable/core (declare core as a peer dependency, so the project has one)` : '';
    assert.fail(`${what} should throw ${expected.name} of @machinable/core/storage, but threw ${describeError(error)}${hint}`);
  }
  assert.fail(`${what} should throw ${expected.name} of @machinable/core/storage, but answered ${describeValue(answer)}`);
}

/** Asserts that `actual` is a Buffer holding exactly `expected`, naming the first difference (not megabytes of them). */
export function expectBytes(actual: unknown, expected: Uint8Array | string, what: string): void {
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : Buffer.from(expected);
  assert.ok(Buffer.isBuffer(actual), `${what}: readFile() should answer a Buffer, but answered ${describeValue(actual)}`);
  if (actual.equals(want)) return;
  let at = 0;
  while (at < Math.min(actual.length, want.length) && actual[at] === want[at]) at++;
  assert.fail(`${what}: ${actual.length} bytes read, ${want.length} written; they differ from byte ${at} on`);
}

/** `name: message` of an error, or what was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `the non-error ${describeValue(error)}`;
}

/** A short text of a value for a message (a Buffer as its length, long texts cut). */
export function describeValue(value: unknown): string {
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
