import type { RunnableConfig } from '@langchain/core/runnables';
import {
  deltaChannelHistoryTests,
  validate,
  type CheckpointSaverTestInitializer,
} from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import { join } from 'node:path';
import { answerQuestion, createOfflineAgent } from '../src/agent/index.ts';
import {
  createCheckpointer,
  deleteThread,
  getThread,
  listThreads,
  LOCAL_OWNER,
  ownerPrefix,
  RedisSaver,
  seedThread,
  snapshotThread,
  threadIdOfKey,
  threadKey,
  type RedisSaverOptions,
  type ThreadCheckpointer,
} from '../src/agent/memory/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';
import { SKIP_REDIS, startRedis, type RedisServer } from './redis-server.ts';

// The validation suite calls vitest's functions as globals (this project does not turn them on).
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

describe.skipIf(SKIP_REDIS)('RedisSaver against the official checkpointer validation', () => {
  let server: RedisServer;
  let client: Redis;
  const initializer: CheckpointSaverTestInitializer<RedisSaver> = {
    checkpointerName: 'RedisSaver',
    beforeAllTimeout: 20_000,
    async beforeAll() {
      server = await startRedis();
      client = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true });
      await client.connect();
    },
    async afterAll() {
      client.disconnect();
      await server.stop();
    },
    // Each checkpointer its own prefix: instances never see each other's threads.
    createCheckpointer: () =>
      new RedisSaver({ client, prefix: `validate:${randomUUID()}:`, keepCheckpoints: 10 }),
    destroyCheckpointer: (saver) => saver.close(),
  };
  validate(initializer);
  // Opt-in (not in validate): the walk that rebuilds DeltaChannel state from stored writes.
  deltaChannelHistoryTests(initializer);
});

/** A client as a server instance would hold one: no offline queue, short command timeout. */
async function connect(url: string): Promise<Redis> {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    lazyConnect: true,
  });
  await client.connect();
  return client;
}

const meta = { source: 'loop' as const, step: 0, parents: {} };
const at = (thread_id: string, checkpoint_id?: string) => ({
  configurable: { thread_id, checkpoint_ns: '', ...(checkpoint_id ? { checkpoint_id } : {}) },
});
const checkpointOf = (values: Record<string, unknown>, versions: Record<string, number>) => ({
  ...emptyCheckpoint(),
  id: uuid6(-1),
  channel_values: values,
  channel_versions: versions,
});

