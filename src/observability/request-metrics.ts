/**
 * The shapes of one request's figures, shared by the collector, the metrics and their readers:
 * cache levels and kinds, database outcomes, model calls, the sink, RequestMetrics and the
 * trace a request belongs to; and the closed set a failed provider call is named by.
 */
import type { SpanExporter } from './tracing.ts';

/** Cache tiers: the in-process LRU (l1) and the shared Redis cache (l2, when LANDUSE_REDIS_URL is set). */
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
