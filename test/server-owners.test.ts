/**
 * Conversations belong to their caller: an API key, or without keys the anonymous owner cookie
 * the server issues. Another caller's thread is a 404 exactly like a missing one; a flood of new
 * threads evicts only the flooder's own; wrong keys are rate limited per address.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, visitorCookie } from './server-helpers.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   response bodies are read as loose JSON, the way a client reads them; each value is asserted. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const QUESTION = 'How much new urban land is there in California?';

function as(app: FastifyInstance, headers: Record<string, string>, remoteAddress = '127.0.0.1') {
  return {
    ask: (body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/ask', payload: body, headers, remoteAddress }),
    get: (url: string) => app.inject({ url, headers, remoteAddress }),
    del: (url: string) => app.inject({ method: 'DELETE', url, headers, remoteAddress }),
  };
}

let t: Awaited<ReturnType<typeof openTestApp>> | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('conversations are separated by API key', () => {
  it("lets key B neither list, read, continue nor delete key A's thread", async () => {
    t = await openTestApp({ LANDUSE_API_KEYS: 'key-a-0123456789,key-b-0123456789' });
    const a = as(t.app, { 'x-api-key': 'key-a-0123456789' });
    const b = as(t.app, { 'x-api-key': 'key-b-0123456789' });
    const first = await a.ask({ question: QUESTION });
    expect(first.statusCode).toBe(200);
    const id = first.json<Json>().threadId as string;

    expect((await b.get('/api/threads')).json<Json>().threads).toEqual([]);
    const missing = await b.get('/api/threads/00000000-0000-4000-8000-000000000000');
    const theirs = await b.get(`/api/threads/${id}`);
    expect(theirs.statusCode).toBe(404);
    // Indistinguishable from a thread that does not exist: same status, same code and wording.
    const strip = (r: typeof theirs) => ({
      ...r.json<Json>().error,
      requestId: undefined,
      message: String(r.json<Json>().error.message).replace(/"[^"]+"/, '"ID"'),
    });
    expect(strip(theirs)).toEqual(strip(missing));
    const continued = await b.ask({ question: 'what about under HH?', threadId: id });
    expect(continued.statusCode).toBe(404);
    expect(continued.json<Json>().error.code).toBe('not_found:thread');
    expect((await b.del(`/api/threads/${id}`)).statusCode).toBe(404);

    // A's thread is untouched and still A's.
    const mine = await a.get(`/api/threads/${id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json<Json>().messages.filter((m: Json) => m.role === 'user')).toHaveLength(1);
    expect((await a.get('/api/threads')).json<Json>().threads).toMatchObject([
      { threadId: id, lastQuestion: QUESTION },
    ]);
    // The store keeps a digest of the key, never the key itself.
    const keys = await t.deps.checkpointer.listThreadIds();
    expect(keys.join(' ')).not.toContain('key-a');
  });

  it('refuses thread ids the server did not make', async () => {
    t = await openTestApp();
    const me = as(t.app, { cookie: await visitorCookie(t.app) });
    for (const bad of ['..', 'a'.repeat(36), 'ABCDEF00-0000-4000-8000-000000000000']) {
      const res = await me.ask({ question: QUESTION, threadId: bad });
      expect(res.statusCode).toBe(400);
      expect(res.json<Json>().error.field).toBe('body.threadId');
    }
    const unknown = await me.ask({
      question: QUESTION,
      threadId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the chat stream', () => {
  it("refuses someone else's thread and an unset provider before the stream opens", async () => {
    t = await openTestApp();
    const owner = as(t.app, { cookie: await visitorCookie(t.app) });
    const id = (await owner.ask({ question: QUESTION })).json<Json>().threadId as string;
    const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t!.app.inject({ method: 'POST', url: '/api/chat', payload: body, headers });
    const stranger = await chat({ question: 'what about under HH?', threadId: id });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json<Json>().error.code).toBe('not_found:thread');
    const provider = await chat({ question: QUESTION, provider: 'ollama' });
    expect(provider.statusCode).toBe(400);
    expect(provider.json<Json>().error.code).toBe('bad_request:provider_unavailable');
    expect(t.deps.agents.stats().completed).toBe(1);
  });
});

describe('anonymous owners (no API keys)', () => {
  it('issues a signed, HttpOnly, SameSite owner cookie and scopes threads to it', async () => {
    t = await openTestApp();
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/ask',
      payload: { question: QUESTION },
    });
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^landuse_owner=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const id = first.json<Json>().threadId as string;

    const owner = as(t.app, { cookie });
    expect((await owner.get('/api/threads')).json<Json>().threads).toHaveLength(1);
    const follow = await owner.ask({ question: 'what about under HH?', threadId: id });
    expect(follow.statusCode).toBe(200);
    expect(follow.headers['set-cookie']).toBeUndefined();

    // Someone else: no cookie, or a cookie whose signature does not check out.
    const forged = cookie.replace(/=([0-9a-f]{4})/, '=ffff');
    const strangers: Record<string, string>[] = [
      {},
      { cookie: forged },
      { cookie: 'landuse_owner=deadbeef' },
    ];
    for (const other of strangers) {
      const stranger = as(t.app, other);
      const list = await stranger.get('/api/threads');
      expect(list.json<Json>().threads).toEqual([]);
      expect(list.headers['set-cookie']).toMatch(/^landuse_owner=/);
      expect((await stranger.get(`/api/threads/${id}`)).statusCode).toBe(404);
      expect((await stranger.del(`/api/threads/${id}`)).statusCode).toBe(404);
    }
    expect((await owner.get(`/api/threads/${id}`)).statusCode).toBe(200);
  });

  it("a flood of new threads from one address evicts only that address's own", async () => {
    t = await openTestApp({ LANDUSE_MAX_THREADS_PER_OWNER: '5' });
    const victimCookie = await visitorCookie(t.app);
    const victim = as(t.app, { cookie: victimCookie }, '10.0.0.1');
    const mine = (await victim.ask({ question: QUESTION })).json<Json>().threadId as string;

    // The attacker throws its cookie away each time: every request is a new owner.
    const attacker = as(t.app, {}, '10.0.0.66');
    for (let i = 0; i < 30; i++) {
      const res = await attacker.ask({ question: `How much forest is in Alabama? (${i})` });
      expect(res.statusCode).toBe(200);
    }
    expect((await victim.get(`/api/threads/${mine}`)).statusCode).toBe(200);
    // The attacker's address holds at most its quota (plus one before a batch of deletions);
    // the victim's thread is the one other.
    const kept = await t.deps.checkpointer.listThreadIds();
    expect(kept.length).toBeGreaterThanOrEqual(6);
    expect(kept.length).toBeLessThanOrEqual(7);
  });

  it('a key that starts new threads past its quota loses its own oldest', async () => {
    t = await openTestApp({
      LANDUSE_API_KEYS: 'key-a-0123456789,key-b-0123456789',
      LANDUSE_MAX_THREADS_PER_OWNER: '3',
    });
    // A quota of 3 may run one over (bucketSlack) before it is cut back to the 3 newest.
    const a = as(t.app, { 'x-api-key': 'key-a-0123456789' });
    const b = as(t.app, { 'x-api-key': 'key-b-0123456789' });
    const bThread = (await b.ask({ question: QUESTION })).json<Json>().threadId as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await a.ask({ question: `How much forest is in Texas? (${i})` })).json<Json>().threadId,
      );
    }
    const listed = (await a.get('/api/threads')).json<Json>().threads.map((x: Json) => x.threadId);
    expect(listed).toEqual(ids.slice(2).reverse());
    // Using a thread makes it the most recent: the next cut keeps it and drops the ones after.
    expect((await a.ask({ question: 'and in Alabama?', threadId: ids[2] })).statusCode).toBe(200);
    await a.ask({ question: 'How much forest is in Texas? (5)' });
    await a.ask({ question: 'How much forest is in Texas? (6)' });
    expect((await a.get(`/api/threads/${ids[2]}`)).statusCode).toBe(200);
    expect((await a.get(`/api/threads/${ids[3]}`)).statusCode).toBe(404);
    expect((await a.get(`/api/threads/${ids[4]}`)).statusCode).toBe(404);
    expect((await b.get(`/api/threads/${bThread}`)).statusCode).toBe(200);
  });
});

describe('failed authentication', () => {
  it('answers 429 with Retry-After to an address that keeps sending wrong keys', async () => {
    t = await openTestApp({
      LANDUSE_API_KEYS: 'key-a-0123456789',
      LANDUSE_AUTH_FAILURE_LIMIT: '5',
    });
    const guesser = (key: string) =>
      t!.app.inject({
        url: '/api/threads',
        headers: { 'x-api-key': key },
        remoteAddress: '10.0.0.66',
      });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await guesser(`guess-${i}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const refused = await guesser('key-a-0123456789');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json<Json>().error.code).toBe('rate_limit:auth_failures');
    expect(refused.json<Json>().error.message).toContain('LANDUSE_AUTH_FAILURE_LIMIT');
    // Other addresses are not locked out.
    const other = await t.app.inject({
      url: '/api/threads',
      headers: { 'x-api-key': 'key-a-0123456789' },
      remoteAddress: '10.0.0.2',
    });
    expect(other.statusCode).toBe(200);
  });

  it('believes X-Forwarded-For only from the proxies in LANDUSE_TRUST_PROXY', async () => {
    const flood = async (env: Record<string, string>) => {
      t = await openTestApp({
        LANDUSE_API_KEYS: 'key-a-0123456789',
        LANDUSE_AUTH_FAILURE_LIMIT: '3',
        ...env,
      });
      const statuses: number[] = [];
      // A guesser that claims a new address each time, through (or as) the proxy at 127.0.0.1.
      for (let i = 0; i < 6; i++) {
        const res = await t.app.inject({
          url: '/api/threads',
          headers: { 'x-api-key': `guess-${i}`, 'x-forwarded-for': `203.0.113.${i}` },
          remoteAddress: '127.0.0.1',
        });
        statuses.push(res.statusCode);
      }
      await t.close();
      t = undefined;
      return statuses;
    };
    // Not trusted: the header is ignored, so changing it does not escape the lockout.
    expect(await flood({})).toEqual([401, 401, 401, 429, 429, 429]);
    // Trusted proxy: each forwarded client is counted on its own.
    expect(await flood({ LANDUSE_TRUST_PROXY: '127.0.0.1' })).toEqual([
      401, 401, 401, 401, 401, 401,
    ]);
  });
});
