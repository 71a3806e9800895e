/**
 * The HTTP server for real: startServer listening on 127.0.0.1 (a free port), spoken to with
 * Node's fetch. The chat stream's server-sent events and heartbeats, a client that hangs up in
 * the middle (the work stops and the thread is rolled back), a failing provider, graceful
 * shutdown and its deadline, and SIGTERM through `landuse serve`.
 */
import { spawn } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { sql } from '../src/data/sql.ts';
import { WARM_UP_PATHS, startServer, type RunningServer } from '../src/server/index.ts';
import { ASK_RESULT_KEYS, HAND_MADE, openHandMade, quietEffects, tempDir } from './helpers.ts';
import { startOpenAIServer } from './scripted/openai.ts';
import type { Reply, ScriptedServer } from './scripted/server.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface SseEvent {
  event: string;
  data: Json;
}

const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');
const QUESTION = 'Which states have the most urban expansion?';

/** What each test opened, closed after it whatever happened (the last opened first). */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch {
      // Best effort: one failed cleanup must not hide the others.
    }
  }
});

/** A scripted OpenAI-protocol model, closed after the test. */
async function scriptedModel(script: Reply[], delayMs?: number): Promise<ScriptedServer> {
  const model = await startOpenAIServer(script, delayMs === undefined ? {} : { delayMs });
  cleanups.push(() => model.close());
  return model;
}

/** The settings of a server driven by a scripted model. */
function modelEnv(
  model: ScriptedServer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    LANDUSE_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test',
    LANDUSE_BASE_URL: model.url,
    ...extra,
  };
}

/** The hand-made fixture loaded into a fresh database file (no service open on it). */
async function handMadeDb(): Promise<string> {
  const t = await tempDir();
  cleanups.push(() => t.cleanup());
  const db = join(t.dir, 'hand.duckdb');
  await runLoad({ input: HAND_MADE, db }, quietEffects);
  return db;
}

/**
 * A listening server over the hand-made fixture with an in-memory conversation store and no
 * rate limits. With `ownService`, the server opens (and at close, closes) the database itself.
 */
async function startLive(
  env: Record<string, string> = {},
  options: { heartbeatMs?: number; ownService?: boolean } = {},
): Promise<RunningServer> {
  const checkpointer = createCheckpointer({ kind: 'memory' });
  cleanups.push(() => {
    checkpointer.close();
    return Promise.resolve();
  });
  let service;
  let db: string;
  if (options.ownService) {
    db = await handMadeDb();
  } else {
    const hand = await openHandMade({ cache: true });
    cleanups.push(() => hand.cleanup());
    service = hand.service;
    db = hand.db;
  }
  const config = loadConfig({
    LANDUSE_DB_PATH: db,
    LANDUSE_PORT: '0',
    LANDUSE_HOST: '127.0.0.1',
    LANDUSE_API_RATE_LIMIT: '0',
    LANDUSE_API_DAILY_QUOTA: '0',
    ...env,
  });
  const running = await startServer(config, {
    logger: false,
    checkpointer,
    ...(service ? { service } : {}),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  cleanups.push(() => running.close());
  return running;
}

function postJson(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The events of a server-sent event stream as they arrive: `event:` and `data:` lines (data
 * lines joined with newlines), one event per blank-line-separated block; comments ignored.
 */
async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) throw new Error('the response has no body');
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block: string): SseEvent | undefined => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    return data.length > 0 ? { event, data: JSON.parse(data.join('\n')) as Json } : undefined;
  };
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: RegExpExecArray | null;
    while ((end = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      const parsed = parse(block);
      if (parsed) yield parsed;
    }
  }
  buffer += decoder.decode();
  const last = buffer.trim() ? parse(buffer) : undefined;
  if (last) yield last;
}

async function allEvents(res: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const e of sseEvents(res)) events.push(e);
  return events;
}

