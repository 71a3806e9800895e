/**
 * The two-level result cache of a server with LANDUSE_REDIS_URL: the in-process LRU (L1) in
 * front of Redis (L2), shared by every instance. Keys already carry the database's fingerprint
 * (key.ts, context.ts), so instances serving the same build share entries and a reloaded
 * database never meets the old file's results.
 *
 * A lookup asks L1, then L2; an L2 hit is decoded once and kept in L1. A store goes to L1 at
 * once and to L2 in the background (compressed, with the TTL), so a miss costs the request no
 * Redis round trip; at most MAX_PENDING_WRITES are under way, beyond that a store is L1 only.
 * Redis down, slow or cooling off (redis.ts) makes every L2 step a quick no-op: L1 answers.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import { recordCacheLookup } from '../observability/collector.ts';
import type { RedisLink } from './redis.ts';
import type { CacheStats, ResultCache } from './types.ts';

/** How values become bytes in Redis and back (the server passes the checkpointer's serializer). */
export interface ValueCodec {
  encode(value: unknown): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<unknown>;
}

/** Plain JSON: enough for query results (the default). */
export const jsonCodec: ValueCodec = {
  encode: (value) => Promise.resolve(Buffer.from(JSON.stringify(value))),
  decode: (bytes) => Promise.resolve(JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown),
};

/** L2 figures beside the L1's CacheStats. */
export interface SharedCacheStats {
  hits: number;
  misses: number;
  /** Values written to Redis. */
  sets: number;
  /** Lookups or stores that failed or were skipped because Redis was unavailable. */
  unavailable: number;
  /** Entries found in Redis that could not be decoded (dropped). */
  corrupt: number;
}

export interface TieredCache extends ResultCache {
  sharedStats(): SharedCacheStats;
  /** Resolves when the background stores started so far have ended (for tests and shutdown). */
  flush(): Promise<void>;
}

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);
/** Values at least this large are compressed (smaller ones gain nothing worth the CPU). */
const COMPRESS_FROM = 1024;
const RAW = 0;
const BROTLI = 1;
const MAX_PENDING_WRITES = 64;

export function createTieredCache(options: {
  l1: ResultCache;
  link: RedisLink;
  /** Default time to live of an L2 entry, ms (L1 keeps its own). */
  ttlMs: number;
  codec?: ValueCodec;
}): TieredCache {
  const { l1, link } = options;
  const codec = options.codec ?? jsonCodec;
  const counts: SharedCacheStats = { hits: 0, misses: 0, sets: 0, unavailable: 0, corrupt: 0 };
  const pending = new Set<Promise<void>>();
  const redisKey = (key: string) => link.key('cache', key);

  const encode = async (value: unknown): Promise<Buffer> => {
    const raw = await codec.encode(value);
    if (raw.byteLength < COMPRESS_FROM) return Buffer.concat([Buffer.of(RAW), raw]);
    const packed = await compress(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 4,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
      },
    });
    return Buffer.concat([Buffer.of(BROTLI), packed]);
  };
  const decode = async (stored: Buffer): Promise<unknown> => {
    const body = stored.subarray(1);
    if (stored[0] === RAW) return codec.decode(body);
    if (stored[0] === BROTLI) return codec.decode(await decompress(body));
    throw new Error(`unknown cache entry format ${String(stored[0])}`);
  };

  const storeShared = (key: string, value: unknown, ttlMs: number): void => {
    if (!link.usable() || pending.size >= MAX_PENDING_WRITES) {
      counts.unavailable++;
      return;
    }
    const write = (async () => {
      try {
        const bytes = await encode(value);
        await link.run((c) => c.set(redisKey(key), bytes, 'PX', Math.ceil(ttlMs)));
        counts.sets++;
      } catch {
        counts.unavailable++;
      }
    })();
    pending.add(write);
    void write.finally(() => pending.delete(write));
  };

  return {
    async get<T>(key: string): Promise<T | undefined> {
      const local = await l1.get<T>(key);
      if (local !== undefined) return local;
      let stored: Buffer | null;
      try {
        stored = await link.run((c) => c.getBuffer(redisKey(key)));
      } catch {
        counts.unavailable++;
        return undefined;
      }
      if (stored === null) {
        counts.misses++;
        recordCacheLookup('l2', key, false);
        return undefined;
      }
      let value: T;
      try {
        value = (await decode(stored)) as T;
      } catch {
        // Written by an incompatible version, or damaged: drop it and answer anew.
        counts.corrupt++;
        recordCacheLookup('l2', key, false);
        void link.run((c) => c.del(redisKey(key))).catch(() => {});
        return undefined;
      }
      counts.hits++;
      recordCacheLookup('l2', key, true);
      await l1.set(key, value);
      return value;
    },
    async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
      await l1.set(key, value, ttlMs);
      if (value === undefined) {
        await link.run((c) => c.del(redisKey(key))).catch(() => {});
        return;
      }
      storeShared(key, value, ttlMs ?? options.ttlMs);
    },
    async delete(key: string): Promise<void> {
      await l1.delete(key);
      await link
        .run((c) => c.del(redisKey(key)))
        .catch(() => {
          counts.unavailable++;
        });
    },
    /** Empties this instance's L1 only: the shared level belongs to every instance. */
    clear: () => l1.clear(),
    stats: (): CacheStats => l1.stats(),
    sharedStats: () => ({ ...counts }),
    async flush(): Promise<void> {
      await Promise.all([...pending]);
    },
    async close(): Promise<void> {
      await Promise.race([
        Promise.all([...pending]),
        new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
      ]);
      await l1.close();
    },
  };
}
