/**
 * A server's observability, opened with it: the Prometheus metrics, the sliding window that
 * feeds the alerts, the alert evaluator and its webhook, and the performance history. A timer
 * closes a slice every LANDUSE_METRICS_INTERVAL seconds: it becomes a history snapshot (ring and
 * SQLite), and the alerts are evaluated on the window of the last LANDUSE_ALERT_WINDOW seconds.
 */
import { hostname } from 'node:os';
import type { Config } from '../config/index.ts';
import {
  ALERT_NAMES,
  AlertEvaluator,
  alertRules,
  type ActiveAlert,
  type AlertEvent,
  type AlertThresholds,
} from './alerts.ts';
import { setSampledMemory, type Collector } from './collector.ts';
import { downsample, HistoryRing, HistoryStore, type Snapshot } from './history.ts';
import { Metrics, SERVER_ERROR_OUTCOMES, type MetricSources, type Outcome } from './metrics.ts';
import { SpanExporter } from './tracing.ts';
import { webhookPayload, WebhookNotifier } from './webhook.ts';
import { SlidingWindow, type WindowFigures } from './window.ts';

export type ObservabilityConfig = Pick<
  Config,
  | 'metricsIntervalSeconds'
  | 'metricsRetentionHours'
  | 'alertWindowSeconds'
  | 'alertP95Seconds'
  | 'alertMemoryBytes'
  | 'alertErrorRate'
  | 'alertCacheHitRate'
  | 'alertPoolSaturation'
  | 'alertMinRequests'
  | 'alertWebhookUrl'
  | 'alertWebhookTimeoutSeconds'
  | 'alertWebhookRetries'
  | 'otelEndpoint'
>;

/** pino's shape (Fastify's logger), as far as this module logs. */
export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const quiet: Log = { info: () => {}, warn: () => {} };

/**
 * Routes whose requests the response-time and error-rate alerts (and the history) count: the
 * API, without downloads (an export may rightly take long) and the monitoring routes themselves.
 * deploy/prometheus/alerts.yml selects the same routes.
 */
export function servedRoute(route: string): boolean {
  return route.startsWith('/api/') && !UNSERVED.has(route);
}
const UNSERVED = new Set(['/api/export', '/api/alerts', '/api/metrics/history']);

/** Most points GET /api/metrics/history returns; a longer span gets a longer step. */
export const MAX_HISTORY_POINTS = 1000;

/** What GET /api/alerts returns. */
export interface AlertsView {
  active: ActiveAlert[];
  recent: AlertEvent[];
  /** The figures the alerts were last evaluated on. */
  window: WindowFigures;
  thresholds: AlertThresholds;
  evaluatedAt: string | null;
}

/** What GET /api/metrics/history returns. */
export interface HistoryView {
  since: string;
  /** Seconds per point (at least the snapshot interval). */
  step: number;
  intervalSeconds: number;
  retentionHours: number;
  points: Snapshot[];
}

export interface ObservabilityOptions {
  config: ObservabilityConfig;
  sources?: MetricSources;
  /** The SQLite file of the history; undefined keeps it in memory only. */
  historyPath?: string | undefined;
  /** Epoch milliseconds (tests pass a fake clock). */
  now?: () => number;
  /**
   * Several instances sharing Redis: resolves true for the one instance that claims `key` first
   * within `ttlMs`, so each alert's start and end reach the webhook once, not once per instance.
   * A rejection (Redis down) sends anyway: a duplicate beats a lost alert.
   */
  claim?: (key: string, ttlMs: number) => Promise<boolean>;
}

export class Observability {
  readonly metrics: Metrics;
  readonly thresholds: AlertThresholds;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly window: SlidingWindow;
  private readonly alerts: AlertEvaluator;
  private readonly ring: HistoryRing;
  private readonly store: HistoryStore | undefined;
  private readonly webhook: WebhookNotifier | undefined;
  /** Where request traces go (LANDUSE_OTEL_ENDPOINT); undefined: no tracing. */
  readonly traces: SpanExporter | undefined;
  private readonly sources: MetricSources;
  private log: Log = quiet;
  private timers: NodeJS.Timeout[] = [];
  private lastFigures: WindowFigures;
  private evaluatedAt: number | null = null;
  private streams = 0;
  /** A worker that takes no snapshots (start): its history is read from the leader's file. */
  private follower = false;
  private leaderAlerts: AlertsView | undefined;

