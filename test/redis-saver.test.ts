import { validate } from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisSaver } from '../src/agent/memory/index.ts';
import { SKIP_REDIS, startRedis, type RedisServer } from './redis-server.ts';

// The validation suite calls vitest's functions as globals (this project does not turn them on).
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it });

describe.skipIf(SKIP_REDIS)('RedisSaver against the official checkpointer validation', () => {
  let server: RedisServer;
  let client: Redis;
  validate<RedisSaver>({
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
  });
});
