/**
 * The per-request collector: one object per HTTP request (or CLI question) that every layer adds
 * its figures to without passing it around. It travels in an AsyncLocalStorage scope, so the
 * pool's query observer, the cache, the tools and the model wrappers find the current request
 * with `storage.getStore()` and add to it; outside any request they record nothing.
 *
 * Each figure goes two ways: into the collector (the request's own figures: `metrics` in an
 * answer, the request's log line) and, when the collector has a sink (the server's Prometheus
 * metrics), into the process-wide histograms and counters, live.
 *
 * This module loads no metrics library: the cache and the data hooks import it on every path.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { newSpanId, span, type AttributeValue } from './tracing.ts';
import {
  CACHE_LEVELS,
  cacheKindOf,
  type CacheKind,
  type CacheLevel,
  type DbOutcome,
  type MetricsSink,
  type ModelCall,
  type RequestMetrics,
  type RequestTrace,
} from './request-metrics.ts';

interface Scope {
  collector: Collector;
  /** The tool running now: the label of the database queries it runs. */
  operation: string | undefined;
}

const storage = new AsyncLocalStorage<Scope>();
let enabled = true;

/**
 * Turns the per-request instrumentation on or off for the process. Off, no collector is entered
 * and every record* call returns at once: the benchmark measures the instrumentation's cost by
 * comparing the two (bench/observability.ts).
 */
export function setInstrumentation(on: boolean): void {
  enabled = on;
}

export function instrumentationEnabled(): boolean {
  return enabled;
}

/** Memory as a server's sampler last read it (0: no sampler, read it live). */
let sampledRss = 0;
let sampledHeap = 0;
let peakRss = 0;

/**
 * Called by the server's one-second sampler, so a request's figures need no system call
 * (reading the resident memory costs tens of microseconds); 0 stops using the samples.
 */
export function setSampledMemory(rssBytes: number, heapUsedBytes: number): void {
  sampledRss = rssBytes;
  sampledHeap = heapUsedBytes;
  peakRss = Math.max(peakRss, rssBytes);
}

export class Collector {
  readonly startedAt = Date.now();
  /** performance.now() at the start. */
  readonly started = performance.now();
  private readonly loop: EventLoopUtilization = performance.eventLoopUtilization();
  provider: string | null = null;
  /** Set by the server when tracing is on; undefined otherwise (and every span is skipped). */
  trace: RequestTrace | undefined = undefined;
  modelMs = 0;
  databaseMs = 0;
  toolMs = 0;
  queueMs = 0;
  rateLimitWaitMs = 0;
  queries = 0;
  rows = 0;
  modelCalls = 0;
  toolCalls = 0;
  inputTokens = 0;
  outputTokens = 0;
  rateLimitWaits = 0;
  retries = 0;
  fallbacks = 0;
  readonly cache: Partial<Record<CacheLevel, { hits: number; misses: number }>> = {};
  readonly errors: Record<string, number> = {};

  constructor(
    /** The server's Prometheus metrics; undefined in the CLI. */
    readonly sink: MetricsSink | undefined = undefined,
    readonly requestId: string | null = null,
    readonly route: string | null = null,
  ) {}

  /** Counts an error of `kind` (a closed set: an AppError area, database, tool, provider). */
  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.sink?.error(kind);
  }

  cacheLookup(level: CacheLevel, kind: CacheKind, hit: boolean): void {
    const counts = (this.cache[level] ??= { hits: 0, misses: 0 });
    if (hit) counts.hits++;
    else counts.misses++;
    this.sink?.cacheLookup(level, kind, hit);
  }

  /** The figures so far (a copy); all zero while instrumentation is off. */
  snapshot(): RequestMetrics {
    if (!enabled) return { ...ZERO, cache: {}, errors: {}, startedAt: ZERO_TIME };
    const rss = sampledRss || process.memoryUsage.rss();
    const cache: RequestMetrics['cache'] = {};
    for (const level of CACHE_LEVELS) {
      const counts = this.cache[level];
      if (counts) cache[level] = { ...counts };
    }
    return {
      requestId: this.requestId,
      route: this.route,
      provider: this.provider,
      startedAt: new Date(this.startedAt).toISOString(),
      totalMs: round(performance.now() - this.started),
      modelMs: round(this.modelMs),
      databaseMs: round(this.databaseMs),
      toolMs: round(this.toolMs),
      queueMs: round(this.queueMs),
      rateLimitWaitMs: round(this.rateLimitWaitMs),
      eventLoopBusyMs: round(performance.eventLoopUtilization(this.loop).active),
      rssBytes: rss,
      peakRssBytes: Math.max(peakRss, rss),
      heapUsedBytes: sampledHeap || getHeapStatistics().used_heap_size,
      queries: this.queries,
      rows: this.rows,
      cache,
      modelCalls: this.modelCalls,
      toolCalls: this.toolCalls,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      rateLimitWaits: this.rateLimitWaits,
      retries: this.retries,
      fallbacks: this.fallbacks,
      errors: { ...this.errors },
    };
  }
}

