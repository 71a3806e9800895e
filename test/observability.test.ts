/**
 * The observability of the server, end to end in process: after a known sequence of requests
 * (answer-cache hits and misses, a refused statement, provider faults through a scripted model)
 * every counter and histogram of /metrics holds the expected count and agrees with the figures
 * each answer reported; a slow tool makes the response-time alert fire and resolve, both
 * reach a webhook, and a webhook that hangs holds up no request; the history is served and
 * survives a restart; `landuse monitor` shows it; `landuse ask --json` carries its metrics.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AskResult } from '../src/agent/index.ts';
import type { Analytics } from '../src/analytics/index.ts';
import type { AlertsView, HistoryView } from '../src/observability/index.ts';
import type { ServerDeps } from '../src/server/index.ts';
import { tempDir } from './helpers.ts';
import { openTestApp } from './server-helpers.ts';
import { parseExposition, total, type Sample } from './metrics-text.ts';
import { startOpenAIServer } from './scripted/openai.ts';
import type { Reply } from './scripted/server.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The usage the scripted OpenAI server reports for every call (test/scripted/openai.ts). */
const OPENAI_USAGE = { prompt_tokens: 120, completion_tokens: 30 };

const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch {
      // Best effort: one failed cleanup must not hide the others.
    }
  }
});

interface TestServer {
  app: FastifyInstance;
  deps: ServerDeps;
  db: string;
  /** Makes every analytics call (so every tool) take `ms` longer; 0 turns it off. */
  slowTools: (ms: number) => void;
}

/** The server over the hand-made database, its tools slowed on demand; closed after the test. */
async function openServer(
  env: Record<string, string> = {},
  options: { historyPath?: string } = {},
): Promise<TestServer> {
  let slowMs = 0;
  const slowed = (analytics: Analytics) =>
    Object.fromEntries(
      Object.entries(analytics).map(([name, run]) => [
        name,
        async (input?: unknown) => {
          if (slowMs > 0) await delay(slowMs);
          return (run as (i?: unknown) => Promise<unknown>)(input);
        },
      ]),
    ) as unknown as Analytics;
  const { app, deps, db, close } = await openTestApp(env, { ...options, analytics: slowed });
  cleanups.push(close);
  return { app, deps, db, slowTools: (ms) => (slowMs = ms) };
}

async function ask(
  app: FastifyInstance,
  body: Json,
): Promise<{ result: AskResult; cache: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/ask', payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return { result: res.json<AskResult>(), cache: String(res.headers['x-cache']) };
}

async function scrape(app: FastifyInstance): Promise<Sample[]> {
  const res = await app.inject('/metrics');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
  return parseExposition(res.body);
}

