/**
 * The shared parts of a scaled-out deployment against a real redis-server, one "instance" per
 * RedisLink: the two-level cache, the limit store, the model-call limit, alert claims and the
 * conversation store's failover. Redis killed, frozen and restarted: nothing throws, nothing
 * waits long, and everything is back on its own.
 */
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { emptyCheckpoint, JsonPlusSerializer, uuid6 } from '@langchain/langgraph-checkpoint';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer, FailoverCheckpointer } from '../src/agent/index.ts';
import { createMemoryCache } from '../src/cache/index.ts';
import { RedisLink } from '../src/cache/redis.ts';
import { createTieredCache, type TieredCache } from '../src/cache/tiered.ts';
import { claimOnce, RedisLimitStore, redisRateLimiter } from '../src/server/redis-limits.ts';
import { serdeCodec } from '../src/server/shared.ts';
import { SKIP_REDIS, startRedis, type RedisServer } from './redis-server.ts';

let redis: RedisServer;
const links: RedisLink[] = [];

async function link(timeoutMs = 250): Promise<RedisLink> {
  const l = new RedisLink({ url: redis.url, prefix: 'test:', commandTimeoutMs: timeoutMs });
  expect(await l.connect()).toBe(true);
  links.push(l);
  return l;
}

function cache(l: RedisLink, codec = serdeCodec(new JsonPlusSerializer())): TieredCache {
  return createTieredCache({
    l1: createMemoryCache({ maxBytes: 2 ** 20, ttlMs: 60_000 }),
    link: l,
    ttlMs: 60_000,
    codec,
  });
}