  constructor(private readonly options: ObservabilityOptions) {
    const { config } = options;
    this.now = options.now ?? Date.now;
    this.sources = options.sources ?? {};
    this.intervalMs = config.metricsIntervalSeconds * 1000;
    this.thresholds = {
      p95Seconds: config.alertP95Seconds,
      memoryBytes: config.alertMemoryBytes,
      errorRate: config.alertErrorRate,
      cacheHitRate: config.alertCacheHitRate,
      poolSaturation: config.alertPoolSaturation,
      minRequests: config.alertMinRequests,
    };
    this.metrics = new Metrics(this.sources, ALERT_NAMES);
    const slices = Math.max(
      1,
      Math.round(config.alertWindowSeconds / config.metricsIntervalSeconds),
    );
    this.window = new SlidingWindow(slices, this.now());
    this.lastFigures = this.window.figures(0);
    this.alerts = new AlertEvaluator(alertRules(this.thresholds));
    // An hour of snapshots in memory; the SQLite file holds the retention.
    this.ring = new HistoryRing(Math.min(10_000, Math.ceil(3600 / config.metricsIntervalSeconds)));
    if (options.historyPath) {
      this.store = new HistoryStore(options.historyPath, config.metricsRetentionHours * 3_600_000);
      // A restarted server goes on with the last hour it recorded.
      for (const s of this.store.since(this.now() - 3_600_000, this.ring.capacity))
        this.ring.push(s);
    }
    this.traces = config.otelEndpoint
      ? new SpanExporter({
          endpoint: config.otelEndpoint,
          serviceName: 'landuse',
          log: (message) => this.log.warn({}, message),
        })
      : undefined;
    if (config.alertWebhookUrl) {
      this.webhook = new WebhookNotifier({
        url: config.alertWebhookUrl,
        timeoutMs: config.alertWebhookTimeoutSeconds * 1000,
        retries: config.alertWebhookRetries,
        log: (level, message) => this.log[level]({}, message),
        onOutcome: (outcome) => this.metrics.notification(outcome),
      });
    }
  }

  /** Logs alerts and webhook failures through the server's logger. */
  setLogger(log: Log): void {
    this.log = log;
  }

  /** A line in the server's log about the service's own state (Redis lost or back, say). */
  note(level: 'info' | 'warn', message: string): void {
    this.log[level]({}, message);
  }

  /**
   * Starts the snapshot timer and the memory sampler (both unref'd: they keep nothing alive).
   * With `snapshots: false` (every worker of `serve --workers N` but the leader) only the
   * memory sampler: one process evaluates the alerts and writes the history file, and the
   * others read the history from that file.
   */
  start(options: { snapshots?: boolean } = {}): void {
    if (this.timers.length > 0) return;
    this.follower = options.snapshots === false;
    this.window.restart(this.now());
    const sample = () => {
      const m = process.memoryUsage();
      setSampledMemory(m.rss, m.heapUsed);
    };
    sample();
    this.timers.push(
      setInterval(sample, 1000).unref(),
      ...(this.follower ? [] : [setInterval(() => this.tick(), this.intervalMs).unref()]),
    );
  }

  requestStarted(): void {
    this.metrics.requestStarted();
  }

  /** A request ended: its metrics, and its figures into the current slice. */
  requestEnded(e: {
    route: string;
    method: string;
    provider: string;
    outcome: Outcome;
    seconds: number;
    collector: Collector;
  }): void {
    this.metrics.requestEnded();
    this.metrics.request(e, e.seconds);
    const slice = this.window.current;
    if (servedRoute(e.route)) {
      slice.requests++;
      slice.latency.add(e.seconds * 1000);
      if (SERVER_ERROR_OUTCOMES.includes(e.outcome)) slice.errors++;
    }
    const c = e.collector;
    for (const counts of Object.values(c.cache)) {
      slice.cacheHits += counts.hits;
      slice.cacheMisses += counts.misses;
    }
    slice.modelCalls += c.modelCalls;
    slice.inputTokens += c.inputTokens;
    slice.outputTokens += c.outputTokens;
  }

  streamOpened(kind: 'chat' | 'export'): void {
    this.streams++;
    this.metrics.streamOpened(kind);
  }

  streamClosed(kind: 'chat' | 'export'): void {
    this.streams--;
    this.metrics.streamClosed(kind);
  }

