import { z } from 'zod';
import { MAX_HISTORY_POINTS } from '../../observability/index.ts';
import type { ServerDeps } from '../deps.ts';
import { errors } from '../schemas.ts';
import type { ZodApp } from '../types.ts';

const TAGS = ['Monitoring'];

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "15m", "2h", "1d" as seconds; undefined when it is not one. */
function durationSeconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** A point in time: ISO 8601, epoch milliseconds, or a duration ago ("15m"). */
const sinceParam = z
  .string()
  .max(40)
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text === '') return Date.now() - 3_600_000;
    const ago = durationSeconds(text);
    if (ago !== undefined) return Date.now() - ago * 1000;
    const t = /^\d{10,}$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isFinite(t)) return t;
    ctx.addIssue({
      code: 'custom',
      message: 'must be a time (ISO 8601 or epoch milliseconds) or a duration ago like 15m, 2h, 1d',
    });
    return z.NEVER;
  })
  .describe(
    'From when: ISO 8601, epoch milliseconds, or a duration ago (90s, 15m, 2h, 1d); default 1h',
  );

const stepParam = z
  .string()
  .max(20)
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text === '') return undefined;
    const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : durationSeconds(text);
    if (seconds !== undefined && seconds > 0) return seconds;
    ctx.addIssue({ code: 'custom', message: 'must be seconds (60) or a duration (1m, 1h)' });
    return z.NEVER;
  })
  .describe(
    `Seconds per point (or 1m, 1h); default and least: LANDUSE_METRICS_INTERVAL. A span of more than ${MAX_HISTORY_POINTS} points gets a longer step.`,
  );

const nullableNumber = z.number().nullable();

const snapshotSchema = z.object({
  t: z.number().describe('End of the interval, epoch milliseconds'),
  seconds: z.number(),
  requests: z.number(),
  requestsPerSecond: z.number(),
  errors: z.number().describe('Server errors (5xx)'),
  errorRate: nullableNumber,
  p50Ms: nullableNumber,
  p95Ms: nullableNumber,
  p99Ms: nullableNumber,
  cacheHits: z.number(),
  cacheMisses: z.number(),
  cacheHitRate: nullableNumber,
  modelCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  agentsBusy: z.number(),
  agentsQueued: z.number(),
  agentPoolSize: z.number(),
  dbConnectionsInUse: z.number(),
  dbConnectionsWaiting: z.number(),
  dbPoolSize: z.number(),
  activeStreams: z.number(),
  activeAlerts: z.number(),
});

const alertSchema = z.object({
  alert: z.string(),
  severity: z.enum(['warning', 'critical']),
  value: nullableNumber,
  threshold: z.number(),
  unit: z.enum(['seconds', 'bytes', 'ratio']),
  summary: z.string(),
});

/**
 * GET /api/alerts (the alerts firing now, the recent events, and the figures they were judged
 * on) and GET /api/metrics/history (the performance history, for the web UI's performance page
 * and `landuse monitor`). Under /api: keys and rate limits apply.
 */
export function monitoringRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: TAGS,
        summary: 'Alerts firing now and recent alert events',
        description:
          'Alerts on a sliding window of LANDUSE_ALERT_WINDOW seconds, evaluated every LANDUSE_METRICS_INTERVAL: p95 response time, resident memory, server error rate, cache hit rate and pool saturation against their thresholds (LANDUSE_ALERT_*). `window` holds the figures of the last evaluation.',
        response: {
          200: z.object({
            active: z.array(alertSchema.extend({ since: z.string() })),
            recent: z.array(
              alertSchema.extend({
                state: z.enum(['firing', 'resolved']),
                startsAt: z.string(),
                endsAt: z.string().nullable(),
              }),
            ),
            window: z.object({
              seconds: z.number(),
              requests: z.number(),
              errors: z.number(),
              errorRate: nullableNumber,
              p50Ms: nullableNumber,
              p95Ms: nullableNumber,
              p99Ms: nullableNumber,
              cacheLookups: z.number(),
              cacheHitRate: nullableNumber,
              poolSaturation: z.number(),
              rssBytes: z.number(),
            }),
            thresholds: z.object({
              p95Seconds: z.number(),
              memoryBytes: z.number(),
              errorRate: z.number(),
              cacheHitRate: z.number(),
              poolSaturation: z.number(),
              minRequests: z.number(),
            }),
            evaluatedAt: z.string().nullable(),
          }),
          ...errors(401, 429),
        },
      },
    },
    () => Promise.resolve(deps.observability.alertsView()),
  );

  app.get(
    '/api/metrics/history',
    {
      schema: {
        tags: TAGS,
        summary: 'Performance history: a snapshot of the key figures per interval',
        description:
          'One point per LANDUSE_METRICS_INTERVAL (or per `step`): requests and requests/s, p50/p95/p99, server errors, cache hits and misses, model calls and tokens (counts for the interval), memory, pools, streams and active alerts (at its end). Kept in memory for the last hour and, on a server that keeps its threads on disk, in SQLite for LANDUSE_METRICS_RETENTION hours. Merged points sum their counts and keep the highest quantiles.',
        querystring: z.object({ since: sinceParam, step: stepParam }),
        response: {
          200: z.object({
            since: z.string(),
            step: z.number(),
            intervalSeconds: z.number(),
            retentionHours: z.number(),
            points: z.array(snapshotSchema),
          }),
          ...errors(400, 401, 429),
        },
      },
    },
    (request) =>
      Promise.resolve(deps.observability.history(request.query.since, request.query.step)),
  );
  return Promise.resolve();
}
