/**
 * The LLM providers against local scripted servers that speak the real OpenAI Chat Completions
 * and Anthropic Messages protocols: the full loop (question, tool call, DuckDB, tool result,
 * answer), streaming and not, and the faults (rate limit, server errors, timeouts, malformed
 * tool calls). Nothing leaves 127.0.0.1.
 */
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../src/agent/index.ts';
import { createAgentGraph } from '../src/agent/graph.ts';
import {
  createChatModel,
  createRateLimiter,
  DEFAULT_MODELS,
  fallbackNote,
  isRetryable,
  retryDelayMs,
  type Clock,
  type ProviderEvent,
} from '../src/agent/models/index.ts';
import { buildSystemPrompt } from '../src/agent/prompt.ts';
import { createTools } from '../src/agent/tools/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';
import { anthropicToolResults, startAnthropicServer } from './scripted/anthropic.ts';
import { openAIToolResults, startOpenAIServer } from './scripted/openai.ts';
import type { Reply, ScriptedServer } from './scripted/server.ts';

const OPENAI_KEY = 'sk-test-secret-openai';
const ANTHROPIC_KEY = 'sk-ant-test-secret';
const QUESTION = 'Which states have the most urban expansion?';
const FINAL =
  'Alabama leads with 600 acres of new urban land (OVERALL, 2020-2030), then California with 150 acres.';

let cleanup: () => Promise<void>;
let service: AnalyticsService;
let db: string;
const servers: ScriptedServer[] = [];

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  db = join(t.dir, 'providers.duckdb');
  await runLoad({ input: HAND_MADE, db }, quietEffects);
  service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { poolSize: 1 });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await service.close();
  await cleanup();
});

type Protocol = 'openai' | 'anthropic';

async function scripted(protocol: Protocol, script: Reply[]): Promise<ScriptedServer> {
  const server =
    protocol === 'openai' ? await startOpenAIServer(script) : await startAnthropicServer(script);
  servers.push(server);
  return server;
}

function toolResults(protocol: Protocol, body: Record<string, unknown>): string[] {
  return protocol === 'openai' ? openAIToolResults(body) : anthropicToolResults(body);
}

/** An agent over the hand-made database whose model is the provider at `server`. */
function agentFor(
  protocol: Protocol,
  server: ScriptedServer,
  env: Record<string, string> = {},
  options: { requestTimeoutMs?: number; maxRetries?: number; events?: ProviderEvent[] } = {},
) {
  const config = loadConfig({
    LANDUSE_DB_PATH: db,
    LANDUSE_PROVIDER: protocol,
    LANDUSE_BASE_URL: server.url,
    ...(protocol === 'openai'
      ? { OPENAI_API_KEY: OPENAI_KEY }
      : { ANTHROPIC_API_KEY: ANTHROPIC_KEY }),
    ...env,
  });
  const { model, provider } = createChatModel(config, {
    dataset: 'rpa',
    retry: { maxRetries: options.maxRetries ?? 2, baseDelayMs: 1, maxDelayMs: 20 },
    limiter: createRateLimiter({ calls: 100, windowMs: 1000 }),
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    onEvent: (e) => options.events?.push(e),
  });
  const agent = createAgentGraph({
    model,
    tools: createTools({ analytics: service.analytics, ctx: service.ctx }),
    maxIterations: 8,
  });
  const ask = (question = QUESTION) =>
    answerQuestion({ agent, question, provider, dataset: 'rpa', timeoutMs: 20_000 });
  return { agent, ask, provider };
}

const toolThenAnswer: Reply[] = [
  { tool: 'compare_states', args: { metric: 'urban_expansion' } },
  { text: FINAL },
];

