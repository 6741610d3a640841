/**
 * What a child process of the kit is asked to do with the store it opens, and what it says back:
 * one JSON message per line on its stdout.
 */

/** One task for a child process, started when the parent says `go`. */
export type ChildTask =
  /** `createFile(location, path, data)` for each path, in order: answers whether it got each one. */
  | { readonly kind: 'createFile'; readonly location: string; readonly paths: readonly string[]; readonly data: string }
  /** `count` appends of {@link appendedLine} lines tagged `tag`. */
  | { readonly kind: 'appendFile'; readonly location: string; readonly path: string; readonly tag: string; readonly count: number; readonly padding: number }
  /** `create(location, files)`: answers `created`, or `exists` for a `RecordExistsError`. */
  | { readonly kind: 'create'; readonly location: string; readonly files: readonly (readonly [string, string])[] }
  /** `create()` of a large record (`largeRecord`) at each location in turn, saying `created` after each. */
  | { readonly kind: 'createRecords'; readonly locations: readonly string[]; readonly files: number; readonly bytes: number };

/** What the child is given on its command line. */
export interface ChildRequest {
  /** URL of the module that opens the store. */
  readonly module: string;
  readonly exportName: string;
  /** The subject's `shared` value, given to the opener. */
  readonly shared: unknown;
  readonly task: ChildTask;
}

/** One line a child writes. */
export type ChildMessage =
  | { readonly ready: true }
  | { readonly created: number }
  | { readonly result: unknown }
  | { readonly error: string };

/** A line an appending child writes: whole JSON, padded so that a torn or mixed line shows. */
export function appendedLine(tag: string, index: number, padding: number): string {
  return `${JSON.stringify({ tag, index, pad: tag.repeat(padding) })}\n`;
}