describe.skipIf(SKIP_REDIS)('RedisSaver: the project’s thread store on Redis', () => {
  let server: RedisServer;
  let one: Redis;
  let two: Redis;
  let service: AnalyticsService;
  let cleanup: () => Promise<void>;
  const savers: RedisSaver[] = [];
  /** A saver on the first client (the first instance), or on `client`, with a fresh prefix. */
  const saver = (options: Partial<RedisSaverOptions> = {}) => {
    const s = new RedisSaver({ client: one, prefix: `t:${randomUUID()}:`, ...options });
    savers.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startRedis();
    [one, two] = [await connect(server.url), await connect(server.url)];
    const t = await tempDir();
    cleanup = t.cleanup;
    const db = join(t.dir, 'redis.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { poolSize: 1 });
  });
  afterAll(async () => {
    for (const s of savers) s.close();
    one.disconnect();
    two.disconnect();
    await server.stop();
    await service.close();
    await cleanup();
  });

  const ask = async (checkpointer: ThreadCheckpointer, question: string, key?: string) => {
    const r = await answerQuestion({
      agent: createOfflineAgent(service, {
        maxIterations: 8,
        maxRows: 1000,
        enableSql: false,
        checkpointer,
      }),
      question,
      threadId: key === undefined ? undefined : threadIdOfKey(LOCAL_OWNER, key),
      provider: 'offline',
      dataset: service.ctx.dataset,
      timeoutMs: 10_000,
    });
    return { ...r, threadId: threadKey(LOCAL_OWNER, r.threadId) };
  };

  it('runs the agent: a question and a follow-up on a thread in Redis, continued on another instance', async () => {
    const prefix = `shared:${randomUUID()}:`;
    const first = createCheckpointer({ kind: 'redis', client: one, prefix });
    const second = createCheckpointer({ kind: 'redis', client: two, prefix });
    const a = await ask(first, 'How much new urban land is there in California?');
    expect(await second.listThreadIds(ownerPrefix(LOCAL_OWNER))).toEqual([a.threadId]);
    const b = await ask(second, 'what about under HH?', a.threadId);
    expect(b.toolCalls[0]).toMatchObject({
      name: 'query_urban_expansion',
      args: { states: ['CA'], scenario: 'HH' },
    });
    expect(b.answer).toContain('**200 acres**');
    const thread = await getThread(first, a.threadId);
    expect(thread!.messages.map((m) => m.role)).toEqual([
      ...['user', 'assistant', 'tool', 'assistant'],
      ...['user', 'assistant', 'tool', 'assistant'],
    ]);
    // A checkpoint put on one instance is read whole on the other, and deleted for both.
    const tuple = (await first.getTuple(at(a.threadId)))!;
    expect(await second.getTuple(at(a.threadId))).toEqual(tuple);
    expect(await deleteThread(second, a.threadId)).toBe(true);
    expect(await getThread(first, a.threadId)).toBeUndefined();
    expect(await first.listThreadIds()).toEqual([]);
  });

  it('lists, gets and deletes threads, newest first, reading only what a limited list shows', async () => {
    const checkpointer = saver({ keepCheckpoints: 10 });
    expect(await listThreads(checkpointer)).toEqual([]);
    expect(await deleteThread(checkpointer, 'nope')).toBe(false);
    const first = await ask(checkpointer, 'How much forest is in Alabama?');
    const second = await ask(checkpointer, 'Which states have the most urban expansion?');
    expect((await listThreads(checkpointer)).map((t) => t.threadId)).toEqual([
      second.threadId,
      first.threadId,
    ]);
    await ask(checkpointer, 'and in Texas?', first.threadId);
    let reads = 0;
    const counting = Object.assign(Object.create(checkpointer) as typeof checkpointer, {
      getTuple: (config: Parameters<typeof checkpointer.getTuple>[0]) => {
        reads++;
        return checkpointer.getTuple(config);
      },
    });
    const newest = await listThreads(counting, { limit: 1 });
    expect(newest.map((t) => [t.threadId, t.lastQuestion])).toEqual([
      [first.threadId, 'and in Texas?'],
    ]);
    expect(reads).toBe(1);
    // Only the newest ten checkpoints are kept, and only the values they read.
    let config: RunnableConfig = at('long');
    for (let i = 0; i < 25; i++) {
      const c = checkpointOf({ n: i, same: 'kept' }, { n: i + 1, same: 1 });
      config = await checkpointer.put(config, c, meta, i === 0 ? { n: 1, same: 1 } : { n: i + 1 });
    }
    const ids: string[] = [];
    for await (const t of checkpointer.list(at('long'))) ids.push(t.checkpoint.id);
    expect(ids).toHaveLength(10);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect((await checkpointer.getTuple(at('long', ids[9])))!.checkpoint.channel_values).toEqual({
      n: 15,
      same: 'kept',
    });
    // Ten checkpoints of 5 fields; ten values of `n` and one of `same`, each with its count.
    const hash = `${(checkpointer as unknown as { prefix: string }).prefix}t:4:long:h`;
    expect(await one.hlen(hash)).toBe(10 * 5 + 11 * 2);
    await checkpointer.deleteThread('long');
    expect(await one.exists(hash)).toBe(0);
    expect(await deleteThread(checkpointer, first.threadId)).toBe(true);
    expect((await listThreads(checkpointer)).map((t) => t.threadId)).toEqual([second.threadId]);
  });

  it("lists one owner's threads by prefix, and bounds each bucket on its own", async () => {
    const checkpointer = saver();
    const mine = await ask(checkpointer, 'How much forest is in Alabama?');
    expect(await checkpointer.trackThread(mine.threadId, 'me', 2)).toEqual([]);
    const others: string[] = [];
    for (let i = 0; i < 4; i++) {
      const key = threadKey('localx', randomUUID());
      await checkpointer.put(at(key), checkpointOf({ n: i }, { n: 1 }), meta, { n: 1 });
      others.push(key);
      // A bucket of 2 may run one over (bucketSlack), then is cut back to its 2 newest.
      const evicted = await checkpointer.trackThread(key, 'them', 2);
      expect(new Set(evicted)).toEqual(new Set(i < 3 ? [] : others.slice(0, 2)));
    }
    expect(await checkpointer.listThreadIds(ownerPrefix(LOCAL_OWNER))).toEqual([mine.threadId]);
    expect(await checkpointer.listThreadIds(ownerPrefix('localx'))).toEqual(
      others.slice(2).reverse(),
    );
    expect(await checkpointer.listThreadIds()).toEqual([
      ...others.slice(2).reverse(),
      mine.threadId,
    ]);
    // A thread keeps its first bucket; deleting it frees its place there.
    await checkpointer.trackThread(others[3]!, 'me', 2);
    await checkpointer.deleteThread(others[2]!);
    expect(await checkpointer.trackThread(mine.threadId, 'them', 2)).toEqual([]);
  });

  it('keeps at most maxThreads threads, deleting the least recently written', async () => {
    const checkpointer = createCheckpointer({
      kind: 'redis',
      client: one,
      prefix: `bounded:${randomUUID()}:`,
      maxThreads: 3,
    });
    const first = await ask(checkpointer, 'How much forest is in Alabama?');
    const ids = [first.threadId];
    for (const q of ['Which states have the most urban expansion?', 'Crops in California?'])
      ids.push((await ask(checkpointer, q)).threadId);
    await ask(checkpointer, 'and in Texas?', first.threadId);
    for (const q of ['Pasture in Alabama?', 'Urban land in Los Angeles County?'])
      ids.push((await ask(checkpointer, q)).threadId);
    const kept = await checkpointer.listThreadIds();
    expect(kept).toHaveLength(3);
    expect(kept).toContain(first.threadId);
    expect(await getThread(checkpointer, ids[1]!)).toBeUndefined();
    expect((await getThread(checkpointer, first.threadId))!.messages).toHaveLength(8);
  });

  it('seeds new threads from one snapshot, each one its own, counted in its bucket', async () => {
    const checkpointer = saver();
    const source = await ask(checkpointer, 'How much forest is in Alabama?');
    const snapshot = (await snapshotThread(checkpointer, source.threadId))!;
    const copy = (n: number) => threadKey(LOCAL_OWNER, `copy-${n}`);
    await seedThread(checkpointer, copy(1), snapshot, { bucket: 'b', maxPerBucket: 1 });
    await seedThread(checkpointer, copy(2), snapshot, { bucket: 'b', maxPerBucket: 1 });
    const original = (await getThread(checkpointer, source.threadId))!.messages;
    expect((await getThread(checkpointer, copy(2)))!.messages).toEqual(original);
    expect(await getThread(checkpointer, copy(1))).toBeDefined(); // 2 of 1: within the slack
    await seedThread(checkpointer, copy(3), snapshot, { bucket: 'b', maxPerBucket: 1 });
    expect(await checkpointer.listThreadIds(copy(0).slice(0, -1))).toEqual([copy(3)]);
    const followed = await ask(checkpointer, 'and in Texas?', copy(3));
    expect(followed.threadId).toBe(copy(3));
    expect((await getThread(checkpointer, copy(3)))!.messages).toHaveLength(8);
    expect((await getThread(checkpointer, source.threadId))!.messages).toEqual(original);
  });

  it('writes every value again when the parent is gone from Redis', async () => {
    const checkpointer = saver();
    const parent = checkpointOf({ a: 'x', b: 'y' }, { a: 1, b: 1 });
    const config = await checkpointer.put(at('t'), parent, meta, { a: 1, b: 1 });
    await checkpointer.deleteThread('t'); // as if evicted, or Redis restarted empty
    const child = checkpointOf({ a: 'x', b: 'z' }, { a: 1, b: 2 });
    await checkpointer.put(config, child, meta, { b: 2 });
    expect((await checkpointer.getTuple(at('t')))!.checkpoint.channel_values).toEqual({
      a: 'x',
      b: 'z',
    });
  });

  it('keeps a thread whole when two instances write it at once', async () => {
    const prefix = `race:${randomUUID()}:`;
    const [a, b] = [one, two].map(
      (client) => new RedisSaver({ client, prefix, keepCheckpoints: 3 }),
    );
    let config = await a!.put(at('t'), checkpointOf({ n: 0 }, { n: 1 }), meta, { n: 1 });
    const writes = Array.from({ length: 40 }, async (_, i) => {
      const s = i % 2 ? a! : b!;
      const c = checkpointOf({ n: i, big: 'x'.repeat(1000) }, { n: i + 2, big: 1 });
      config = await s.put(config, c, meta, { n: i + 2, big: 1 });
      await s.putWrites(config, [['n', i]], `task-${i}`);
    });
    await Promise.all(writes);
    const tuples: unknown[] = [];
    for await (const t of b!.list(at('t'))) tuples.push(t.checkpoint.channel_values);
    expect(tuples).toHaveLength(3);
    for (const values of tuples) expect(values).toMatchObject({ big: 'x'.repeat(1000) });
    const base = `${prefix}t:1:t:`;
    // Three checkpoints of 5 fields, three values of `n` and one of `big`, each with its count.
    expect(await one.hlen(`${base}h`)).toBe(3 * 5 + 4 * 2);
  });

  it('rejects promptly when Redis is down, and works again once it is back', async () => {
    const own = await startRedis();
    const client = await connect(own.url);
    try {
      const checkpointer = new RedisSaver({ client });
      await checkpointer.put(at('t'), checkpointOf({ a: 1 }, { a: 1 }), meta, { a: 1 });
      await own.kill();
      const started = Date.now();
      await expect(
        checkpointer.put(at('t'), checkpointOf({ a: 2 }, { a: 2 }), meta, { a: 2 }),
      ).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3_000);
      await own.restart();
      // ioredis reconnects on its own; the scripts are loaded again (NOSCRIPT) on first use.
      await expect.poll(() => client.status, { timeout: 10_000 }).toBe('ready');
      await checkpointer.put(at('t'), checkpointOf({ a: 3 }, { a: 3 }), meta, { a: 3 });
      expect((await checkpointer.getTuple(at('t')))!.checkpoint.channel_values).toEqual({ a: 3 });
    } finally {
      client.disconnect();
      await own.stop();
    }
  });
});
