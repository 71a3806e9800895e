import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../src/server/feedback.ts';
import { tempDir } from './helpers.ts';
import { openTestApp } from './server-helpers.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('POST /api/feedback and the operators list', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir();
    t = await openTestApp({ LANDUSE_THREADS_DB_PATH: join(dir.dir, 'threads.sqlite') });
  });
  afterAll(async () => {
    await t.close();
    await dir.cleanup();
  });

  it('stores a rating with its comment beside the conversations, and lists it newest first', async () => {
    const post = (body: Json) =>
      t.app.inject({ method: 'POST', url: '/api/feedback', payload: body });
    const up = await post({ rating: 'up', question: 'How much forest?', answer: '12 acres' });
    expect(up.statusCode).toBe(201);
    expect(up.json<Json>()).toMatchObject({ id: expect.any(Number) as number });
    const down = await post({
      rating: 'down',
      question: 'Urban land in Texas?',
      comment: '  wrong state  ',
      threadId: '650e9b0e-b94f-47a1-a27a-1c2941b6a744',
    });
    expect(down.statusCode).toBe(201);
    expect(existsSync(join(dir.dir, 'feedback.sqlite'))).toBe(true);

    const list = await t.app.inject({ url: '/api/feedback?limit=10', remoteAddress: '127.0.0.1' });
    expect(list.statusCode).toBe(200);
    const body = list.json<{ up: number; down: number; feedback: Json[] }>();
    expect(body).toMatchObject({ up: 1, down: 1 });
    expect(body.feedback).toHaveLength(2);
    expect(body.feedback[0]).toMatchObject({
      rating: 'down',
      question: 'Urban land in Texas?',
      comment: 'wrong state',
      threadId: '650e9b0e-b94f-47a1-a27a-1c2941b6a744',
      answer: null,
    });
    expect(body.feedback[1]).toMatchObject({ rating: 'up', answer: '12 acres', comment: null });
  });

  it('refuses a bad rating, an empty question and unknown fields', async () => {
    for (const payload of [
      { rating: 'meh', question: 'q' },
      { rating: 'up', question: '   ' },
      { rating: 'up' },
    ]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/feedback', payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('shows the list only to operators: this machine, or API-key callers', async () => {
    const remote = await t.app.inject({ url: '/api/feedback', remoteAddress: '203.0.113.9' });
    expect(remote.statusCode).toBe(401);
    expect(remote.json<{ error: { code: string } }>().error.code).toBe('auth:operators_only');
  });
});

describe('FeedbackStore', () => {
  it('keeps at most the newest entries, and works in memory', () => {
    const store = FeedbackStore.beside(':memory:');
    for (let i = 0; i < 5; i++) {
      store.add({
        owner: 'local',
        threadId: null,
        rating: i % 2 ? 'down' : 'up',
        question: `q${i}`,
        answer: null,
        comment: null,
      });
    }
    const { entries, up, down } = store.list(3);
    expect(entries.map((e) => e.question)).toEqual(['q4', 'q3', 'q2']);
    expect([up, down]).toEqual([3, 2]);
    store.close();
  });
});
