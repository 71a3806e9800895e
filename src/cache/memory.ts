import { LRUCache } from 'lru-cache';
import type { Config } from '../config/index.ts';
import { recordCacheLookup } from '../observability/collector.ts';
import { approximateBytes } from './size.ts';
import type { CacheStats, ResultCache } from './types.ts';

/** Options of {@link createMemoryCache}. */
interface MemoryCacheOptions {
  /** Bound on the approximate bytes held (values plus keys); a positive integer. */
  readonly maxBytes: number;
  /** Default time to live of an entry in milliseconds; positive. */
  readonly ttlMs: number;
  /** Monotonic clock in milliseconds (default `performance.now`); tests pass a fake one. */
  readonly now?: () => number;
}

/** Boxed so that `null` (a legitimate result) can be stored: lru-cache values must be objects. */
interface Entry {
  readonly value: unknown;
}

/**
 * The L1 cache: an in-process LRU bounded by approximate bytes, with a TTL per entry.
 *
 * Values are stored as given, not copied, so a hit costs nothing: callers must treat both the
 * values they store and the values they get as immutable, or the next reader sees the change.
 * Expiry is lazy (a stale entry is dropped when it is next read or when room is needed), so
 * `entries` and `bytes` may include stale entries. A value whose size alone exceeds `maxBytes`
 * is not stored and replaces nothing but the key's previous value.
 */
export function createMemoryCache(options: MemoryCacheOptions): ResultCache {
  const maxBytes = Math.floor(options.maxBytes);
  if (!(maxBytes >= 1))
    throw new RangeError(`maxBytes must be at least 1, got ${options.maxBytes}`);
  const defaultTtl = toTtl(options.ttlMs);
  const counts = { hits: 0, misses: 0, evictions: 0, expirations: 0, sets: 0 };
  const clock = options.now;

  const lru = new LRUCache<string, Entry>({
    maxSize: maxBytes,
    // The key is held in memory as well, and for small results it is the larger part.
    sizeCalculation: (entry, key) => approximateBytes(entry.value) + key.length * 2,
    ttl: defaultTtl,
    ttlAutopurge: false,
    updateAgeOnGet: false,
    // lru-cache otherwise caches the clock reading for 1 ms behind a timer, which a fake clock
    // advanced synchronously would not see; reading performance.now() each time is cheap.
    ttlResolution: 0,
    // lru-cache treats a start time of 0 as "no TTL", so shift a fake clock that starts at 0.
    ...(clock ? { perf: { now: () => clock() + 1 } } : {}),
    dispose: (_entry, _key, reason) => {
      if (reason === 'evict') counts.evictions++;
      else if (reason === 'expire') counts.expirations++;
    },
  });

  return {
    get<T>(key: string) {
      return attempt(() => {
        const entry = lru.get(key);
        if (entry === undefined) {
          counts.misses++;
          recordCacheLookup('l1', key, false);
          return undefined;
        }
        counts.hits++;
        recordCacheLookup('l1', key, true);
        return entry.value as T;
      });
    },
    set<T>(key: string, value: T, ttlMs?: number) {
      return attempt(() => {
        if (value === undefined) {
          lru.delete(key);
          return;
        }
        const ttl = ttlMs === undefined ? defaultTtl : toTtl(ttlMs);
        const status: LRUCache.Status<string, Entry> = {};
        lru.set(key, { value }, { ttl, status });
        if (!status.maxEntrySizeExceeded) counts.sets++;
      });
    },
    delete(key: string) {
      return attempt(() => void lru.delete(key));
    },
    clear() {
      return attempt(() => lru.clear());
    },
    stats(): CacheStats {
      return { ...counts, entries: lru.size, bytes: lru.calculatedSize, maxBytes };
    },
    close() {
      return attempt(() => lru.clear());
    },
  };
}

/** The options of the L1 cache from the configuration (seconds and bytes). */
export function memoryCacheOptions(
  config: Pick<Config, 'cacheTtlSeconds' | 'cacheMaxBytes'>,
): MemoryCacheOptions {
  return { maxBytes: config.cacheMaxBytes, ttlMs: config.cacheTtlSeconds * 1000 };
}

/** lru-cache wants a positive integer; a fractional TTL from seconds rounds up, never to 0. */
function toTtl(ttlMs: number): number {
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) {
    throw new RangeError(`a TTL must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

/** Runs `fn` so that a throw becomes a rejection, as callers of an async interface expect. */
function attempt<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