describe.each(['openai', 'anthropic'] as const)('the %s protocol', (protocol) => {
  it('runs the loop streaming: tool call, DuckDB, the tool result sent back, the answer', async () => {
    const server = await scripted(protocol, toolThenAnswer);
    const tokens: string[] = [];
    const r = await answerQuestion({
      agent: agentFor(protocol, server).agent,
      question: QUESTION,
      provider: protocol,
      dataset: 'rpa',
      timeoutMs: 20_000,
      onEvent: (e) => {
        if (e.type === 'token') tokens.push(e.text);
      },
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((q) => q.stream)).toBe(true);
    const first = server.requests[0]!;
    expect(first.path).toBe(protocol === 'openai' ? '/v1/chat/completions' : '/v1/messages');
    expect(JSON.stringify(first.body)).toContain('compare_states');
    expect(JSON.stringify(first.body)).toContain('Answer only from tool results');
    const sent = toolResults(protocol, server.requests[1]!.body);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('600');
    expect(r.toolCalls).toMatchObject([
      { name: 'compare_states', args: { metric: 'urban_expansion' }, rows: 2 },
    ]);
    expect(r.tables[0]!.rows).toMatchObject([
      { state: 'AL', value: 600 },
      { state: 'CA', value: 150 },
    ]);
    expect(r.answer).toBe(FINAL);
    // The pieces make the answer. Anthropic's streamed pieces with tools bound are content
    // blocks, which answerQuestion does not read as tokens yet: it sends that answer whole.
    expect(tokens.join('')).toBe(FINAL);
    if (protocol === 'openai') expect(tokens.length).toBeGreaterThan(1);
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.provider).toBe(protocol);
  });

  it('runs the loop when nobody listens to tokens (still streamed from the provider), with the key in the right header', async () => {
    const server = await scripted(protocol, toolThenAnswer);
    const { agent } = agentFor(protocol, server);
    const out = await agent.invoke(
      { messages: [new HumanMessage(QUESTION)] },
      { configurable: { thread_id: 'json' } },
    );
    const last = out.messages.at(-1) as BaseMessage;
    expect(last.content).toBe(FINAL);
    expect(server.requests.map((q) => q.stream)).toEqual([true, true]);
    expect(toolResults(protocol, server.requests[1]!.body)[0]).toContain('600');
    const headers = server.requests[0]!.headers;
    if (protocol === 'openai') expect(headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    else expect(headers['x-api-key']).toBe(ANTHROPIC_KEY);
  });

  it('retries a 429 and then succeeds', async () => {
    const server = await scripted(protocol, [
      { status: 429, message: 'slow down', headers: { 'retry-after': '0' } },
      { text: 'No tool needed.' },
    ]);
    const events: ProviderEvent[] = [];
    const r = await agentFor(protocol, server, {}, { events }).ask('Say hello');
    expect(server.requests).toHaveLength(2);
    expect(r.answer).toBe('No tool needed.');
    expect(events).toMatchObject([{ type: 'retry', attempt: 1, reason: 'rate limited' }]);
  });

  it('falls back to the offline planner on a persistent 500, and says so', async () => {
    const server = await scripted(
      protocol,
      Array.from({ length: 10 }, () => ({ status: 500 })),
    );
    const events: ProviderEvent[] = [];
    const tokens: string[] = [];
    const r = await answerQuestion({
      agent: agentFor(protocol, server, {}, { events }).agent,
      question: QUESTION,
      provider: protocol,
      dataset: 'rpa',
      timeoutMs: 20_000,
      onEvent: (e) => {
        if (e.type === 'token') tokens.push(e.text);
      },
    });
    // One call and two retries; the rest of the turn stays with the planner.
    expect(server.requests).toHaveLength(3);
    expect(r.answer.split('\n')[0]).toBe(fallbackNote(protocol));
    // A streaming client sees the answer once, note included.
    expect(tokens).toEqual([r.answer]);
    expect(r.answer).toContain('600 acres');
    expect(r.toolCalls).toMatchObject([{ name: 'compare_states' }]);
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry', 'fallback']);
  });

  it('falls back when the server never answers within the request timeout', async () => {
    const server = await scripted(protocol, [{ hang: true }, { hang: true }]);
    const r = await agentFor(protocol, server, {}, { requestTimeoutMs: 200, maxRetries: 1 }).ask();
    expect(server.requests).toHaveLength(2);
    expect(r.answer.startsWith(fallbackNote(protocol))).toBe(true);
    expect(r.answer).toContain('600 acres');
  });

  it('with the fallback off, fails with agent:provider_failed and no secrets', async () => {
    const server = await scripted(protocol, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const { ask } = agentFor(protocol, server, { LANDUSE_FALLBACK_TO_OFFLINE: 'false' });
    const error = (await ask().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe('agent:provider_failed');
    expect(error.message).toContain(protocol);
    expect(error.message).toContain('HTTP 500');
    for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, server.url, '127.0.0.1']) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('tells the model about an unknown tool, and it recovers on the next turn', async () => {
    const server = await scripted(protocol, [
      { tool: 'compare_countries', args: { metric: 'urban_expansion' } },
      ...toolThenAnswer,
    ]);
    const r = await agentFor(protocol, server).ask();
    expect(server.requests).toHaveLength(3);
    const error = toolResults(protocol, server.requests[1]!.body)[0];
    expect(error).toMatch(/compare_countries/);
    expect(error).toMatch(/not found/i);
    expect(toolResults(protocol, server.requests[2]!.body)[1]).toContain('600');
    expect(r.answer).toBe(FINAL);
  });

  it('tells the model about bad arguments, and it recovers on the next turn', async () => {
    const server = await scripted(protocol, [
      { tool: 'compare_states', args: { metric: 'urban_sprawl_index', limit: -3 } },
      ...toolThenAnswer,
    ]);
    const r = await agentFor(protocol, server).ask();
    expect(server.requests).toHaveLength(3);
    const error = toolResults(protocol, server.requests[1]!.body)[0]!;
    expect(error).toMatch(/metric/);
    expect(error).not.toContain('600');
    expect(r.answer).toBe(FINAL);
    expect(r.toolCalls).toHaveLength(1);
  });
});

describe('the rate limiter', () => {
  /** A clock that moves only when someone sleeps. */
  function fakeClock(): Clock & { sleeps: number[] } {
    let t = 0;
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => t,
      sleep: (ms) => {
        sleeps.push(ms);
        t += ms;
        return Promise.resolve();
      },
    };
  }

  it('allows N calls per window and makes the next one wait, not fail', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ calls: 2, windowMs: 1000, clock });
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      at.push(clock.now());
    }
    expect(at).toEqual([0, 0, 1000, 1000, 2000]);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('is a sliding window: a call frees its slot a window after it was made', async () => {
    let t = 0;
    const clock: Clock = {
      now: () => t,
      sleep: (ms) => {
        t += ms;
        return Promise.resolve();
      },
    };
    const limiter = createRateLimiter({ calls: 2, windowMs: 1000, clock });
    await limiter.acquire(); // t=0
    t = 600;
    await limiter.acquire(); // t=600
    await limiter.acquire(); // waits for the t=0 call to leave: t=1000
    expect(t).toBe(1000);
    await limiter.acquire(); // waits for the t=600 call: t=1600
    expect(t).toBe(1600);
  });

  it('serves concurrent callers in order', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ calls: 1, windowMs: 100, clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
    expect(clock.now()).toBe(200);
  });

  it('counts every provider call, retries included', async () => {
    const server = await scripted('openai', [{ status: 503 }, { text: 'ok' }]);
    let acquired = 0;
    const config = loadConfig({
      LANDUSE_PROVIDER: 'openai-compatible',
      LANDUSE_BASE_URL: server.url,
      LANDUSE_MODEL: 'local-model',
    });
    const { model } = createChatModel(config, {
      retry: { baseDelayMs: 1 },
      limiter: { acquire: () => Promise.resolve(void acquired++) },
    });
    const reply = await model.invoke([new HumanMessage('hi')]);
    expect(reply.content).toBe('ok');
    expect(acquired).toBe(2);
    expect(server.requests[0]!.body.model).toBe('local-model');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer not-needed');
  });
});

