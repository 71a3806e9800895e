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
import { newSpanId, span, type AttributeValue, type SpanExporter } from './tracing.ts';

/** Cache tiers: the in-process LRU (l1) and the shared Redis cache (l2, not built yet). */
export const CACHE_LEVELS = ['l1', 'l2'] as const;
export type CacheLevel = (typeof CACHE_LEVELS)[number];

/**
 * What a cache entry holds, read from its key's namespace (cache/key.ts): whole answers (`ask:`),
 * whole analytics results (`r:`), SQL rows of a domain query (`q:`) and free-form SQL (`sql:`).
 */
export const CACHE_KINDS = ['answer', 'result', 'query', 'sql', 'other'] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];

const KIND_OF_NAMESPACE: Readonly<Record<string, CacheKind>> = {
  ask: 'answer',
  r: 'result',
  q: 'query',
  sql: 'sql',
};

/** The kind of a cache key (`namespace:hash`). */
export function cacheKindOf(key: string): CacheKind {
  const colon = key.indexOf(':');
  return (colon > 0 && KIND_OF_NAMESPACE[key.slice(0, colon)]) || 'other';
}

export type DbOutcome = 'ok' | 'error' | 'timeout';

/** One call to a model: an LLM provider's attempt, or the offline planner's turn. */
export interface ModelCall {
  /** gen_ai.provider.name: offline, anthropic, openai, ollama, openai-compatible. */
  provider: string;
  /** gen_ai.request.model: the configured model name (the operator's, never a caller's). */
  model: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  /** error.type when the call failed: a closed set (see modelErrorType). */
  errorType?: string | undefined;
}

/** Where the figures go besides the collector: the server's Prometheus metrics (metrics.ts). */
export interface MetricsSink {
  dbQuery(operation: string, seconds: number, rows: number, outcome: DbOutcome): void;
  cacheLookup(level: CacheLevel, kind: CacheKind, hit: boolean): void;
  modelCall(call: ModelCall): void;
  toolCall(tool: string, seconds: number, ok: boolean): void;
  retry(provider: string, reason: string): void;
  fallback(provider: string, reason: string): void;
  rateLimitWait(provider: string, seconds: number): void;
  error(kind: string): void;
}

/**
 * A request's own figures: `metrics` in `landuse ask --json`, /api/ask and the chat stream's
 * final event, and the fields of the request's log line. Durations in milliseconds, memory in
 * bytes. Memory and CPU are the process's (one JavaScript heap serves every request at once).
 */
export interface RequestMetrics {
  requestId: string | null;
  /** The route as declared (`/api/ask`), or null outside the server (the CLI). */
  route: string | null;
  /** The provider that answered a question; null for requests that ask none. */
  provider: string | null;
  /** When the request started, ISO 8601. */
  startedAt: string;
  /** Since the request started, up to when these figures were taken. */
  totalMs: number;
  /** In model calls: LLM provider attempts, the offline planner's planning and narration. */
  modelMs: number;
  /** In DuckDB queries (part of toolMs when a tool ran them). */
  databaseMs: number;
  /** In the agent's tools (their queries included). */
  toolMs: number;
  /** Waiting for a free agent (LANDUSE_AGENT_POOL_SIZE). */
  queueMs: number;
  /** Waiting for the provider rate limit (LANDUSE_RATE_LIMIT_CALLS). */
  rateLimitWaitMs: number;
  /**
   * Time the JavaScript thread was busy (not waiting for I/O) while the request ran: the CPU
   * time of the server's main thread, shared with the requests answered at the same time.
   * DuckDB's own threads are in databaseMs. (getrusage, the process's CPU time, costs tens of
   * microseconds with DuckDB's threads running: too much to read twice per request.)
   */
  eventLoopBusyMs: number;
  /** Resident memory of the process at the end (sampled at most a second earlier on a server). */
  rssBytes: number;
  /** The highest resident memory the server's sampler has seen (once a second) since it started. */
  peakRssBytes: number;
  /** JavaScript heap in use at the end (sampled, as rssBytes). */
  heapUsedBytes: number;
  /** DuckDB queries run, and the rows they returned. */
  queries: number;
  rows: number;
  /** Result cache lookups by level (l1 in process, l2 shared). */
  cache: Record<string, { hits: number; misses: number }>;
  modelCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Model calls that waited for the provider rate limit. */
  rateLimitWaits: number;
  /** Provider calls tried again, and questions the offline planner took over. */
  retries: number;
  fallbacks: number;
  /** Errors by kind, at the layer they happened: database, tool, provider, or the request's own. */
  errors: Record<string, number>;
}

/**
 * A request's trace (with LANDUSE_OTEL_ENDPOINT): where its spans go, its trace id, the
 * request's own span, and the span new ones hang under (the request's, or the agent run's).
 */
export interface RequestTrace {
  exporter: SpanExporter;
  traceId: string;
  spanId: string;
  /** The caller's span (a traceparent header), parent of the request's. */
  remoteParentId: string | undefined;
  parentSpanId: string;
}

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

/**
 * A failed provider call as a closed set (error.type of the OpenTelemetry GenAI conventions, and
 * the reason label of retries and fallbacks): never a message, a URL or a status code as text.
 */
export function modelErrorType(error: unknown): string {
  const status = numberField(error, 'status') ?? numberField(field(error, 'response'), 'status');
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status !== undefined && status >= 500) return 'server_error';
  if (status !== undefined && status >= 400) return 'client_error';
  const rawName = field(error, 'name');
  const name = `${typeof rawName === 'string' ? rawName : ''} ${error instanceof Error ? error.constructor.name : ''}`;
  if (/Timeout|Abort/.test(name)) return 'timeout';
  if (/Connection/.test(name) || typeof field(field(error, 'cause'), 'code') === 'string') {
    return 'connection';
  }
  return 'other';
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function numberField(value: unknown, key: string): number | undefined {
  const v = field(value, key);
  return typeof v === 'number' ? v : undefined;
}
