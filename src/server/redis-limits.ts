/**
 * Per-client limits shared by every instance through Redis (LANDUSE_REDIS_URL): the per-minute
 * rate limit, the daily quota and the failed-key lockout (a LimitStore), the model-call limit
 * (LANDUSE_RATE_LIMIT_CALLS per window, a sliding window), and alert claims. Each Redis step is
 * one Lua script, atomic on the server, timed by Redis's own clock, so instances with skewed
 * clocks still count one window.
 *
 * When Redis is unavailable each instance counts in its own memory until it is back: a client
 * may then get up to N times its limit across N instances, never a failed request.
 */
import type { RedisLink } from '../cache/redis.ts';
import { createRateLimiter, systemClock, type RateLimiter } from '../agent/models/rate-limit.ts';
import { MemoryLimitStore, type LimitCount, type LimitStore } from './limiter.ts';

/** INCRBY with a window started on the first count; by = 0 only reads. Returns {count, ttl}. */
const INCR_WINDOW = `
local by = tonumber(ARGV[1])
local n
if by == 0 then
  n = tonumber(redis.call('GET', KEYS[1]) or '0')
  if n == 0 then return {0, 0} end
else
  n = redis.call('INCRBY', KEYS[1], by)
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`;

/**
 * A sliding window of grants in a sorted set scored by Redis time (ms): 0 when a grant was
 * taken, else the ms until the oldest grant leaves the window.
 */
const SLIDING_GRANT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

/** Counters in Redis, or in this process's memory while Redis is unavailable. */
export class RedisLimitStore implements LimitStore {
  private readonly local = new MemoryLimitStore();

  constructor(private readonly link: RedisLink) {}

  async incr(key: string, windowMs: number, by = 1): Promise<LimitCount> {
    try {
      const [count, ttlMs] = (await this.link.run((c) =>
        c.eval(INCR_WINDOW, 1, this.link.key('limit', key), by, Math.ceil(windowMs)),
      )) as [number, number];
      return { count, ttlMs };
    } catch {
      return this.local.incr(key, windowMs, by);
    }
  }
}

/**
 * The model-call limit for all instances: a call waits for its turn in Redis's sliding window
 * (polling at most every second), or in this process's own window while Redis is unavailable.
 */
export function redisRateLimiter(
  link: RedisLink,
  calls: number,
  windowSeconds: number,
): RateLimiter {
  const local = createRateLimiter({ calls, windowMs: windowSeconds * 1000 });
  const key = link.key('model-calls', `${calls}per${windowSeconds}`);
  let seq = 0;
  const member = () => `${process.pid}:${Date.now()}:${seq++}:${Math.random()}`;
  return {
    async acquire(signal) {
      for (;;) {
        signal?.throwIfAborted();
        let waitMs: number;
        try {
          waitMs = Number(
            await link.run((c) =>
              c.eval(SLIDING_GRANT, 1, key, windowSeconds * 1000, calls, member()),
            ),
          );
        } catch {
          return local.acquire(signal);
        }
        if (waitMs <= 0) return;
        await systemClock.sleep(Math.min(waitMs, 1_000), signal);
      }
    },
  };
}

/** SET NX with a TTL: true for the first instance to claim `key` within `ttlMs`. */
export async function claimOnce(link: RedisLink, key: string, ttlMs: number): Promise<boolean> {
  const r = await link.run((c) =>
    c.set(link.key('claim', key), String(process.pid), 'PX', ttlMs, 'NX'),
  );
  return r === 'OK';
}
