/**
 * The server's Prometheus metrics (prom-client), one registry per server: what /metrics serves.
 *
 * Naming follows Prometheus: the `landuse_` prefix, base units (seconds, bytes), `_total` for
 * counters. The two model metrics mirror the OpenTelemetry GenAI conventions
 * (`gen_ai.client.operation.duration`, `gen_ai.client.token.usage`: their names, buckets and
 * attributes, dots as underscores). Every label value comes from a closed set: a route as
 * declared, a provider or model the operator configured, a tool name, an error kind from code;
 * never a question, a thread id or a SQL text.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import {
  CACHE_KINDS,
  type CacheKind,
  type CacheLevel,
  type DbOutcome,
  type MetricsSink,
  type ModelCall,
} from './request-metrics.ts';
import { LiteCounter, LiteHistogram } from './lite.ts';
import { registerSourceGauges, type MetricSources } from './metric-sources.ts';

export type { LimiterFigures, MetricSources } from './metric-sources.ts';

/** The alerts (alerts.ts) by name, for the alert series to exist from the start at 0. */
export type AlertName = string;

/** Request outcomes: the outcome label of the request metrics. */
export const OUTCOMES = [
  'ok',
  'client_error',
  'rate_limited',
  'server_error',
  'busy',
  'timeout',
  'aborted',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that count as errors of the service (the error-rate alert): 5xx. */
export const SERVER_ERROR_OUTCOMES: readonly Outcome[] = ['server_error', 'busy', 'timeout'];

/** Why a request was refused with 429 (the code's reason in rate_limit:*). */
export const RATE_LIMITS = ['per_minute', 'daily_quota', 'auth_failures'] as const;

/** Request duration buckets, seconds: 5 s (the response-time alert) is a bucket edge. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The GenAI conventions' advised buckets for gen_ai.client.operation.duration. */
const GEN_AI_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** ... and for gen_ai.client.token.usage. */
const GEN_AI_TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** A label value from code that should already be in a closed set; anything odd becomes other. */
function safe(value: string): string {
  let checked = SAFE.get(value);
  if (checked === undefined) {
    checked = /^[A-Za-z0-9_.:/*-]{1,80}$/.test(value) ? value : 'other';
    // The values come from closed sets, so this stays small; a bound all the same.
    if (SAFE.size < 10_000) SAFE.set(value, checked);
  }
  return checked;
}
const SAFE = new Map<string, string>();

export class Metrics implements MetricsSink {
  readonly registry = new Registry();

  // The hot paths (lite.ts): every request, query, cache lookup, model and tool call.
  private readonly httpDuration: LiteHistogram;
  private readonly httpRequests: LiteCounter;
  private readonly dbDuration: LiteHistogram;
  private readonly dbRows: LiteCounter;
  private readonly cacheHits: LiteCounter;
  private readonly cacheMisses: LiteCounter;
  private readonly genAiDuration: LiteHistogram;
  private readonly genAiTokens: LiteHistogram;
  private readonly tokens: LiteCounter;
  private readonly toolDuration: LiteHistogram;
  /** Requests being answered, and streams open by kind: read at scrape time. */
  private inFlight = 0;
  private readonly streams = { chat: 0, export: 0 };
  private readonly retries: Counter<'provider' | 'reason'>;
  private readonly fallbacks: Counter<'provider' | 'reason'>;
  private readonly rateLimitWaits: Counter<'provider'>;
  private readonly rateLimitWaitSeconds: Counter<'provider'>;
  private readonly errors: Counter<'kind'>;
  private readonly sqlRefusals: Counter<'reason'>;
  private readonly dbReloads: Counter<'outcome'>;
  private readonly rateLimitRefusals: Counter<'limit'>;
  private readonly alertsFired: Counter<'alert'>;
  private readonly alertActive: Gauge<'alert'>;
  private readonly notifications: Counter<'outcome'>;

  constructor(sources: MetricSources = {}, alerts: readonly AlertName[] = []) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const reg = this.registry;
    this.httpDuration = new LiteHistogram(
      'landuse_http_request_duration_seconds',
      'HTTP request duration, from arrival to the last byte (a chat stream: the whole answer).',
      ['route', 'method', 'provider', 'outcome'],
      HTTP_BUCKETS,
      reg,
    );
    this.httpRequests = new LiteCounter(
      'landuse_http_requests_total',
      'HTTP requests answered, by route as declared, provider asked (none for other routes) and outcome.',
      ['route', 'method', 'provider', 'outcome'],
      reg,
    );
    const counts = { inFlight: () => this.inFlight, streams: this.streams };
    new Gauge({
      name: 'landuse_http_requests_in_flight',
      help: 'HTTP requests being answered now.',
      registers,
      collect() {
        this.set(counts.inFlight());
      },
    });
    new Gauge({
      name: 'landuse_active_streams',
      help: 'Responses streaming now: chat (server-sent events) and export downloads.',
      labelNames: ['kind'],
      registers,
      collect() {
        for (const kind of ['chat', 'export'] as const) this.set({ kind }, counts.streams[kind]);
      },
    });

    this.dbDuration = new LiteHistogram(
      'landuse_db_query_duration_seconds',
      'DuckDB query duration, by operation: the tool that ran it, else the route.',
      ['operation', 'outcome'],
      DB_BUCKETS,
      reg,
    );
    this.dbRows = new LiteCounter(
      'landuse_db_rows_total',
      'Rows DuckDB queries returned, by operation.',
      ['operation'],
      reg,
    );
    this.cacheHits = new LiteCounter(
      'landuse_cache_hits_total',
      'Result cache lookups that found a value, by level (l1 in process, l2 shared) and kind of entry.',
      ['level', 'kind'],
      reg,
    );
    this.cacheMisses = new LiteCounter(
      'landuse_cache_misses_total',
      'Result cache lookups that found nothing, by level and kind of entry.',
      ['level', 'kind'],
      reg,
    );
    for (const kind of CACHE_KINDS.filter((k) => k !== 'other')) {
      this.cacheHits.inc(['l1', kind], 0);
      this.cacheMisses.inc(['l1', kind], 0);
    }

    this.genAiDuration = new LiteHistogram(
      'landuse_gen_ai_client_operation_duration_seconds',
      'GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration): each call to a model, the offline planner included; error_type only on failures.',
      ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
      GEN_AI_DURATION_BUCKETS,
      reg,
    );
    this.genAiTokens = new LiteHistogram(
      'landuse_gen_ai_client_token_usage',
      'Tokens per model call (OpenTelemetry gen_ai.client.token.usage), by gen_ai_token_type input or output.',
      [
        'gen_ai_operation_name',
        'gen_ai_provider_name',
        'gen_ai_request_model',
        'gen_ai_token_type',
      ],
      GEN_AI_TOKEN_BUCKETS,
      reg,
    );
    this.tokens = new LiteCounter(
      'landuse_model_tokens_total',
      'Tokens sent to (input) and received from (output) LLM providers, by provider and model.',
      ['provider', 'model', 'direction'],
      reg,
    );
    this.toolDuration = new LiteHistogram(
      'landuse_tool_call_duration_seconds',
      "Duration of the agent's tool calls (their queries included), by tool.",
      ['tool', 'outcome'],
      DB_BUCKETS,
      reg,
    );
    this.retries = new Counter({
      name: 'landuse_model_retries_total',
      help: 'Provider calls tried again after a rate limit, server error or timeout, by reason.',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'landuse_model_fallbacks_total',
      help: "Model calls the offline planner answered in a provider's place, by reason.",
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.rateLimitWaits = new Counter({
      name: 'landuse_model_rate_limit_waits_total',
      help: 'Model calls that waited for the provider rate limit (LANDUSE_RATE_LIMIT_CALLS).',
      labelNames: ['provider'],
      registers,
    });
    this.rateLimitWaitSeconds = new Counter({
      name: 'landuse_model_rate_limit_wait_seconds_total',
      help: 'Time model calls spent waiting for the provider rate limit.',
      labelNames: ['provider'],
      registers,
    });
    this.errors = new Counter({
      name: 'landuse_errors_total',
      help: "Errors by kind, at the layer they happened: database, tool, provider, or a request's own (its error code's area).",
      labelNames: ['kind'],
      registers,
    });
    this.sqlRefusals = new Counter({
      name: 'landuse_sql_guard_refusals_total',
      help: 'Free-form SQL statements the guard refused, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.dbReloads = new Counter({
      name: 'landuse_db_reloads_total',
      help: 'Switches to a replaced database file, by outcome: ok, or refused (the file could not be served; the old one still is).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['ok', 'refused']) this.dbReloads.inc({ outcome }, 0);
    this.rateLimitRefusals = new Counter({
      name: 'landuse_rate_limit_refusals_total',
      help: 'Requests refused with 429, by limit: per_minute, daily_quota, auth_failures.',
      labelNames: ['limit'],
      registers,
    });
    for (const limit of RATE_LIMITS) this.rateLimitRefusals.inc({ limit }, 0);
    this.alertsFired = new Counter({
      name: 'landuse_alerts_fired_total',
      help: 'Times each alert started firing.',
      labelNames: ['alert'],
      registers,
    });
    this.alertActive = new Gauge({
      name: 'landuse_alert_active',
      help: '1 while the alert fires, else 0.',
      labelNames: ['alert'],
      registers,
    });
    for (const alert of alerts) {
      this.alertsFired.inc({ alert }, 0);
      this.alertActive.set({ alert }, 0);
    }
    this.notifications = new Counter({
      name: 'landuse_alert_notifications_total',
      help: 'Alert webhook deliveries, by outcome: sent, failed (after every retry), dropped (queue full).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['sent', 'failed', 'dropped']) this.notifications.inc({ outcome }, 0);

    registerSourceGauges(this.registry, sources);
  }

  /** One HTTP request answered. */
  request(
    labels: { route: string; method: string; provider: string; outcome: Outcome },
    seconds: number,
  ): void {
    const values = [safe(labels.route), safe(labels.method), safe(labels.provider), labels.outcome];
    this.httpDuration.observe(values, seconds);
    this.httpRequests.inc(values);
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestEnded(): void {
    this.inFlight--;
  }

  streamOpened(kind: 'chat' | 'export'): void {
    this.streams[kind]++;
  }

  streamClosed(kind: 'chat' | 'export'): void {
    this.streams[kind]--;
  }

  dbQuery(operation: string, seconds: number, rows: number, outcome: DbOutcome): void {
    const op = safe(operation);
    this.dbDuration.observe([op, outcome], seconds);
    if (rows > 0) this.dbRows.inc([op], rows);
  }

  cacheLookup(level: CacheLevel, kind: CacheKind, hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc([level, kind]);
  }

  modelCall(call: ModelCall): void {
    const provider = safe(call.provider);
    const model = safe(call.model);
    this.genAiDuration.observe(
      ['chat', provider, model, call.errorType ? safe(call.errorType) : ''],
      call.durationMs / 1000,
    );
    // The offline planner uses no tokens: it has no token series.
    if (call.provider === 'offline' || call.errorType) return;
    this.genAiTokens.observe(['chat', provider, model, 'input'], call.inputTokens);
    this.genAiTokens.observe(['chat', provider, model, 'output'], call.outputTokens);
    this.tokens.inc([provider, model, 'input'], call.inputTokens);
    this.tokens.inc([provider, model, 'output'], call.outputTokens);
  }

  toolCall(tool: string, seconds: number, ok: boolean): void {
    this.toolDuration.observe([safe(tool), ok ? 'ok' : 'error'], seconds);
  }

  retry(provider: string, reason: string): void {
    this.retries.inc({ provider: safe(provider), reason: safe(reason) });
  }

  fallback(provider: string, reason: string): void {
    this.fallbacks.inc({ provider: safe(provider), reason: safe(reason) });
  }

  rateLimitWait(provider: string, seconds: number): void {
    this.rateLimitWaits.inc({ provider: safe(provider) });
    this.rateLimitWaitSeconds.inc({ provider: safe(provider) }, seconds);
  }

  error(kind: string): void {
    this.errors.inc({ kind: safe(kind) });
  }

  sqlRefusal(reason: string): void {
    this.sqlRefusals.inc({ reason: safe(reason) });
  }

  /** A database reload (server/reload.ts): switched to the new file, or refused it. */
  dbReload(outcome: 'ok' | 'refused'): void {
    this.dbReloads.inc({ outcome });
  }

  rateLimitRefusal(limit: string): void {
    this.rateLimitRefusals.inc({ limit: safe(limit) });
  }

  alertFired(alert: string): void {
    this.alertsFired.inc({ alert });
    this.alertActive.set({ alert }, 1);
  }

  alertResolved(alert: string): void {
    this.alertActive.set({ alert }, 0);
  }

  notification(outcome: 'sent' | 'failed' | 'dropped'): void {
    this.notifications.inc({ outcome });
  }

  private aggregate: (() => Promise<string>) | undefined;

  /**
   * In a worker of `landuse serve --workers N`: /metrics serves what `source` returns, every
   * worker's metrics summed (by the cluster's primary), not this process's alone.
   */
  aggregateWith(source: () => Promise<string>): void {
    this.aggregate = source;
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    const text = this.aggregate ? await this.aggregate() : await this.registry.metrics();
    return { contentType: this.registry.contentType, text };
  }
}