/** Polls until `check` is true (every 100 ms), failing after `ms`. */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(SKIP_REDIS)('shared state in Redis', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    redis.resume();
    await Promise.all(links.splice(0).map((l) => l.close()));
  });
  afterAll(() => redis?.stop());

  it('serves on one instance what the other stored, compressed, with LangChain messages intact', async () => {
    const [a, b] = [cache(await link()), cache(await link())];
    const value = {
      rows: Array.from({ length: 200 }, (_, i) => ({ state: `S${i}`, acres: i * 1.5 })),
      messages: [new HumanMessage('How much forest?'), new AIMessage('About 10 M acres.')],
    };
    await a.set('ask:one', value);
    await a.flush();
    const got = await b.get<typeof value>('ask:one');
    expect(got?.rows).toEqual(value.rows);
    expect(got?.messages[0]).toBeInstanceOf(HumanMessage);
    expect(got?.messages[1]?.content).toBe('About 10 M acres.');
    expect(b.sharedStats()).toMatchObject({ hits: 1, misses: 0 });
    // Kept in B's L1 now: a second read does not go to Redis.
    await b.get('ask:one');
    expect(b.sharedStats().hits).toBe(1);
    const stored = await links[0]!.client.getBuffer('test:cache:ask:one');
    expect(stored![0]).toBe(1); // brotli
    expect(stored!.length).toBeLessThan(JSON.stringify(value.rows).length / 3);
  });

  it('drops an entry it cannot read and answers as a miss', async () => {
    const l = await link();
    await l.client.set('test:cache:ask:bad', Buffer.from([1, 2, 3, 4]));
    const c = cache(l);
    expect(await c.get('ask:bad')).toBeUndefined();
    expect(c.sharedStats().corrupt).toBe(1);
    await until(
      'the bad entry deleted',
      async () => (await l.client.exists('test:cache:ask:bad')) === 0,
    );
  });

  it('keeps answering from L1 while Redis is down, and uses Redis again once it is back', async () => {
    const l = await link();
    const c = cache(l);
    await c.set('k:local', { v: 1 });
    await c.flush();
    await redis.kill();
    const started = performance.now();
    expect(await c.get('k:local')).toEqual({ v: 1 });
    expect(await c.get('k:missing')).toBeUndefined();
    await c.set('k:during', { v: 2 });
    expect(performance.now() - started).toBeLessThan(1_000);
    await until('the link to notice', () => l.stats().status === 'down');
    expect(l.stats().reason).not.toBe('');
    await redis.restart();
    await until('the link to reconnect on its own', () => l.usable(), 15_000);
    await c.set('k:after', { v: 3 });
    await c.flush();
    expect(await l.client.exists('test:cache:k:after')).toBe(1);
  }, 30_000);

  it('never waits on a frozen Redis longer than its command timeout, then skips it for a while', async () => {
    const l = await link(200);
    const c = cache(l);
    redis.pause();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      expect(await c.get(`frozen:${i}`)).toBeUndefined();
      times.push(performance.now() - t);
    }
    // Three timeouts trip the cool-off; the lookups after it do not touch Redis at all.
    expect(Math.max(...times)).toBeLessThan(1_000);
    expect(times[3]!).toBeLessThan(50);
    expect(l.stats()).toMatchObject({ status: 'down', errors: 3 });
    expect(l.stats().skipped).toBeGreaterThanOrEqual(2);
    redis.resume();
  }, 30_000);

  it('counts a client against one limit across instances, and locally while Redis is down', async () => {
    const [a, b] = [new RedisLimitStore(await link()), new RedisLimitStore(await link())];
    const counts: number[] = [];
    for (let i = 0; i < 12; i++)
      counts.push((await (i % 2 ? b : a).incr('minute:ip:1', 60_000)).count);
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const read = await b.incr('minute:ip:1', 60_000, 0);
    expect(read.count).toBe(12);
    expect(read.ttlMs).toBeGreaterThan(50_000);
    expect(await a.incr('minute:ip:unused', 60_000, 0)).toEqual({ count: 0, ttlMs: 0 });
    await redis.kill();
    expect((await a.incr('minute:ip:1', 60_000)).count).toBe(1);
    await redis.restart();
  }, 30_000);

  it('holds the model-call limit across instances: a call over it waits for the window', async () => {
    const [a, b] = [await link(), await link()];
    const limits = [redisRateLimiter(a, 3, 1), redisRateLimiter(b, 3, 1)];
    const started = performance.now();
    const granted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        await limits[i % 2]!.acquire();
        granted.push(performance.now() - started);
      }),
    );
    granted.sort((x, y) => x - y);
    expect(granted[2]!).toBeLessThan(500);
    expect(granted[3]!).toBeGreaterThan(700);
  }, 30_000);

  it('lets one instance claim an alert', async () => {
    const [a, b] = [await link(), await link()];
    expect(await claimOnce(a, 'alert:p95:firing', 10_000)).toBe(true);
    expect(await claimOnce(b, 'alert:p95:firing', 10_000)).toBe(false);
  });

  it('carries a conversation on the local copy while Redis is down, and writes it back after', async () => {
    const l = await link();
    const local = createCheckpointer({ kind: 'memory' });
    const shared = createCheckpointer({ kind: 'redis', client: l.client, prefix: 'test:t:' });
    const store = new FailoverCheckpointer(local, shared, (error) => l.recordFailure(error));
    const config = { configurable: { thread_id: 'owner:thread-1', checkpoint_ns: '' } };
    const put = (n: number) =>
      store.put(
        config,
        {
          ...emptyCheckpoint(),
          id: uuid6(n),
          channel_values: { turn: n },
          channel_versions: { turn: n },
        },
        { source: 'loop', step: n, parents: {} },
        { turn: n },
      );
    await put(1);
    expect((await shared.getTuple(config))?.checkpoint.channel_values).toEqual({ turn: 1 });
    await redis.kill();
    await put(2);
    expect((await store.getTuple(config))?.checkpoint.channel_values).toEqual({ turn: 2 });
    await redis.restart();
    await until('reconnected', () => l.client.status === 'ready', 15_000);
    // Redis came back empty: the turn taken meanwhile is not lost.
    expect((await store.getTuple(config))?.checkpoint.channel_values).toEqual({ turn: 2 });
    await put(3);
    expect((await shared.getTuple(config))?.checkpoint.channel_values).toEqual({ turn: 3 });
    // Deleted through another instance: not brought back from this one's local copy.
    await shared.deleteThread('owner:thread-1');
    expect(await store.getTuple(config)).toBeUndefined();
    expect(await store.listThreadIds('owner:')).toEqual([]);
  }, 40_000);
});
