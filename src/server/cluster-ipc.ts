/**
 * The messages between the primary of `landuse serve --workers N` and its workers, over the
 * IPC channel node:cluster opens: a worker's request carries an id and gets one response with
 * the same id, or a timeout. Workers ask the primary for their start-up settings, to count a
 * client's request against its limits (ClusterLimitStore), to wait for a model call's turn, and
 * for /metrics summed over every worker; the primary asks each worker for its metrics.
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { RateLimiter } from '../agent/models/rate-limit.ts';
import type { AlertsView } from '../observability/index.ts';
import { AppError } from '../domain/index.ts';
import type { LimitCount, LimitStore } from './limiter.ts';

/** A worker's question to the primary. */
export type PrimaryRequest =
  | { op: 'init' }
  | { op: 'ready'; url: string }
  | { op: 'limit'; key: string; windowMs: number; by: number }
  | { op: 'model-call'; calls: number; windowSeconds: number }
  | { op: 'metrics' }
  | { op: 'alerts' };

/** What the primary answers to each request. */
export interface PrimaryAnswers {
  init: WorkerInit;
  ready: null;
  limit: LimitCount;
  'model-call': null;
  metrics: string;
  /** The leader's alerts view; null while there is no leader to ask. */
  alerts: AlertsView | null;
}

/** What a worker learns from the primary before it opens anything. */
export interface WorkerInit {
  /** 1..N, kept by the worker that replaces it (cluster's own worker ids are not). */
  slot: number;
  /** The port every worker listens on (a free one chosen by the primary for --port 0). */
  port: number;
  /** The one worker that evaluates the alerts and writes the performance history. */
  leader: boolean;
  /**
   * The key that signs anonymous owner cookies, the same in every worker (a visitor's next
   * request may land on another one).
   */
  cookieSecret: string;
}

export const REQUEST = 'landuse:request';
export const RESPONSE = 'landuse:response';
export const METRICS_REQUEST = 'landuse:metrics-request';
export const METRICS_RESPONSE = 'landuse:metrics-response';
export const ALERTS_REQUEST = 'landuse:alerts-request';
export const ALERTS_RESPONSE = 'landuse:alerts-response';

export interface AlertsRequestMessage {
  type: typeof ALERTS_REQUEST;
  id: number;
}

export interface AlertsResponseMessage {
  type: typeof ALERTS_RESPONSE;
  id: number;
  view: AlertsView;
}

export interface RequestMessage {
  type: typeof REQUEST;
  id: number;
  body: PrimaryRequest;
}

export interface ResponseMessage {
  type: typeof RESPONSE;
  id: number;
  value?: unknown;
  error?: string;
}

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export interface MetricsRequestMessage {
  type: typeof METRICS_REQUEST;
  id: number;
}

export interface MetricsResponseMessage {
  type: typeof METRICS_RESPONSE;
  id: number;
  metrics?: WorkerMetrics;
  error?: string;
}

/** The side of the channel a worker sees: process.send and process.on('message'). */
export interface Channel {
  send(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

function isMessage<T extends { type: string }>(m: unknown, type: T['type']): m is T {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
}

/** The primary did not answer in time (or cannot be reached). */
export class PrimaryUnavailable extends AppError {
  constructor(op: string, why: string) {
    super(
      'busy:primary',
      `The server's primary process did not answer (${op}: ${why}). Try again in a moment.`,
      { details: { retryAfterSeconds: 1 } },
    );
  }
}

/**
 * A worker's requests to the primary: each one an id, a timeout, and one answer. Undefined
 * `timeoutMs` waits as long as it takes (a model call's turn may rightly take the rate-limit
 * window).
 */
export class PrimaryClient {
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }
  >();

  constructor(private readonly channel: Channel) {
    channel.on('message', (message) => {
      if (!isMessage<ResponseMessage>(message, RESPONSE)) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.value);
    });
  }

  call<K extends PrimaryRequest['op']>(
    body: Extract<PrimaryRequest, { op: K }>,
    timeoutMs?: number,
  ): Promise<PrimaryAnswers[K]> {
    const id = this.next++;
    return new Promise<PrimaryAnswers[K]>((resolve, reject) => {
      const entry: {
        resolve: (v: unknown) => void;
        reject: (e: Error) => void;
        timer?: NodeJS.Timeout;
      } = {
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      if (timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new PrimaryUnavailable(body.op, `no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        this.channel.send({ type: REQUEST, id, body } satisfies RequestMessage);
      } catch (error) {
        this.pending.delete(id);
        clearTimeout(entry.timer);
        reject(new PrimaryUnavailable(body.op, String(error)));
      }
    });
  }

  /** Requests waiting for an answer (tests). */
  get waiting(): number {
    return this.pending.size;
  }
}

/**
 * The per-client counters of every worker, kept in the primary: one message per count. When
 * the primary does not answer within `timeoutMs` the count rejects, and the callers let the
 * request through (fail open): a stuck primary must not refuse every client, and a limit is
 * there against floods, which the agent pool's queue bounds as well.
 */
export class ClusterLimitStore implements LimitStore {
  constructor(
    private readonly primary: PrimaryClient,
    private readonly timeoutMs = 1000,
  ) {}

  incr(key: string, windowMs: number, by = 1): Promise<LimitCount> {
    return this.primary.call({ op: 'limit', key, windowMs, by }, this.timeoutMs);
  }
}

/**
 * A model call's turn, waited for in the primary's limiter (LANDUSE_RATE_LIMIT_CALLS per
 * LANDUSE_RATE_LIMIT_WINDOW for the whole server): no timeout, since the turn may rightly take
 * the window. A call given up (`signal`) while it waits still counts there.
 */
export function primaryRateLimiter(
  primary: PrimaryClient,
  calls: number,
  windowSeconds: number,
): RateLimiter {
  return {
    acquire: async (signal) => {
      signal?.throwIfAborted();
      await primary.call({ op: 'model-call', calls, windowSeconds });
      signal?.throwIfAborted();
    },
  };
}

/**
 * Answers the primary's requests for this worker's metrics (getMetricsAsJSON of `read`), so
 * the primary can sum every worker's.
 */
export function answerMetricsRequests(channel: Channel, read: () => Promise<WorkerMetrics>): void {
  channel.on('message', (message) => {
    if (!isMessage<MetricsRequestMessage>(message, METRICS_REQUEST)) return;
    read().then(
      (metrics) =>
        channel.send({
          type: METRICS_RESPONSE,
          id: message.id,
          metrics,
        } satisfies MetricsResponseMessage),
      (error: unknown) =>
        channel.send({
          type: METRICS_RESPONSE,
          id: message.id,
          error: String(error),
        } satisfies MetricsResponseMessage),
    );
  });
}

/** The leader answers the primary's requests for its alerts view, which the others show. */
export function answerAlertsRequests(channel: Channel, read: () => AlertsView): void {
  channel.on('message', (message) => {
    if (!isMessage<AlertsRequestMessage>(message, ALERTS_REQUEST)) return;
    channel.send({
      type: ALERTS_RESPONSE,
      id: message.id,
      view: read(),
    } satisfies AlertsResponseMessage);
  });
}

export { isMessage };

/** The message that asks a worker to drain and exit. */
export const SHUTDOWN = 'landuse:shutdown';

/** How long the primary waits for a worker's metrics before summing those it has. */
export const METRICS_TIMEOUT_MS = 3000;