/** A webhook receiver on 127.0.0.1: it answers 200, or never answers when `hang`. */
async function webhookReceiver(options: { hang?: boolean } = {}) {
  const bodies: Json[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
      if (!options.hang) res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('metrics after a known sequence of requests', () => {
  it('counts every request, cache lookup, refusal, model call, retry and fallback', async () => {
    const model = await startOpenAIServer([
      // A: a tool call, then the answer.
      { tool: 'compare_states', args: { metric: 'urban_expansion' } },
      { text: 'Alabama leads.' },
      // B: a server error, retried, then as A.
      { status: 500 },
      { tool: 'compare_states', args: { metric: 'urban_expansion' } },
      { text: 'Alabama leads.' },
      // C: three server errors: two retries, then the offline planner takes over.
      { status: 500 },
      { status: 500 },
      { status: 500 },
    ] satisfies Reply[]);
    cleanups.push(() => model.close());
    const { app } = await openServer({
      LANDUSE_PROVIDER: 'openai-compatible',
      LANDUSE_BASE_URL: model.url,
      LANDUSE_MODEL: 'scripted-model',
      LANDUSE_CIRCUIT_FAILURES: '10',
    });

    const question = 'How much forest is in Alabama?';
    const first = await ask(app, { question, provider: 'offline' });
    const again = await ask(app, { question, provider: 'offline' });
    const a = await ask(app, { question: 'Which states have the most urban expansion?' });
    const b = await ask(app, { question: 'Which states gained the most urban land?' });
    const c = await ask(app, { question: 'Which states have the most new urban land?' });
    const refused = await app.inject({
      method: 'POST',
      url: '/api/sql',
      payload: { sql: "SELECT * FROM read_csv('/etc/passwd')" },
    });
    const sqlOk = await app.inject({
      method: 'POST',
      url: '/api/sql',
      payload: { sql: 'SELECT count(*) AS n FROM dim_geography' },
    });
    expect([refused.statusCode, sqlOk.statusCode]).toEqual([400, 200]);
    expect(model.remaining()).toBe(0);

    // Each answer's own figures.
    expect([first.cache, again.cache]).toEqual(['miss', 'hit']);
    expect(first.result.metrics).toMatchObject({
      route: '/api/ask',
      provider: 'offline',
      modelCalls: 2,
      toolCalls: 1,
      cache: { l1: { hits: 0 } },
    });
    expect(first.result.metrics.queries).toBeGreaterThan(0);
    expect(first.result.metrics.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.result.timings.dbMs).toBeGreaterThan(0);
    expect(first.result.timings.dbMs).toBeLessThanOrEqual(first.result.timings.toolMs);
    // The cached answer reports this request, not the first one's work.
    expect(again.result.metrics).toMatchObject({
      queries: 0,
      modelCalls: 0,
      toolCalls: 0,
      cache: { l1: { hits: 1, misses: 0 } },
    });
    expect(again.result.metrics.requestId).not.toBe(first.result.metrics.requestId);
    expect(a.result.metrics).toMatchObject({
      provider: 'openai-compatible',
      modelCalls: 2,
      inputTokens: 2 * OPENAI_USAGE.prompt_tokens,
      outputTokens: 2 * OPENAI_USAGE.completion_tokens,
      retries: 0,
      fallbacks: 0,
    });
    expect(a.result.usage).toEqual({
      inputTokens: a.result.metrics.inputTokens,
      outputTokens: a.result.metrics.outputTokens,
    });
    expect(b.result.metrics).toMatchObject({ modelCalls: 3, retries: 1, errors: { provider: 1 } });
    expect(c.result.metrics).toMatchObject({
      retries: 2,
      fallbacks: 1,
      // Three failed provider calls, then the planner plans and narrates.
      modelCalls: 5,
      errors: { provider: 3 },
    });
    expect(c.result.answer).toContain('offline planner answered');

    const m = await scrape(app);
    const requests = (labels: Record<string, string>) =>
      total(m, 'landuse_http_requests_total', labels);
    expect(requests({ route: '/api/ask', provider: 'offline', outcome: 'ok' })).toBe(2);
    expect(requests({ route: '/api/ask', provider: 'openai-compatible', outcome: 'ok' })).toBe(3);
    expect(requests({ route: '/api/sql', provider: 'none', outcome: 'client_error' })).toBe(1);
    expect(requests({ route: '/api/sql', provider: 'none', outcome: 'ok' })).toBe(1);
    // The histogram counted the same requests, each in its buckets up to +Inf.
    for (const s of m.filter((x) => x.name === 'landuse_http_requests_total')) {
      const series = { ...s.labels };
      expect(total(m, 'landuse_http_request_duration_seconds_count', series)).toBe(s.value);
      expect(
        total(m, 'landuse_http_request_duration_seconds_bucket', { ...series, le: '+Inf' }),
      ).toBe(s.value);
    }
    const buckets = m
      .filter(
        (s) =>
          s.name === 'landuse_http_request_duration_seconds_bucket' &&
          s.labels.route === '/api/ask' &&
          s.labels.provider === 'offline',
      )
      .map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((x, y) => x - y));

    const answers = [first, again, a, b, c].map((x) => x.result);
    const sum = (f: (r: AskResult) => number) => answers.reduce((s, r) => s + f(r), 0);
    // Cache lookups: the answers' own, plus the SQL explorer's one miss.
    expect(total(m, 'landuse_cache_hits_total', { level: 'l1', kind: 'answer' })).toBe(1);
    expect(total(m, 'landuse_cache_misses_total', { level: 'l1', kind: 'answer' })).toBe(1);
    expect(total(m, 'landuse_cache_misses_total', { level: 'l1', kind: 'sql' })).toBe(1);
    expect(total(m, 'landuse_cache_hits_total')).toBe(sum((r) => r.metrics.cache.l1?.hits ?? 0));
    expect(total(m, 'landuse_cache_misses_total')).toBe(
      sum((r) => r.metrics.cache.l1?.misses ?? 0) + 1,
    );
    // Database queries: the answers' and the explorer's one; their rows.
    expect(total(m, 'landuse_db_query_duration_seconds_count')).toBe(
      sum((r) => r.metrics.queries) + 1,
    );
    expect(total(m, 'landuse_db_query_duration_seconds_count', { operation: '/api/sql' })).toBe(1);
    expect(total(m, 'landuse_db_rows_total')).toBe(sum((r) => r.metrics.rows) + 1);
    // Tools, by name (the cached answer lists its first run's calls: no tool ran for it).
    const ran = [first, a, b, c].flatMap((x) => x.result.toolCalls);
    for (const name of new Set(ran.map((t) => t.name))) {
      expect(
        total(m, 'landuse_tool_call_duration_seconds_count', { tool: name, outcome: 'ok' }),
      ).toBe(ran.filter((t) => t.name === name).length);
    }
    // The guard's refusal, and the errors by kind.
    expect(total(m, 'landuse_sql_guard_refusals_total', { reason: 'table_function' })).toBe(1);
    expect(total(m, 'landuse_sql_guard_refusals_total')).toBe(1);
    expect(total(m, 'landuse_errors_total', { kind: 'sql' })).toBe(1);
    expect(total(m, 'landuse_errors_total', { kind: 'provider' })).toBe(4);
    // Model calls under the GenAI names: 4 good and 4 failed provider calls, 4 planner calls.
    const genAi = (labels: Record<string, string>) =>
      total(m, 'landuse_gen_ai_client_operation_duration_seconds_count', labels);
    const provider = {
      gen_ai_provider_name: 'openai-compatible',
      gen_ai_request_model: 'scripted-model',
    };
    expect(genAi({ ...provider, gen_ai_operation_name: 'chat' })).toBe(8);
    expect(genAi({ ...provider, error_type: 'server_error' })).toBe(4);
    expect(
      genAi({ gen_ai_provider_name: 'offline', gen_ai_request_model: 'offline-planner' }),
    ).toBe(4);
    expect(genAi({})).toBe(sum((r) => r.metrics.modelCalls));
    const tokens = (type: string) =>
      total(m, 'landuse_gen_ai_client_token_usage_sum', { ...provider, gen_ai_token_type: type });
    expect(tokens('input')).toBe(4 * OPENAI_USAGE.prompt_tokens);
    expect(tokens('output')).toBe(4 * OPENAI_USAGE.completion_tokens);
    expect(
      total(m, 'landuse_gen_ai_client_token_usage_count', {
        ...provider,
        gen_ai_token_type: 'input',
      }),
    ).toBe(4);
    expect(
      total(m, 'landuse_model_tokens_total', { provider: 'openai-compatible', direction: 'input' }),
    ).toBe(sum((r) => r.metrics.inputTokens));
    expect(
      total(m, 'landuse_model_retries_total', {
        provider: 'openai-compatible',
        reason: 'server_error',
      }),
    ).toBe(3);
    expect(
      total(m, 'landuse_model_fallbacks_total', {
        provider: 'openai-compatible',
        reason: 'server_error',
      }),
    ).toBe(1);
    // Gauges read at scrape time.
    expect(total(m, 'landuse_agent_pool_size')).toBe(4);
    expect(total(m, 'landuse_agent_pool_busy')).toBe(0);
    expect(total(m, 'landuse_db_connections_max')).toBe(2);
    expect(total(m, 'landuse_db_connections_in_use')).toBe(0);
    expect(total(m, 'landuse_cache_entries')).toBeGreaterThan(0);
    expect(total(m, 'landuse_http_requests_in_flight')).toBe(1); // this scrape
    expect(total(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(total(m, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // No label carries a question or a thread id.
    const values = m.flatMap((s) => Object.values(s.labels));
    for (const r of answers) expect(values).not.toContain(r.threadId);
    expect(values.join(' ')).not.toMatch(/forest is|Alabama|urban land/);
  });

  it('counts the chat stream, its open-stream gauge, and a refused key and rate limit', async () => {
    const { app } = await openServer({
      LANDUSE_API_KEYS: 'k-one-long-enough',
      LANDUSE_AUTH_FAILURE_LIMIT: '1',
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { 'x-api-key': 'k-one-long-enough' },
      payload: { question: 'How much forest is in Alabama?' },
    });
    expect(res.statusCode).toBe(200);
    const final = /event: final\ndata: (.*)\n/.exec(res.body)?.[1];
    expect(JSON.parse(final ?? '{}')).toMatchObject({
      metrics: { route: '/api/chat', provider: 'offline', toolCalls: 1 },
    });
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/ask',
      headers: { 'x-api-key': 'wrong' },
      payload: { question: 'How much forest is in Alabama?' },
    });
    expect(wrong.statusCode).toBe(401);
    const locked = await app.inject({ url: '/api/threads', headers: { 'x-api-key': 'wrong' } });
    expect(locked.statusCode).toBe(429);
    const m = await scrape(app);
    expect(
      total(m, 'landuse_http_requests_total', {
        route: '/api/chat',
        provider: 'offline',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(total(m, 'landuse_active_streams', { kind: 'chat' })).toBe(0);
    expect(total(m, 'landuse_errors_total', { kind: 'auth' })).toBe(1);
    expect(
      total(m, 'landuse_http_requests_total', { route: '/api/ask', outcome: 'client_error' }),
    ).toBe(1);
    expect(total(m, 'landuse_rate_limit_refusals_total', { limit: 'auth_failures' })).toBe(1);
    expect(total(m, 'landuse_http_requests_total', { outcome: 'rate_limited' })).toBe(1);
    // Every limit's series exists from the start, at 0 until a 429.
    expect(
      m.filter((s) => s.name === 'landuse_rate_limit_refusals_total').map((s) => s.labels.limit),
    ).toEqual(['per_minute', 'daily_quota', 'auth_failures']);
  });
});

describe('alerts', () => {
  /** Settings for alerts judged on two slices, each closed by an explicit tick(). */
  const alertEnv = (webhook: string, extra: Record<string, string> = {}) => ({
    LANDUSE_METRICS_INTERVAL: '1',
    LANDUSE_ALERT_WINDOW: '2',
    LANDUSE_ALERT_RESPONSE_TIME: '1',
    LANDUSE_ALERT_MIN_REQUESTS: '4',
    // New questions miss the answer cache: that alert is another test's.
    LANDUSE_ALERT_CACHE_HIT_RATE: '0',
    LANDUSE_ALERT_WEBHOOK_URL: webhook,
    ...extra,
  });
  const states = ['Alabama', 'California', 'Texas', 'Florida', 'Georgia', 'Ohio', 'Iowa', 'Maine'];
  const questions = (from: number) =>
    Array.from(
      { length: 4 },
      (_, i) => `How much forest is in ${states[(from + i) % states.length]}?`,
    );
  /** Four new questions at once (new questions: no answer-cache hits). */
  const askAll = (app: FastifyInstance, qs: string[]) =>
    Promise.all(qs.map((question) => ask(app, { question, provider: 'offline' })));

  it('a slow tool fires the response-time alert, fast answers resolve it, the webhook gets both', async () => {
    const hook = await webhookReceiver();
    const s = await openServer(alertEnv(hook.url));
    const obs = s.deps.observability;
    s.slowTools(1500);
    await askAll(s.app, questions(0));
    const fired = obs.tick();
    expect(fired.events.map((e) => [e.alert, e.state])).toEqual([
      ['LanduseHighResponseTime', 'firing'],
    ]);
    expect(fired.snapshot.p95Ms).toBeGreaterThan(1500);
    const alerts = (await s.app.inject('/api/alerts')).json<AlertsView>();
    expect(alerts.active).toEqual([
      expect.objectContaining({
        alert: 'LanduseHighResponseTime',
        severity: 'warning',
        threshold: 1,
      }),
    ]);
    expect(alerts.window.requests).toBe(4);
    await until('the firing notification', () => hook.bodies.length === 1);
    expect(hook.bodies[0]).toMatchObject({
      status: 'firing',
      groupLabels: { alertname: 'LanduseHighResponseTime' },
    });

    // Fast again: the slow slice is still in the window, then it is not.
    s.slowTools(0);
    await askAll(s.app, questions(4));
    expect(obs.tick().events).toEqual([]);
    await askAll(
      s.app,
      questions(0).map((q) => q.replace('?', ' in 2050?')),
    );
    const resolved = obs.tick();
    expect(resolved.events.map((e) => [e.alert, e.state])).toEqual([
      ['LanduseHighResponseTime', 'resolved'],
    ]);
    await until('the resolved notification', () => hook.bodies.length === 2);
    expect(hook.bodies[1]).toMatchObject({
      status: 'resolved',
      alerts: [expect.objectContaining({ status: 'resolved' })],
    });
    const after = (await s.app.inject('/api/alerts')).json<AlertsView>();
    expect(after.active).toEqual([]);
    expect(after.recent.map((e) => e.state)).toEqual(['resolved', 'firing']);
    const m = await scrape(s.app);
    expect(total(m, 'landuse_alerts_fired_total', { alert: 'LanduseHighResponseTime' })).toBe(1);
    expect(total(m, 'landuse_alert_active', { alert: 'LanduseHighResponseTime' })).toBe(0);
    expect(total(m, 'landuse_alert_notifications_total', { outcome: 'sent' })).toBe(2);
  });

  it('a webhook that hangs holds up no request', async () => {
    const hook = await webhookReceiver({ hang: true });
    const s = await openServer(
      alertEnv(hook.url, {
        LANDUSE_ALERT_WEBHOOK_TIMEOUT: '60',
        LANDUSE_ALERT_WEBHOOK_RETRIES: '0',
      }),
    );
    const obs = s.deps.observability;
    s.slowTools(1500);
    await askAll(s.app, questions(0));
    expect(obs.tick().events).toHaveLength(1);
    let delivered = false;
    void obs.webhookDrained().then(() => (delivered = true));
    await until('the webhook to receive the alert', () => hook.bodies.length === 1);
    // The receiver holds the delivery open; questions are answered meanwhile.
    s.slowTools(0);
    const answers = await askAll(s.app, questions(4));
    expect(answers.map((x) => x.result.toolCalls.length)).toEqual([1, 1, 1, 1]);
    expect((await s.app.inject('/api/alerts')).statusCode).toBe(200);
    expect(obs.tick().events).toEqual([]);
    expect(delivered).toBe(false);
    expect(hook.bodies).toHaveLength(1);
  });
});

describe('history', () => {
  it('serves snapshots since a time, merges steps, refuses a bad since, and survives a restart', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const historyPath = join(t.dir, 'metrics.sqlite');
    const s = await openServer({ LANDUSE_METRICS_INTERVAL: '1' }, { historyPath });
    await ask(s.app, { question: 'How much forest is in Alabama?', provider: 'offline' });
    await ask(s.app, { question: 'How much forest is in Alabama?', provider: 'offline' });
    const start = Date.now();
    s.deps.observability.tick(start);
    s.deps.observability.tick(start + 1000);
    s.deps.observability.tick(start + 2000);
    const res = await s.app.inject(`/api/metrics/history?since=${start - 1}`);
    expect(res.statusCode).toBe(200);
    const h = res.json<HistoryView>();
    expect(h).toMatchObject({ step: 1, intervalSeconds: 1, retentionHours: 24 });
    expect(h.points.map((p) => p.t)).toEqual([start, start + 1000, start + 2000]);
    expect(h.points[0]).toMatchObject({
      requests: 2,
      cacheHits: 1,
      agentPoolSize: 4,
      dbPoolSize: 2,
    });
    expect(h.points[0]?.p95Ms).toBeGreaterThan(0);
    expect(h.points[1]).toMatchObject({ requests: 0, p95Ms: null, errorRate: null });
    const merged = (
      await s.app.inject(`/api/metrics/history?since=${start - 1}&step=1h`)
    ).json<HistoryView>();
    expect(merged.step).toBe(3600);
    expect(merged.points).toHaveLength(1);
    expect(merged.points[0]?.requests).toBe(2);
    expect(
      (await s.app.inject('/api/metrics/history?since=15m')).json<HistoryView>().points,
    ).toHaveLength(3);
    const bad = await s.app.inject('/api/metrics/history?since=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { field?: string } }>().error.field).toBe('query.since');
    expect((await s.app.inject('/api/metrics/history?sinse=1h')).statusCode).toBe(400);

    // A new server over the same file goes on from the snapshots already written.
    const again = await openServer({ LANDUSE_METRICS_INTERVAL: '1' }, { historyPath });
    const before = (
      await again.app.inject(`/api/metrics/history?since=${start - 1}`)
    ).json<HistoryView>();
    expect(before.points.map((p) => p.t)).toEqual([start, start + 1000, start + 2000]);
  });
});

describe('from the command line', () => {
  it('landuse monitor --once shows the figures of a running server', async () => {
    const s = await openServer({ LANDUSE_METRICS_INTERVAL: '1' });
    await ask(s.app, { question: 'How much forest is in Alabama?', provider: 'offline' });
    s.deps.observability.tick();
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    const out = await run(['monitor', '--once', '--url', url]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`landuse monitor  ${url}`);
    for (const row of [
      'requests/s',
      'p95 (alert > 5 s)',
      'error rate',
      'cache hit rate',
      'memory',
      'agents busy',
      'tokens in / out',
    ]) {
      expect(out.stdout).toContain(row);
    }
    expect(out.stdout).toContain('Alerts: none firing');
    const down = await run(['monitor', '--once', '--url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach http://127.0.0.1:9');
  });

  it("landuse ask --json carries the question's metrics", async () => {
    const s = await openServer();
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const out = await run(['ask', '--json', 'How much forest is in Alabama?', '--db', s.db], {
      LANDUSE_THREADS_DB_PATH: join(t.dir, 'threads.sqlite'),
    });
    expect(out.code, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout) as AskResult;
    expect(r.metrics).toMatchObject({
      route: null,
      provider: 'offline',
      modelCalls: 2,
      toolCalls: 1,
    });
    expect(r.metrics.queries).toBeGreaterThan(0);
    expect(r.metrics.rows).toBeGreaterThan(0);
    expect(r.timings.dbMs).toBeGreaterThan(0);
    expect(r.timings.dbMs).toBeLessThanOrEqual(r.timings.toolMs);
    expect(r.timings.llmMs + r.timings.toolMs + r.timings.agentMs).toBeCloseTo(
      r.timings.totalMs,
      3,
    );
  });
});

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