describe('the chat stream over a listening server', () => {
  it('streams tool_start, tool_end, table, tokens and final, in order', async () => {
    const running = await startLive();
    const res = await postJson(`${running.url}/api/chat`, { question: QUESTION });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // The stream's head carries the new visitor's owner cookie: its thread is theirs.
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^landuse_owner=/);
    const events = (await allEvents(res)).filter((e) => e.event !== 'heartbeat');

    const types = events.map((e) => e.event);
    // The rows, then the key figures behind the answer's numbers.
    expect(types.slice(0, 4)).toEqual(['tool_start', 'tool_end', 'table', 'table']);
    expect(String(events[3]!.data.title)).toMatch(/^Key figures/);
    const tokens = types.slice(4, -1);
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens)).toEqual(new Set(['token']));
    expect(types.at(-1)).toBe('final');

    const [start, end, table] = events as [SseEvent, SseEvent, SseEvent];
    expect(start.data).toMatchObject({
      name: 'compare_states',
      args: { metric: 'urban_expansion' },
    });
    expect(end.data).toMatchObject({
      name: 'compare_states',
      args: { metric: 'urban_expansion' },
      rows: 2,
      ok: true,
    });
    expect(typeof end.data.durationMs).toBe('number');
    expect(table.data.rows).toMatchObject([
      { state: 'AL', value: 600 },
      { state: 'CA', value: 150 },
    ]);
    expect(Array.isArray(table.data.columns)).toBe(true);

    const final = events.at(-1)!.data;
    const text = events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text as string)
      .join('');
    expect(text).toBe(final.answer);
    expect(final.answer).toContain('600 acres');
    expect(final).toMatchObject({
      provider: 'offline',
      toolCalls: [{ name: 'compare_states', rows: 2 }],
      tables: [
        {
          rows: [
            { state: 'AL', value: 600 },
            { state: 'CA', value: 150 },
          ],
        },
        { columns: ['figure', 'value'] },
      ],
    });
    const figures = (final.tables as { rows: unknown[] }[])[1]!.rows;
    expect(figures).toContainEqual({ figure: 'top value', value: 600 });
    expect(Object.keys(final).sort()).toEqual(ASK_RESULT_KEYS);
    expect(final.threadId).toMatch(/^[0-9a-f-]{36}$/);
    // The streamed answer's thread is kept, as after /api/ask, for its owner only.
    const url = `${running.url}/api/threads/${final.threadId as string}`;
    expect((await fetch(url)).status).toBe(404);
    const thread = await fetch(url, { headers: { cookie } });
    expect(thread.status).toBe(200);
    const messages = ((await thread.json()) as Json).messages as Json[];
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content as string)).toEqual([
      QUESTION,
    ]);
  });

  it('sends heartbeats while a slow model works', async () => {
    const model = await scriptedModel(
      [{ tool: 'get_data_summary', args: {} }, { text: 'Done.' }],
      600,
    );
    const running = await startLive(modelEnv(model), { heartbeatMs: 100 });
    const res = await postJson(`${running.url}/api/chat`, {
      question: 'What does the data cover?',
    });
    expect(res.status).toBe(200);
    const events = await allEvents(res);
    const types = events.map((e) => e.event);
    const final = types.indexOf('final');
    expect(final).toBe(types.length - 1);
    const heartbeat = types.indexOf('heartbeat');
    expect(heartbeat).toBeGreaterThanOrEqual(0);
    expect(heartbeat).toBeLessThan(final);
    expect(events.find((e) => e.event === 'heartbeat')!.data).toEqual({});
    expect(types.filter((t) => t !== 'heartbeat')).toEqual(
      expect.arrayContaining(['tool_start', 'tool_end', 'token', 'final']),
    );
    expect(events[final]!.data.answer).toBe('Done.');
    expect(model.requests).toHaveLength(2);
  }, 20_000);

  it('stops the work when the client hangs up, frees the agent and rolls the question back', async () => {
    const model = await scriptedModel(
      [
        { tool: 'get_data_summary', args: {} },
        { tool: 'query_land_use_area', args: { states: ['CA'] } },
        { text: 'Done.' },
      ],
      700,
    );
    const running = await startLive(modelEnv(model));
    const question = 'Tell me about the data, then California';
    const controller = new AbortController();
    const res = await postJson(`${running.url}/api/chat`, { question }, controller.signal);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const seen: string[] = [];
    try {
      for await (const e of sseEvents(res)) {
        seen.push(e.event);
        if (e.event === 'tool_end') {
          controller.abort();
          break;
        }
      }
    } catch (error) {
      // Aborting the fetch may surface as an AbortError from the body stream.
      expect((error as Error).name).toBe('AbortError');
    }
    expect(seen).toContain('tool_end');
    expect(seen).not.toContain('final');

    await new Promise((r) => setTimeout(r, 2000));
    // The second model call may have started; no third one did.
    expect(model.requests.length).toBeLessThanOrEqual(2);
    expect(model.remaining()).toBeGreaterThanOrEqual(1);
    expect(running.deps.agents.stats().active).toBe(0);
    // Nothing of the abandoned question is kept.
    const list = (await (
      await fetch(`${running.url}/api/threads`, { headers: { cookie } })
    ).json()) as Json;
    expect(list.threads).toEqual([]);
  }, 20_000);

  it('ends the stream with an error event when the provider fails, naming no internals', async () => {
    const model = await scriptedModel(Array.from({ length: 6 }, () => ({ status: 500 })));
    const running = await startLive(modelEnv(model, { LANDUSE_FALLBACK_TO_OFFLINE: 'false' }));
    const res = await postJson(`${running.url}/api/chat`, { question: QUESTION });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const events: SseEvent[] = [];
    for await (const e of sseEvents(new Response(raw))) events.push(e);
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(events.some((e) => e.event === 'final')).toBe(false);
    expect(Object.keys(last.data).sort()).toEqual(['code', 'message', 'requestId']);
    expect(last.data.code).toBe('agent:provider_failed');
    expect(last.data.requestId).toBe(res.headers.get('x-request-id'));
    expect(typeof last.data.message).toBe('string');
    expect(last.data.message).toContain('openai');
    expect(raw).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|SELECT /);
    for (const secret of ['sk-test', model.url, '127.0.0.1']) expect(raw).not.toContain(secret);
    expect(model.requests.length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => running.deps.agents.stats().active).toBe(0);
  }, 20_000);
});

