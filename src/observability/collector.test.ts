import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKindOf, modelErrorType, type MetricsSink } from './request-metrics.ts';
import {
  Collector,
  currentCollector,
  ensureCollector,
  recordCacheLookup,
  recordDbQuery,
  recordModelCall,
  recordToolCall,
  runWithCollector,
  setInstrumentation,
  withOperation,
} from './collector.ts';

function sink(): MetricsSink & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  return {
    calls,
    dbQuery: record('dbQuery'),
    cacheLookup: record('cacheLookup'),
    modelCall: record('modelCall'),
    toolCall: record('toolCall'),
    retry: record('retry'),
    fallback: record('fallback'),
    rateLimitWait: record('rateLimitWait'),
    error: record('error'),
  };
}

afterEach(() => setInstrumentation(true));

describe('the collector', () => {
  it('follows the request through awaits and timers, and labels queries with the tool', async () => {
    const s = sink();
    const c = new Collector(s, 'req-1', '/api/ask');
    await runWithCollector(c, async () => {
      await delay(1);
      recordDbQuery(2, 10, 'ok');
      await withOperation('query_forest_change', async () => {
        await Promise.all([delay(1).then(() => recordDbQuery(3, 5, 'ok')), Promise.resolve()]);
        recordToolCall('query_forest_change', 4, true);
      });
      recordCacheLookup('l1', 'ask:abc', true);
      recordCacheLookup('l1', 'q:def', false);
      recordDbQuery(1, 0, 'timeout');
    });
    // Outside the request: nothing is recorded.
    recordDbQuery(100, 100, 'ok');
    expect(currentCollector()).toBeUndefined();
    const m = c.snapshot();
    expect(m).toMatchObject({
      requestId: 'req-1',
      route: '/api/ask',
      queries: 3,
      rows: 15,
      databaseMs: 6,
      toolMs: 4,
      toolCalls: 1,
      cache: { l1: { hits: 1, misses: 1 } },
      errors: { database: 1 },
    });
    expect(s.calls).toEqual([
      ['dbQuery', '/api/ask', 0.002, 10, 'ok'],
      ['dbQuery', 'query_forest_change', 0.003, 5, 'ok'],
      ['toolCall', 'query_forest_change', 0.004, true],
      ['cacheLookup', 'l1', 'answer', true],
      ['cacheLookup', 'l1', 'query', false],
      ['error', 'database'],
      ['dbQuery', '/api/ask', 0.001, 0, 'timeout'],
    ]);
    expect(m.totalMs).toBeGreaterThan(0);
    expect(m.rssBytes).toBeGreaterThan(0);
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.rssBytes / 2);
  });

  it('gives a question outside any request a collector of its own', async () => {
    const figures = await ensureCollector(async (c) => {
      recordModelCall({
        provider: 'openai',
        model: 'm',
        durationMs: 5,
        inputTokens: 7,
        outputTokens: 3,
      });
      await delay(1);
      return c.snapshot();
    });
    expect(figures).toMatchObject({ modelCalls: 1, modelMs: 5, inputTokens: 7, outputTokens: 3 });
    const outer = new Collector();
    runWithCollector(outer, () => ensureCollector((c) => expect(c).toBe(outer)));
  });

  it('records nothing while instrumentation is off', () => {
    setInstrumentation(false);
    const c = new Collector();
    runWithCollector(c, () => recordDbQuery(1, 1, 'ok'));
    expect(c.queries).toBe(0);
    expect(ensureCollector((x) => x.snapshot().totalMs)).toBe(0);
  });

  it('names cache kinds and model failures from closed sets', () => {
    expect(['ask:1', 'r:2', 'q:3', 'sql:4', 'x:5', 'nocolon'].map(cacheKindOf)).toEqual([
      'answer',
      'result',
      'query',
      'sql',
      'other',
      'other',
    ]);
    const http = (status: number) => Object.assign(new Error('x'), { status });
    expect([429, 401, 503, 400].map((s) => modelErrorType(http(s)))).toEqual([
      'rate_limited',
      'auth',
      'server_error',
      'client_error',
    ]);
    expect(modelErrorType(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('timeout');
    expect(modelErrorType(new Error('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(
      'connection',
    );
    expect(modelErrorType('what')).toBe('other');
  });
});