/** The collector questions share while instrumentation is off (it records nothing). */
let idle: Collector | undefined;

const ZERO_TIME = new Date(0).toISOString();
const ZERO: RequestMetrics = {
  requestId: null,
  route: null,
  provider: null,
  startedAt: ZERO_TIME,
  totalMs: 0,
  modelMs: 0,
  databaseMs: 0,
  toolMs: 0,
  queueMs: 0,
  rateLimitWaitMs: 0,
  eventLoopBusyMs: 0,
  rssBytes: 0,
  peakRssBytes: 0,
  heapUsedBytes: 0,
  queries: 0,
  rows: 0,
  cache: {},
  modelCalls: 0,
  toolCalls: 0,
  inputTokens: 0,
  outputTokens: 0,
  rateLimitWaits: 0,
  retries: 0,
  fallbacks: 0,
  errors: {},
};

/** Milliseconds to a tenth of a microsecond: enough for figures people read, shorter JSON. */
function round(ms: number): number {
  return Math.round(ms * 10_000) / 10_000;
}

/** Runs `fn` with `collector` as the current request's (unless instrumentation is off). */
export function runWithCollector<T>(collector: Collector, fn: () => T): T {
  return enabled ? storage.run({ collector, operation: undefined }, fn) : fn();
}

/** The current request's collector, if any. */
export function currentCollector(): Collector | undefined {
  return storage.getStore()?.collector;
}

/** The current request's figures so far (zero outside a request). */
export function currentMetrics(): RequestMetrics {
  return storage.getStore()?.collector.snapshot() ?? { ...ZERO, cache: {}, errors: {} };
}

/**
 * Runs `fn` with the current collector, or a new one of its own when there is none (a question
 * asked outside the server), so a question's figures are always there to report.
 */
export function ensureCollector<T>(fn: (collector: Collector) => T): T {
  const current = storage.getStore()?.collector;
  if (current) return fn(current);
  if (!enabled) return fn((idle ??= new Collector()));
  const collector = new Collector();
  return runWithCollector(collector, () => fn(collector));
}

/** Runs `fn` as `operation` (a tool name): the database queries it runs carry that label. */
export function withOperation<T>(operation: string, fn: () => T): T {
  const scope = storage.getStore();
  return scope ? storage.run({ collector: scope.collector, operation }, fn) : fn();
}

/** One DuckDB query ran (the pool's observer). */
export function recordDbQuery(durationMs: number, rows: number, outcome: DbOutcome): void {
  const scope = storage.getStore();
  if (!scope) return;
  const c = scope.collector;
  c.queries++;
  c.rows += rows;
  c.databaseMs += durationMs;
  if (outcome !== 'ok') c.error('database');
  c.sink?.dbQuery(scope.operation ?? c.route ?? 'other', durationMs / 1000, rows, outcome);
}

/** One result-cache lookup. */
export function recordCacheLookup(level: CacheLevel, key: string, hit: boolean): void {
  storage.getStore()?.collector.cacheLookup(level, cacheKindOf(key), hit);
}

