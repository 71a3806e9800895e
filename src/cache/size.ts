/**
 * Heap bytes a cached value takes per character of its JSON text. The objects behind the text
 * (row objects, LangChain messages in the answer cache's snapshots, their hidden classes and
 * boxed numbers) take several times the text itself: measured on the server, 3,500 distinct
 * answers held about 250 MB of heap where 2 bytes a character counted 60 MB.
 */
const BYTES_PER_JSON_CHAR = 8;

/**
 * Approximate memory held by a cached value, from the length of its JSON text (see
 * BYTES_PER_JSON_CHAR): enough to bound the cache by what it really holds; exact heap
 * accounting is not available to JavaScript.
 */
export function approximateBytes(value: unknown): number {
  // JSON.stringify throws on bigint, which DuckDB returns for BIGINT/HUGEINT columns.
  const json = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  ) as string | undefined;
  // lru-cache needs a positive integer; undefined is what JSON gives for functions and symbols.
  return Math.max(1, (json?.length ?? 0) * BYTES_PER_JSON_CHAR);
}