describe('starting up', () => {
  it('says so when the port is taken, and leaves nothing open', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as AddressInfo;
    try {
      const error = await startLive({ LANDUSE_PORT: String(port) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'server:port_in_use' });
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('warms the cache with the dashboard views before it reports ready', async () => {
    const running = await startLive();
    const cache = running.deps.service.cache!;
    expect(running.deps.state.ready).toBe(true);
    expect(cache.stats().sets).toBeGreaterThanOrEqual(WARM_UP_PATHS.length);
    expect((await fetch(`${running.url}/ready`)).status).toBe(200);
    // The first visitor's dashboard views come from the cache: no new entries, only hits.
    const before = cache.stats();
    for (const path of WARM_UP_PATHS)
      expect((await fetch(`${running.url}${path}`)).status).toBe(200);
    expect(cache.stats().sets).toBe(before.sets);
    expect(cache.stats().hits).toBeGreaterThan(before.hits);
  });
});

describe('shutting down', () => {
  it('finishes the request in flight, refuses new ones, then closes the pool', async () => {
    const model = await scriptedModel(
      Array.from({ length: 4 }, () => ({ text: 'All done.' })),
      800,
    );
    // A deadline far beyond the test's patience: close() must not wait for it.
    const running = await startLive(modelEnv(model, { LANDUSE_SHUTDOWN_TIMEOUT: '60' }), {
      ownService: true,
    });
    const inFlight = postJson(`${running.url}/api/ask`, { question: 'anything' });
    await expect.poll(() => running.deps.agents.stats().active, { timeout: 5000 }).toBe(1);

    const closed = running.close();
    // A request after the shutdown began: the connection is refused, or it is answered 503.
    const late = await fetch(`${running.url}/health`).then(
      (r) => r.status,
      () => 'refused' as const,
    );
    expect([503, 'refused']).toContain(late);

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).answer).toBe('All done.');
    // The in-flight request's keep-alive connection is closed once it is idle, not held open
    // until the deadline.
    const ended = await Promise.race([
      closed.then(() => 'closed' as const),
      new Promise<'still open'>((r) => setTimeout(() => r('still open'), 15_000)),
    ]);
    expect(ended).toBe('closed');
    expect(running.deps.state.closing).toBe(true);
    // The server opened the database, so it closed it.
    await expect(running.deps.service.pool.query(sql`SELECT 1 AS x`)).rejects.toThrow();
  }, 30_000);

  it('cuts what is still open at the shutdown deadline', async () => {
    const model = await scriptedModel([{ hang: true }, { hang: true }]);
    const running = await startLive(
      modelEnv(model, { LANDUSE_SHUTDOWN_TIMEOUT: '0.5', LANDUSE_MAX_EXECUTION_TIME: '30' }),
    );
    const hanging = postJson(`${running.url}/api/ask`, { question: 'anything' });
    const outcome = hanging.then(
      async (r) => ({ status: r.status, body: await r.text() }),
      (error: unknown) => ({ error }),
    );
    await expect.poll(() => model.requests.length, { timeout: 5000 }).toBe(1);
    expect(running.deps.agents.stats().active).toBe(1);

    const started = performance.now();
    await running.close();
    expect(performance.now() - started).toBeLessThan(3000);
    const ended = await outcome;
    expect(ended).toHaveProperty('error');
    // The cut connection aborted the question, so its agent slot is free again.
    await expect.poll(() => running.deps.agents.stats().active, { timeout: 5000 }).toBe(0);
  }, 20_000);
});

describe('landuse serve', () => {
  it('serves until SIGTERM, then exits 0', async () => {
    const db = await handMadeDb();
    const t = await tempDir();
    cleanups.push(() => t.cleanup());
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], {
      env: {
        ...process.env,
        LANDUSE_THREADS_DB_PATH: join(t.dir, 'threads.sqlite'),
        LANDUSE_LOG_LEVEL: 'warn',
        LANDUSE_HOST: '127.0.0.1',
        LANDUSE_PROVIDER: 'offline',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening" line within 30 s:\n${stderr}`)),
        30_000,
      );
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`landuse serve exited (${code}) before listening:\n${stderr}`));
      });
    });
    child.stdout.resume();

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();

    child.kill('SIGTERM');
    const result = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    expect(result, stderr).toEqual({ code: 0, signal: null });
  }, 60_000);
});