/** One model call ended (successfully unless `errorType`). */
export function recordModelCall(call: ModelCall): void {
  const c = storage.getStore()?.collector;
  if (!c) return;
  c.modelCalls++;
  c.modelMs += call.durationMs;
  c.inputTokens += call.inputTokens;
  c.outputTokens += call.outputTokens;
  if (call.errorType) c.error('provider');
  c.sink?.modelCall(call);
  if (c.trace) {
    // gen_ai.client spans: "chat {model}", a client call for an LLM, internal for the planner.
    addSpan(
      c.trace,
      `chat ${call.model}`,
      call.provider === 'offline' ? 1 : 3,
      call.durationMs,
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': call.provider,
        'gen_ai.request.model': call.model,
        'gen_ai.usage.input_tokens': call.inputTokens,
        'gen_ai.usage.output_tokens': call.outputTokens,
        'error.type': call.errorType,
      },
      call.errorType,
    );
  }
}

/** One tool call ended. */
export function recordToolCall(tool: string, durationMs: number, ok: boolean): void {
  const c = storage.getStore()?.collector;
  if (!c) return;
  c.toolCalls++;
  c.toolMs += durationMs;
  if (!ok) c.error('tool');
  c.sink?.toolCall(tool, durationMs / 1000, ok);
  if (c.trace) {
    addSpan(
      c.trace,
      `execute_tool ${tool}`,
      1,
      durationMs,
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool,
        'gen_ai.tool.type': 'function',
        'error.type': ok ? undefined : 'tool_error',
      },
      ok ? undefined : 'tool_error',
    );
  }
}

/** A finished operation of `durationMs`, ending now, under the trace's current parent. */
function addSpan(
  trace: RequestTrace,
  name: string,
  kind: 1 | 3,
  durationMs: number,
  attributes: Record<string, AttributeValue>,
  error: string | undefined,
): void {
  const end = performance.now();
  trace.exporter.add(
    span({
      traceId: trace.traceId,
      parentSpanId: trace.parentSpanId,
      name,
      kind,
      startMs: end - durationMs,
      endMs: end,
      attributes,
      error,
    }),
  );
}

/**
 * Runs `fn` as one span of the current request's trace (the spans recorded meanwhile hang under
 * it); with tracing off, just runs `fn`. `end` adds attributes from its result.
 */
export async function traced<T>(
  collector: Collector,
  name: string,
  attributes: Record<string, AttributeValue>,
  fn: () => Promise<T>,
  end?: (result: T) => Record<string, AttributeValue>,
): Promise<T> {
  const trace = collector.trace;
  if (!trace) return fn();
  const spanId = newSpanId();
  const parentSpanId = trace.parentSpanId;
  const started = performance.now();
  trace.parentSpanId = spanId;
  let result: T | undefined;
  let error: string | undefined = 'error';
  try {
    result = await fn();
    error = undefined;
    return result;
  } finally {
    trace.parentSpanId = parentSpanId;
    trace.exporter.add(
      span({
        traceId: trace.traceId,
        spanId,
        parentSpanId,
        name,
        kind: 1,
        startMs: started,
        endMs: performance.now(),
        attributes: {
          ...attributes,
          ...(result !== undefined && end ? end(result) : {}),
          'error.type': error,
        },
        error,
      }),
    );
  }
}

/** A provider call is tried again (`reason`: a closed set, see modelErrorType). */
export function recordRetry(provider: string, reason: string): void {
  const c = storage.getStore()?.collector;
  if (!c) return;
  c.retries++;
  c.sink?.retry(provider, reason);
}

/** The offline planner answers in a provider's place. */
export function recordFallback(provider: string, reason: string): void {
  const c = storage.getStore()?.collector;
  if (!c) return;
  c.fallbacks++;
  c.sink?.fallback(provider, reason);
}

/** A model call waited `waitedMs` for the provider rate limit. */
export function recordRateLimitWait(provider: string, waitedMs: number): void {
  const c = storage.getStore()?.collector;
  if (!c) return;
  c.rateLimitWaits++;
  c.rateLimitWaitMs += waitedMs;
  c.sink?.rateLimitWait(provider, waitedMs / 1000);
}

/** An error of `kind` in the current request. */
export function recordError(kind: string): void {
  storage.getStore()?.collector.error(kind);
}
