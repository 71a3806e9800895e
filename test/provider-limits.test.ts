/**
 * Providers cannot tie up the server: a provider that is not configured is refused before any
 * connection, a provider whose port accepts and never answers costs a short reply-start deadline,
 * and its circuit opens after a few failures so later questions skip it. Everything listens on
 * 127.0.0.1; time bounds are generous on purpose.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fallbackNote } from '../src/agent/models/index.ts';
import { openTestApp } from './server-helpers.ts';

/**
 * A TCP port that accepts connections and never answers; it counts connections and requests
 * (connections that sent something: after an aborted request undici may open an idle spare).
 */
async function deadPort(): Promise<{
  url: string;
  connections: () => number;
  requests: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let count = 0;
  let requests = 0;
  const server: Server = createServer((socket) => {
    count++;
    socket.once('data', () => requests++);
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    connections: () => count,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

type App = Awaited<ReturnType<typeof openTestApp>>;
const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

async function open<T extends { close: () => Promise<void> }>(thing: Promise<T>): Promise<T> {
  const t = await thing;
  opened.push(t);
  return t;
}

/** POST /api/ask, sent now (inject's chain only sends once something awaits it). */
async function ask(app: App['app'], body: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: '/api/ask',
    payload: { question: 'How much forest is in Alabama?', ...body },
  });
}

describe('a provider that is not configured', () => {
  it('is refused at once with 400 naming the setting, and nothing is connected to', async () => {
    const port = await open(deadPort());
    // The operator's LANDUSE_BASE_URL is there, but the provider is offline: no request may
    // turn it (or Ollama's default port) into a destination.
    const t = await open(openTestApp({ LANDUSE_BASE_URL: port.url }));
    for (const provider of ['ollama', 'openai-compatible', 'openai', 'anthropic']) {
      const started = performance.now();
      const res = await ask(t.app, { provider });
      expect(res.statusCode).toBe(400);
      expect(performance.now() - started).toBeLessThan(2000);
      const error = res.json<{ error: { code: string; message: string } }>().error;
      expect(error.code).toBe('bad_request:provider_unavailable');
      expect(error.message).toMatch(/LANDUSE_ALLOWED_PROVIDERS|LANDUSE_PROVIDER=|_API_KEY/);
      expect(error.message).not.toContain('127.0.0.1');
    }
    expect(port.connections()).toBe(0);
    // The agent pool was never used.
    expect(t.deps.agents.stats().active).toBe(0);
  });

  it('names LANDUSE_ALLOWED_PROVIDERS when the list leaves a keyed provider out', async () => {
    const t = await open(
      openTestApp({ OPENAI_API_KEY: 'sk-test', LANDUSE_ALLOWED_PROVIDERS: 'anthropic' }),
    );
    const res = await ask(t.app, { provider: 'openai' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('LANDUSE_ALLOWED_PROVIDERS');
  });
});

describe('a configured provider whose port accepts and never answers', () => {
  it('does not starve other questions: the circuit opens and a normal question gets its 200', async () => {
    const port = await open(deadPort());
    const t = await open(
      openTestApp({
        LANDUSE_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-test',
        LANDUSE_BASE_URL: port.url,
        LANDUSE_PROVIDER_CONNECT_TIMEOUT: '0.5',
        LANDUSE_CIRCUIT_FAILURES: '3',
        LANDUSE_CIRCUIT_COOLDOWN: '120',
      }),
    );
    const flood = Array.from({ length: 40 }, (_, i) =>
      ask(t.app, { question: `forest in Alabama ${i}?` }),
    );
    const started = performance.now();
    const normal = await ask(t.app, { provider: 'offline' });
    const waitedMs = performance.now() - started;
    const answers = await Promise.all(flood);
    console.log(
      `normal question answered in ${waitedMs.toFixed(0)} ms during the flood; dead port saw ${port.requests()} requests`,
    );
    expect(normal.statusCode).toBe(200);
    // Before: ~30 s per flooded question on 4 agents, so this waited 10 s and got a 503.
    expect(waitedMs).toBeLessThan(8000);
    // Every flooded question was answered by the offline planner, which says so.
    for (const a of answers) {
      expect(a.statusCode).toBe(200);
      expect(a.json<{ answer: string }>().answer.split('\n')[0]).toBe(fallbackNote('openai'));
    }
    // Only the calls made before the circuit opened reached the port (4 agents at once).
    expect(port.requests()).toBeLessThanOrEqual(t.deps.config.agentPoolSize);
    const health = (await t.app.inject('/health')).json<{
      checks: { provider: { status: string; circuits: Record<string, unknown> } };
    }>();
    expect(health.checks.provider.status).toBe('degraded');
    expect(health.checks.provider.circuits.openai).toMatchObject({ state: 'open', opens: 1 });
  });

  it('without the fallback, fails at once with 503 while the circuit is open', async () => {
    const port = await open(deadPort());
    const t = await open(
      openTestApp({
        LANDUSE_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-test',
        LANDUSE_BASE_URL: port.url,
        LANDUSE_PROVIDER_CONNECT_TIMEOUT: '0.3',
        LANDUSE_CIRCUIT_FAILURES: '3',
        LANDUSE_CIRCUIT_COOLDOWN: '120',
        LANDUSE_FALLBACK_TO_OFFLINE: 'false',
      }),
    );
    // One question: a call and two retries, each failing at the reply-start deadline.
    const first = await ask(t.app, {});
    expect(first.statusCode).toBe(502);
    expect(port.requests()).toBe(3);
    const started = performance.now();
    const second = await ask(t.app, {});
    expect(performance.now() - started).toBeLessThan(2000);
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
    const error = second.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('busy:provider_circuit_open');
    expect(error.message).toContain('openai');
    expect(error.message).not.toContain('127.0.0.1');
    expect(port.requests()).toBe(3);
  });
});
