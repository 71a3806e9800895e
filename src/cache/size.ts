/**
 * Approximate memory held by a cached value: its JSON text as UTF-16 (2 bytes a character).
 * Query results are plain rows of numbers and strings, for which this is close enough to bound
 * the cache; exact heap accounting is not available to JavaScript.
 */
export function approximateBytes(value: unknown): number {
  // JSON.stringify throws on bigint, which DuckDB returns for BIGINT/HUGEINT columns.
  const json = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  ) as string | undefined;
  // lru-cache needs a positive integer; undefined is what JSON gives for functions and symbols.
  return Math.max(1, (json?.length ?? 0) * 2);
}
