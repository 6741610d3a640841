/**
 * How many items' reads are in flight at once. An adapter over a remote service gets a few
 * requests at a time rather than thousands (a page of 1,000 runs reads seven small files each);
 * with an adapter that answers at once it changes nothing.
 */
export const READS_IN_FLIGHT = 16;

/**
 * `Promise.all(items.map(fn))`, with at most `limit` calls of `fn` pending at once; results in the
 * order of `items`. The first rejection rejects the whole (the calls under way are let finish).
 *
 * @example
 * const infos = await boundedMap(rows, (row) => executionInfo(reader, row));
 */
export async function boundedMap<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, limit = READS_IN_FLIGHT): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