  /**
   * Closes the current slice: a snapshot for the history, then the alerts on the window. The
   * timer calls it every interval; tests call it directly.
   */
  tick(now = this.now()): { snapshot: Snapshot; events: AlertEvent[] } {
    const agents = this.sources.agents?.();
    const pool = this.sources.pool?.();
    const saturation = Math.max(
      agents && agents.size > 0 ? (agents.active + agents.waiting) / agents.size : 0,
      pool && pool.size > 0 ? (pool.inUse + pool.waiting) / pool.size : 0,
    );
    this.window.current.poolSaturation = saturation;
    const slice = this.window.roll(now);
    const memory = process.memoryUsage();
    setSampledMemory(memory.rss, memory.heapUsed);
    const figures = this.window.figures(memory.rss);
    const events = this.alerts.evaluate(figures, now);
    this.lastFigures = figures;
    this.evaluatedAt = now;
    for (const e of events) this.announce(e);
    const seconds = Math.max(0.001, (slice.end - slice.start) / 1000);
    const lookups = slice.cacheHits + slice.cacheMisses;
    const snapshot: Snapshot = {
      t: now,
      seconds: Math.round(seconds * 1000) / 1000,
      requests: slice.requests,
      requestsPerSecond: slice.requests / seconds,
      errors: slice.errors,
      errorRate: slice.requests > 0 ? slice.errors / slice.requests : null,
      p50Ms: slice.latency.quantile(0.5),
      p95Ms: slice.latency.quantile(0.95),
      p99Ms: slice.latency.quantile(0.99),
      cacheHits: slice.cacheHits,
      cacheMisses: slice.cacheMisses,
      cacheHitRate: lookups > 0 ? slice.cacheHits / lookups : null,
      modelCalls: slice.modelCalls,
      inputTokens: slice.inputTokens,
      outputTokens: slice.outputTokens,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      agentsBusy: agents?.active ?? 0,
      agentsQueued: agents?.waiting ?? 0,
      agentPoolSize: agents?.size ?? 0,
      dbConnectionsInUse: pool?.inUse ?? 0,
      dbConnectionsWaiting: pool?.waiting ?? 0,
      dbPoolSize: pool?.size ?? 0,
      activeStreams: this.streams,
      activeAlerts: this.alerts.active().length,
    };
    this.ring.push(snapshot);
    try {
      this.store?.write(snapshot);
    } catch (error) {
      this.log.warn({ err: error }, 'could not write the metrics history');
    }
    return { snapshot, events };
  }

  private announce(e: AlertEvent): void {
    if (e.state === 'firing') {
      this.metrics.alertFired(e.alert);
      this.log.warn({ alert: e }, `alert ${e.alert} firing: ${e.summary}`);
    } else {
      this.metrics.alertResolved(e.alert);
      this.log.info({ alert: e }, `alert ${e.alert} ${e.summary}`);
    }
    const webhook = this.webhook;
    if (!webhook) return;
    const claim = this.options.claim;
    if (!claim) {
      webhook.notify(webhookPayload(e, hostname()));
      return;
    }
    // One instance per alert and state within a minute (instances see the same trouble at
    // slightly different times, so the key cannot hold each one's start time).
    claim(`alert:${e.alert}:${e.state}`, Math.max(60_000, this.intervalMs * 4)).then(
      (mine) => {
        if (mine) webhook.notify(webhookPayload(e, hostname()));
        else this.log.info({ alert: e.alert }, 'alert sent by another instance');
      },
      () => webhook.notify(webhookPayload(e, hostname())),
    );
  }

  /** In a worker that takes no snapshots: the leader's alerts, which alertsView then returns. */
  showLeaderAlerts(view: AlertsView): void {
    this.leaderAlerts = view;
  }

  alertsView(): AlertsView {
    if (this.follower && this.leaderAlerts) return this.leaderAlerts;
    return {
      active: this.alerts.active(),
      recent: this.alerts.recent(),
      window: this.lastFigures,
      thresholds: this.thresholds,
      evaluatedAt: this.evaluatedAt === null ? null : new Date(this.evaluatedAt).toISOString(),
    };
  }

  /** Snapshots since `since` (epoch ms), one point per `stepSeconds` (at least the interval). */
  history(since: number, stepSeconds?: number): HistoryView {
    const interval = this.options.config.metricsIntervalSeconds;
    const oldest = this.ring.oldest();
    const raw =
      this.store && (this.follower || oldest === undefined || since < oldest)
        ? this.store.since(since, 100_000)
        : this.ring.since(since);
    let step = Math.max(interval, stepSeconds ?? interval);
    const first = raw[0];
    const last = raw.at(-1);
    if (first && last && (last.t - first.t) / 1000 / step > MAX_HISTORY_POINTS) {
      step = Math.ceil((last.t - first.t) / 1000 / MAX_HISTORY_POINTS / interval) * interval;
    }
    return {
      since: new Date(since).toISOString(),
      step,
      intervalSeconds: interval,
      retentionHours: this.options.config.metricsRetentionHours,
      points: step > interval ? downsample(raw, step) : raw,
    };
  }

  /** Resolves once queued alert notifications are delivered or given up (tests). */
  webhookDrained(): Promise<void> {
    return this.webhook?.drained() ?? Promise.resolve();
  }

  /** Stops the timers and the webhook, closes the history file, sends the last spans. */
  async close(): Promise<void> {
    if (this.timers.length > 0) setSampledMemory(0, 0);
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.webhook?.close();
    this.store?.close();
    await this.traces?.close();
  }
}
