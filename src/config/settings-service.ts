/**
 * The settings of the running service, the Server and Monitoring groups of the table in
 * settings.ts (which spreads them in at their place, so the documentation keeps its order).
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import {
  decimal,
  digits,
  noSpaces,
  oneOf,
  optionalUrl,
  parseBytes,
  positiveInt,
  positiveSeconds,
  type Setting,
} from './kinds.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A share from 0 to 1 (0.05 is 5 %). */
function fraction(def: number) {
  return {
    accepts: 'a number from 0 to 1 (0.05 is 5 %)',
    default: String(def),
    schema: decimal.pipe(z.number().min(0).max(1)).default(def),
  };
}

export const SERVICE_SETTINGS = {
  host: {
    env: 'LANDUSE_HOST',
    group: 'Server',
    description: 'The address the server listens on (0.0.0.0 for every interface).',
    accepts: 'a host name or IP address',
    default: '127.0.0.1',
    schema: z
      .string()
      .trim()
      .regex(/^[^\s/]+$/)
      .default('127.0.0.1'),
  },
  port: {
    env: 'LANDUSE_PORT',
    group: 'Server',
    description: 'The server port (0 picks a free port).',
    accepts: 'a port number from 0 to 65535',
    default: '8000',
    schema: digits.pipe(z.number().int().min(0).max(65535)).default(8000),
  },
  apiKeys: {
    env: 'LANDUSE_API_KEYS',
    group: 'Server',
    description: 'Comma-separated keys the HTTP API accepts; unset means the API needs no key.',
    accepts: 'a comma-separated list of keys without spaces (blanks alone are refused)',
    default: '',
    secret: true,
    refuseBlank: true,
    schema: z
      .string()
      .transform((t) => t.split(',').map((k) => k.trim()))
      .pipe(z.array(z.string().regex(noSpaces)).min(1))
      .default([]),
  },
  allowedHosts: {
    env: 'LANDUSE_ALLOWED_HOSTS',
    group: 'Server',
    description:
      'Comma-separated host names (api.example.org, 10.0.0.5, [::1]) the server answers in the Host header, any port; others get 421, which stops DNS-rebinding pages. Unset means localhost, 127.0.0.1 and [::1] when LANDUSE_HOST is a loopback address, any name otherwise; * allows any.',
    accepts: 'a comma-separated list of host names or IP addresses without ports, or *',
    default: '',
    schema: z
      .string()
      .transform((t) => t.split(',').map((h) => h.trim().toLowerCase().replace(/\.$/, '')))
      .pipe(z.array(z.string().regex(/^(\*|\[[0-9a-f:.]+\]|[a-z0-9_][a-z0-9_.-]*)$/)).min(1))
      .default([]),
  },
  authFailureLimit: {
    env: 'LANDUSE_AUTH_FAILURE_LIMIT',
    group: 'Server',
    description:
      'Requests with a missing or wrong API key allowed per minute from one client address; past it every request from that address gets 429 until the minute is over.',
    ...positiveInt(20),
  },
  cookieSecret: {
    env: 'LANDUSE_COOKIE_SECRET',
    group: 'Server',
    description:
      'Signs the cookie that makes an anonymous visitor the owner of its conversations (when no API keys are set); unset means a random key kept in a file beside LANDUSE_THREADS_DB_PATH. Several instances must share one.',
    accepts: 'at least 32 characters without spaces',
    default: '',
    secret: true,
    schema: z
      .string()
      .trim()
      .regex(/^\S{32,}$/)
      .optional(),
  },
  apiRateLimit: {
    env: 'LANDUSE_API_RATE_LIMIT',
    group: 'Server',
    description:
      'API requests per minute per key (per client IP when no keys are set); 0 turns it off.',
    accepts: 'a whole number, 0 or more',
    default: '600',
    schema: digits.pipe(z.number().int().min(0)).default(600),
  },
  apiDailyQuota: {
    env: 'LANDUSE_API_DAILY_QUOTA',
    group: 'Server',
    description:
      'API requests per day per key (per client IP when no keys are set); 0 means no quota.',
    accepts: 'a whole number, 0 or more',
    default: '100000',
    schema: digits.pipe(z.number().int().min(0)).default(100000),
  },
  trustProxy: {
    env: 'LANDUSE_TRUST_PROXY',
    group: 'Server',
    description:
      'Comma-separated addresses or CIDR ranges of reverse proxies in front of the server (127.0.0.1, 10.0.0.0/8): their X-Forwarded-For and X-Forwarded-Proto give the client address (rate limits, lockouts, thread quotas) and HTTPS (the Secure cookie). Unset believes no proxy.',
    accepts: 'a comma-separated list of IP addresses or CIDR ranges',
    default: '',
    schema: z
      .string()
      .transform((t) => t.split(',').map((k) => k.trim()))
      .pipe(z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/)).min(1))
      .default([]),
  },
  corsOrigins: {
    env: 'LANDUSE_CORS_ORIGINS',
    group: 'Server',
    description:
      'Comma-separated origins (https://example.org) allowed to call the API from a browser; unset allows only the same origin.',
    accepts: 'a comma-separated list of http(s) origins',
    default: '',
    schema: z
      .string()
      .transform((t) => t.split(',').map((k) => k.trim().replace(/\/$/, '')))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^\s/]+$/)).min(1))
      .default([]),
  },
  maxExports: {
    env: 'LANDUSE_MAX_EXPORTS',
    group: 'Server',
    description: 'Exports streamed at once; one more gets a 503 with Retry-After.',
    ...positiveInt(2, 64),
  },
  bodyTimeoutSeconds: {
    env: 'LANDUSE_BODY_TIMEOUT',
    group: 'Server',
    description:
      'Seconds a request, headers and body, may take to arrive; a slower one gets 408 and its connection is closed.',
    ...positiveSeconds(10, 300),
  },
  shutdownTimeoutSeconds: {
    env: 'LANDUSE_SHUTDOWN_TIMEOUT',
    group: 'Server',
    description:
      'Seconds in-flight requests get to finish on SIGTERM or SIGINT before they are cut.',
    ...positiveSeconds(10),
  },
  workers: {
    env: 'LANDUSE_WORKERS',
    group: 'Server',
    description:
      'Server processes sharing the port (`landuse serve --workers N`): 1 is a single process; auto means one per core. Rate limits and quotas stay per client across them, /metrics sums them all.',
    accepts: 'a positive integer up to 64, or auto (the number of cores)',
    default: '1',
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.union([z.literal('auto').transform(() => availableParallelism()), digits]))
      .pipe(z.number().int().min(1).max(64))
      .default(1),
  },
  logLevel: {
    env: 'LANDUSE_LOG_LEVEL',
    group: 'Server',
    description: 'Log level.',
    ...oneOf(LOG_LEVELS, 'info'),
  },
  metricsIntervalSeconds: {
    env: 'LANDUSE_METRICS_INTERVAL',
    group: 'Monitoring',
    description:
      'Seconds between two snapshots of the key figures (the performance history) and two evaluations of the alerts.',
    ...positiveSeconds(5, 300),
  },
  metricsRetentionHours: {
    env: 'LANDUSE_METRICS_RETENTION',
    group: 'Monitoring',
    description:
      'Hours of performance history kept in LANDUSE_METRICS_HISTORY_PATH; older snapshots are deleted.',
    accepts: 'a positive number of hours up to 8,760 (a year)',
    default: '24',
    schema: decimal.pipe(z.number().gt(0).max(8760)).default(24),
  },
  metricsHistoryPath: {
    env: 'LANDUSE_METRICS_HISTORY_PATH',
    group: 'Monitoring',
    description:
      'The SQLite file of the performance history (with LANDUSE_ENABLE_MEMORY); unset means metrics.sqlite beside LANDUSE_THREADS_DB_PATH.',
    accepts: 'a file path',
    default: '',
    schema: z.string().trim().min(1).optional(),
  },
  alertWindowSeconds: {
    env: 'LANDUSE_ALERT_WINDOW',
    group: 'Monitoring',
    description:
      'Seconds of recent traffic the alerts judge (a sliding window, at least one LANDUSE_METRICS_INTERVAL).',
    ...positiveSeconds(300, 86_400),
  },
  alertP95Seconds: {
    env: 'LANDUSE_ALERT_RESPONSE_TIME',
    group: 'Monitoring',
    description:
      'The response-time alert fires when the 95th percentile of API request durations in the window is over this many seconds.',
    ...positiveSeconds(5),
  },
  alertMemoryBytes: {
    env: 'LANDUSE_ALERT_MEMORY',
    group: 'Monitoring',
    description: "The memory alert fires when the process's resident memory is over this size.",
    accepts: 'a positive number of bytes, or a size such as 1GB or 768MiB',
    default: '1GB',
    schema: z
      .string()
      .refine((t) => parseBytes(t) !== undefined)
      .transform((t) => parseBytes(t)!)
      .default(1e9),
  },
  alertErrorRate: {
    env: 'LANDUSE_ALERT_ERROR_RATE',
    group: 'Monitoring',
    description:
      'The error-rate alert fires when more than this share of API requests in the window are server errors (5xx); 0.05 is 5 %.',
    ...fraction(0.05),
  },
  alertCacheHitRate: {
    env: 'LANDUSE_ALERT_CACHE_HIT_RATE',
    group: 'Monitoring',
    description:
      'The cache alert fires when less than this share of result-cache lookups in the window hit (once there are LANDUSE_ALERT_MIN_REQUESTS lookups).',
    ...fraction(0.5),
  },
  alertPoolSaturation: {
    env: 'LANDUSE_ALERT_POOL_SATURATION',
    group: 'Monitoring',
    description:
      'The pool alert fires when the agent or database pool is this full on average over the window (busy plus waiting, over its size; 1 is every slot busy).',
    accepts: 'a number from 0.01 to 100',
    default: '0.9',
    schema: decimal.pipe(z.number().min(0.01).max(100)).default(0.9),
  },
  alertMinRequests: {
    env: 'LANDUSE_ALERT_MIN_REQUESTS',
    group: 'Monitoring',
    description:
      'Requests (or cache lookups) the window must hold before the response-time, error-rate and cache alerts judge it.',
    ...positiveInt(20, 1_000_000),
  },
  alertWebhookUrl: {
    env: 'LANDUSE_ALERT_WEBHOOK_URL',
    group: 'Monitoring',
    description:
      'Where alerts are POSTed as they fire and resolve (an Alertmanager-style JSON body); unset sends none. Treated as a secret: it often holds a token.',
    ...optionalUrl(['http', 'https'], 'an http:// or https:// URL'),
    secret: true,
  },
  alertWebhookTimeoutSeconds: {
    env: 'LANDUSE_ALERT_WEBHOOK_TIMEOUT',
    group: 'Monitoring',
    description: 'Seconds one webhook delivery may take before it counts as failed.',
    ...positiveSeconds(5, 60),
  },
  alertWebhookRetries: {
    env: 'LANDUSE_ALERT_WEBHOOK_RETRIES',
    group: 'Monitoring',
    description: 'Tries after a failed webhook delivery (1 s, then 2 s, 4 s ... apart).',
    accepts: 'a whole number from 0 to 10',
    default: '3',
    schema: digits.pipe(z.number().int().min(0).max(10)).default(3),
  },
  otelEndpoint: {
    env: 'LANDUSE_OTEL_ENDPOINT',
    group: 'Monitoring',
    description:
      'An OpenTelemetry collector (OTLP/HTTP, e.g. http://127.0.0.1:4318) that receives a trace of each request: the agent run, its model calls and tool calls with the GenAI attributes. Unset: no tracing, at no cost.',
    ...optionalUrl(['http', 'https'], 'an http:// or https:// URL'),
  },
} as const satisfies Record<string, Setting<unknown>>;