describe('createChatModel', () => {
  it('gives the offline planner by default', () => {
    expect(createChatModel(loadConfig({})).provider).toBe('offline');
  });

  it('names the missing variable and never echoes a key', () => {
    expect(() => createChatModel(loadConfig({ LANDUSE_PROVIDER: 'anthropic' }))).toThrow(
      /ANTHROPIC_API_KEY is required when LANDUSE_PROVIDER=anthropic/,
    );
    expect(() => createChatModel(loadConfig({ LANDUSE_PROVIDER: 'openai' }))).toThrow(
      /OPENAI_API_KEY is required/,
    );
    expect(() =>
      createChatModel(
        loadConfig({
          LANDUSE_PROVIDER: 'openai-compatible',
          LANDUSE_BASE_URL: 'http://127.0.0.1:1/v1',
        }),
      ),
    ).toThrow(/LANDUSE_MODEL is required/);
  });

  it('uses the configured model, temperature and max tokens', async () => {
    const server = await scripted('anthropic', [{ text: 'ok' }]);
    const config = loadConfig({
      LANDUSE_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      LANDUSE_BASE_URL: server.url,
      LANDUSE_TEMPERATURE: '0.5',
      LANDUSE_MAX_TOKENS: '1234',
    });
    await createChatModel(config).model.invoke([new HumanMessage('hi')]);
    expect(server.requests[0]!.body).toMatchObject({
      model: DEFAULT_MODELS.anthropic,
      temperature: 0.5,
      max_tokens: 1234,
    });
  });

  it('puts the system prompt first, joined with a system message already there', async () => {
    const server = await scripted('anthropic', [{ text: 'ok' }]);
    const config = loadConfig({
      LANDUSE_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      LANDUSE_BASE_URL: server.url,
    });
    const { model } = createChatModel(config, { dataset: 'demo' });
    await model.invoke([
      new SystemMessage('Summary of earlier turns: Texas.'),
      new HumanMessage('hi'),
    ]);
    const system = JSON.stringify(server.requests[0]!.body.system);
    expect(system).toContain('Answer only from tool results');
    expect(system).toContain('DEMO data');
    expect(system).toContain('Summary of earlier turns: Texas.');
    expect(server.requests[0]!.body.messages).toHaveLength(1);
  });

  it('speaks to Ollama through its OpenAI-compatible endpoint', async () => {
    const server = await scripted('openai', [{ text: 'ok' }]);
    const config = loadConfig({ LANDUSE_PROVIDER: 'ollama', LANDUSE_BASE_URL: server.url });
    const reply = await createChatModel(config).model.invoke([new HumanMessage('hi')]);
    expect(reply.content).toBe('ok');
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.body.model).toBe(DEFAULT_MODELS.ollama);
  });

  it('falls back when nothing listens at the address', async () => {
    const server = await scripted('openai', []);
    await server.close();
    const config = loadConfig({
      LANDUSE_PROVIDER: 'openai',
      OPENAI_API_KEY: OPENAI_KEY,
      LANDUSE_BASE_URL: server.url,
    });
    const events: ProviderEvent[] = [];
    const { model } = createChatModel(config, {
      retry: { baseDelayMs: 1, maxRetries: 1 },
      onEvent: (e) => events.push(e),
    });
    const reply = await model.invoke([new HumanMessage('How much forest is in Alabama?')]);
    // The planner's first step is a tool call; the note comes with its final answer.
    expect(reply.tool_calls).toMatchObject([{ name: 'query_land_use_area' }]);
    expect(events).toMatchObject([
      { type: 'retry', reason: 'connection failed' },
      { type: 'fallback', reason: 'connection failed' },
    ]);
  });

  it('retries only what may succeed next time, waiting longer each time', () => {
    const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([429, 500, 503, 408].map((status) => isRetryable({ status }))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 404].map((status) => isRetryable({ status }))).toEqual([false, false, false]);
    expect(isRetryable(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
    const noJitter = () => 1;
    expect([0, 1, 2, 5].map((a) => retryDelayMs(a, policy, {}, noJitter))).toEqual([
      100, 200, 400, 1000,
    ]);
    const asked = { status: 429, headers: new Headers({ 'retry-after': '2' }) };
    expect(retryDelayMs(0, policy, asked)).toBe(1000);
    expect(retryDelayMs(0, { ...policy, maxDelayMs: 5000 }, asked)).toBe(2000);
  });

  it('asks the model to say demo data when the data is demo', () => {
    expect(buildSystemPrompt({ dataset: 'demo' })).toMatch(/DEMO data/);
    expect(buildSystemPrompt({ dataset: 'rpa' })).not.toMatch(/DEMO/);
    expect(buildSystemPrompt()).toMatch(/HH: High-High.*RCP8\.5, SSP5/);
  });
});
