/**
 * The result cache contract. Every operation is async so that a shared Redis L2 can implement
 * the same interface as the in-process L1 (src/cache/memory.ts) and callers never care which.
 */

/** Counters since the cache was created; `clear()` empties the cache but keeps the counters. */
export interface CacheStats {
  /** `get` calls that found a live value. */
  readonly hits: number;
  /** `get` calls that found nothing (never stored, evicted, expired or too large to store). */
  readonly misses: number;
  /** Entries dropped to stay under `maxBytes`. */
  readonly evictions: number;
  /**
   * Entries dropped because their TTL ran out, counted when they are found stale (expiry is
   * lazy); 0 where the backend cannot tell.
   */
  readonly expirations: number;
  /** Values actually stored (a value too large to store is not counted). */
  readonly sets: number;
  /** Entries held now, including stale ones not yet found. */
  readonly entries: number;
  /** Approximate bytes held now. */
  readonly bytes: number;
  /** The size bound. */
  readonly maxBytes: number;
}

/**
 * A key-value cache of query results. Keys come from `cacheKey` (src/cache/key.ts); a key
 * determines the shape of its value, which is why `get<T>` can trust the caller's `T`.
 */
export interface ResultCache {
  /** The live value under `key`, or undefined (a miss). */
  get<T>(key: string): Promise<T | undefined>;
  /**
   * Stores `value` under `key` for `ttlMs` (default: the cache's TTL). Storing `undefined`
   * deletes the key, since `get` could not tell it from a miss.
   */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops every entry; the counters of `stats()` keep counting. */
  clear(): Promise<void>;
  stats(): CacheStats;
  /** Frees the cache's resources (a Redis connection; the entries of a memory cache). */
  close(): Promise<void>;
}
