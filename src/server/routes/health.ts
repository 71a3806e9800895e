import { getHeapStatistics } from 'node:v8';
import { databaseFingerprint } from '../../cache/index.ts';
import type { RedisLink } from '../../cache/redis.ts';
import type { ServerDeps } from '../deps.ts';
import { reloadStatus, served } from '../reload.ts';
import type { ZodApp } from '../types.ts';

type Status = 'healthy' | 'degraded' | 'unhealthy';
interface Check {
  status: 'ok' | 'degraded' | 'failed';
  detail: string;
  [more: string]: unknown;
}

/** Share of V8's heap limit above which the service reports itself degraded. */
const HEAP_DEGRADED = 0.9;

/**
 * GET /health (each dependency checked for real: healthy 200, degraded 200, unhealthy 503),
 * GET /ready (200 once the cache is warm, 503 while starting or shutting down) and GET /metrics
 * (the Prometheus exposition of observability/metrics.ts).
 */
export function healthRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Health of the service and each dependency',
        description:
          'Checks the database (a real query), memory, the agent pool, the cache, the shared Redis when configured (down: degraded) and the LLM provider (its check cached for a minute; `circuits` is each provider circuit breaker now: closed, open or half-open). `healthy` and `degraded` answer 200, `unhealthy` 503.',
      },
    },
    async (_request, reply) => {
      const checks = {
        database: await checkDatabase(deps),
        memory: checkMemory(),
        agentPool: checkAgentPool(deps),
        cache: checkCache(deps),
        provider: await checkProvider(deps),
        ...(deps.redis ? { redis: checkRedis(deps.redis) } : {}),
      };
      const values = Object.values(checks);
      const status: Status = values.some((c) => c.status === 'failed')
        ? 'unhealthy'
        : values.some((c) => c.status === 'degraded') || deps.state.closing
          ? 'degraded'
          : 'healthy';
      return reply.code(status === 'unhealthy' ? 503 : 200).send({
        status,
        dataset: deps.service.ctx.dataset,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
        checks,
      });
    },
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Whether the server takes traffic (warm and not shutting down)',
      },
    },
    async (_request, reply) => {
      const ready = deps.state.ready && !deps.state.closing;
      return reply.code(ready ? 200 : 503).send({
        ready,
        reason: deps.state.closing ? 'shutting down' : deps.state.ready ? 'ok' : 'warming up',
      });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Metrics in the Prometheus text format',
        description:
          'prom-client: request, model (OpenTelemetry GenAI names), tool, database and cache histograms and counters, pool and memory gauges, alerts, and the Node.js process metrics. Scraped by Prometheus (deploy/prometheus/prometheus.yml).',
      },
    },
    async (_request, reply) => {
      const { contentType, text } = await deps.observability.metrics.exposition();
      return reply.type(contentType).send(text);
    },
  );
  return Promise.resolve();
}

async function checkDatabase(deps: ServerDeps): Promise<Check> {
  const started = performance.now();
  const { generations } = deps.service;
  const reload = reloadStatus(deps);
  // What new requests read (the dataset, its load time and build id), and the last reload.
  const about = {
    ...served(generations.serving()),
    lastReload: reload?.last ?? null,
    draining: generations.draining(),
  };
  try {
    const r = await deps.service.pool.query({
      text: 'SELECT count(*) AS counties FROM dim_geography',
      params: [],
      types: [],
    });
    const stats = deps.service.pool.stats();
    const connections = { size: stats.size, inUse: stats.inUse, waiting: stats.waiting };
    const problem = reload?.enabled
      ? reload.problem
      : await replacedUnseen(
          deps,
          reload
            ? 'reloads are off (LANDUSE_RELOAD_CHECK_SECONDS=0)'
            : 'this app does not reload (only `landuse serve` and startServer do)',
        );
    if (problem) return { status: 'degraded', detail: problem, connections, ...about };
    return {
      status: 'ok',
      detail: `${String(r.rows[0]?.counties)} counties answered in ${(performance.now() - started).toFixed(1)} ms`,
      connections,
      ...about,
    };
  } catch {
    // The reason goes to the log through the pool; the probe says only that it failed.
    return { status: 'failed', detail: 'the database did not answer a query', ...about };
  }
}

/** With reloads off, a replaced file is only noticed: it takes a restart to serve it. */
async function replacedUnseen(deps: ServerDeps, why: string): Promise<string | undefined> {
  const serving = deps.service.generations.serving();
  const now = await databaseFingerprint(serving.path).catch(() => 'missing');
  return now === serving.fileId
    ? undefined
    : `${serving.path} has been replaced or removed since it was opened, and ${why}. Restart the server to serve the new file.`;
}

function checkMemory(): Check {
  const heap = getHeapStatistics();
  const used = heap.used_heap_size / heap.heap_size_limit;
  const rss = process.memoryUsage.rss();
  return {
    status: used > HEAP_DEGRADED ? 'degraded' : 'ok',
    detail: `heap ${(used * 100).toFixed(0)} % of its limit, resident ${(rss / 2 ** 20).toFixed(0)} MiB`,
    heapUsedBytes: heap.used_heap_size,
    heapLimitBytes: heap.heap_size_limit,
    rssBytes: rss,
  };
}

function checkAgentPool(deps: ServerDeps): Check {
  const s = deps.agents.stats();
  const full = s.active >= s.size && s.waiting >= s.queueSize;
  return {
    status: full ? 'degraded' : 'ok',
    detail: full
      ? `all ${s.size} agents busy and the line full: new questions get 503`
      : `${s.active} of ${s.size} agents busy, ${s.waiting} waiting`,
    ...s,
  };
}

function checkCache(deps: ServerDeps): Check {
  const cache = deps.service.cache;
  if (!cache) return { status: 'ok', detail: 'no cache configured' };
  const s = cache.stats();
  const lookups = s.hits + s.misses;
  return {
    status: 'ok',
    detail: `${s.entries} entries, ${(s.bytes / 2 ** 20).toFixed(1)} of ${(s.maxBytes / 2 ** 20).toFixed(0)} MiB, hit rate ${lookups ? ((100 * s.hits) / lookups).toFixed(0) : 0} %`,
    ...s,
  };
}

/**
 * The shared Redis: degraded (never failed) while it is down, since every instance then answers
 * from its local level; ok again on its own once Redis answers.
 */
function checkRedis(link: RedisLink): Check {
  const { status, reason, since, ...counts } = link.stats();
  const at = new Date(since).toISOString();
  return status === 'up'
    ? {
        status: 'ok',
        detail: `shared cache, conversations and limits in Redis since ${at}`,
        ...counts,
      }
    : {
        status: 'degraded',
        detail: `Redis unavailable since ${at} (${reason}): this instance uses its own cache, conversation copies and limits until it reconnects (automatically)`,
        reason,
        ...counts,
      };
}

async function checkProvider(deps: ServerDeps): Promise<Check> {
  const p = await deps.checkProvider();
  // Live, unlike the cached probe: an open circuit means questions skip that provider now.
  const circuits = deps.providerCircuits();
  const open = Object.keys(circuits).filter((name) => circuits[name]?.state === 'open');
  return {
    status: open.length > 0 ? 'degraded' : p.status,
    detail:
      open.length > 0
        ? `${p.detail}; circuit open for ${open.join(', ')} after repeated failures: questions skip it for now`
        : p.detail,
    provider: p.provider,
    checkedAt: p.checkedAt,
    circuits,
  };
}
