/**
 * What several instances share when LANDUSE_REDIS_URL is set: one Redis connection per instance
 * (cache/redis.ts) under the L2 cache, the conversations, the per-client limits, the model-call
 * limit and the alert claims. Without the setting nothing here is opened and every instance
 * keeps them itself (the embedded defaults).
 */
import { shareRateLimiters } from '../agent/models/rate-limit.ts';
import {
  createCheckpointer,
  FailoverCheckpointer,
  type ThreadCheckpointer,
} from '../agent/index.ts';
import { createMemoryCache, memoryCacheOptions } from '../cache/index.ts';
import { RedisLink } from '../cache/redis.ts';
import { createTieredCache, type TieredCache, type ValueCodec } from '../cache/tiered.ts';
import type { Config } from '../config/index.ts';
import { claimOnce, RedisLimitStore, redisRateLimiter } from './redis-limits.ts';

export interface SharedState {
  link: RedisLink;
  limits: RedisLimitStore;
  /** The result and answer cache: this instance's LRU in front of Redis. */
  cache(codec: ValueCodec): TieredCache;
  /** Conversations in Redis, with `local` as the copy that carries on while Redis is down. */
  checkpointer(local: ThreadCheckpointer): ThreadCheckpointer;
  claim(key: string, ttlMs: number): Promise<boolean>;
  /**
   * The secret that signs anonymous owner cookies, the same on every instance (so a visitor's
   * conversations are theirs whichever instance answers): the first instance's `local` secret,
   * kept in Redis. `local` when Redis is down at start (set LANDUSE_COOKIE_SECRET to not depend
   * on that).
   */
  ownerSecret(local: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Connects to Redis (waiting at most 2 s: a Redis that is down at start leaves the instance
 * degraded, serving from its local levels, and connecting in the background).
 */
export async function openShared(
  config: Pick<
    Config,
    | 'redisUrl'
    | 'redisPrefix'
    | 'redisTimeoutMs'
    | 'cacheTtlSeconds'
    | 'cacheMaxBytes'
    | 'maxThreads'
    | 'maxThreadsPerOwner'
  >,
  hooks: { onStatus?: (status: 'up' | 'down', reason: string) => void } = {},
): Promise<SharedState | undefined> {
  if (!config.redisUrl) return undefined;
  const link = new RedisLink({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    commandTimeoutMs: config.redisTimeoutMs,
    ...hooks,
  });
  await link.connect();
  shareRateLimiters((calls, windowSeconds) => redisRateLimiter(link, calls, windowSeconds));
  return {
    link,
    limits: new RedisLimitStore(link),
    cache: (codec) =>
      createTieredCache({
        l1: createMemoryCache(memoryCacheOptions(config)),
        link,
        ttlMs: config.cacheTtlSeconds * 1000,
        codec,
      }),
    checkpointer: (local) =>
      new FailoverCheckpointer(
        local,
        createCheckpointer({
          kind: 'redis',
          client: link.client,
          prefix: link.key('threads') + ':',
          maxThreads: config.maxThreads,
        }),
        (error) => link.recordFailure(error),
      ),
    claim: (key, ttlMs) => claimOnce(link, key, ttlMs),
    async ownerSecret(local) {
      try {
        const key = link.key('cookie-secret');
        await link.run((c) => c.set(key, local, 'NX'));
        return (await link.run((c) => c.get(key))) ?? local;
      } catch {
        return local;
      }
    },
    async close() {
      shareRateLimiters(undefined);
      await link.close();
    },
  };
}

/**
 * Values in Redis through the checkpointer's serializer, so a cached answer's conversation
 * snapshot (LangChain messages) comes back as the same objects on another instance.
 */
export function serdeCodec(serde: ThreadCheckpointer['serde']): ValueCodec {
  return {
    async encode(value) {
      const [type, bytes] = await serde.dumpsTyped(value);
      const head = Buffer.from(type, 'utf8');
      return Buffer.concat([Buffer.of(head.length), head, bytes]);
    },
    async decode(stored) {
      const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
      const n = buf[0] ?? 0;
      return (await serde.loadsTyped(
        buf.subarray(1, 1 + n).toString('utf8'),
        buf.subarray(1 + n),
      )) as unknown;
    },
  };
}
