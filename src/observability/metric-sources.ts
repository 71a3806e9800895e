/**
 * The /metrics series read from the server's parts when Prometheus scrapes: the DuckDB pool, the
 * agent, export and SQL limiters, the l1 cache, readiness and the shared Redis.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** An agent, export or SQL limiter as /metrics reads it (server/limiter.ts's stats). */
export interface LimiterFigures {
  size: number;
  active: number;
  waiting: number;
  rejected: number;
  timedOut: number;
}

/** What the gauges read at scrape time; each is optional (a test may leave one out). */
export interface MetricSources {
  pool?: () => { size: number; open: number; inUse: number; waiting: number };
  agents?: () => LimiterFigures;
  exports?: () => LimiterFigures;
  sql?: () => LimiterFigures;
  cache?: () => { bytes: number; maxBytes: number; entries: number; evictions: number } | undefined;
  ready?: () => boolean;
  /** The shared Redis (LANDUSE_REDIS_URL), when configured: cache/redis.ts's RedisStats. */
  redis?: () => { status: 'up' | 'down'; errors: number; skipped: number; reconnects: number };
}

/** Gauges and counters read from the pools, limiters, cache and Redis at scrape time. */
export function registerSourceGauges(registry: Registry, sources: MetricSources): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const v = read();
        if (v !== undefined) this.set(v);
      },
    });
  /** A counter mirrored from a running total, by the difference since the last scrape. */
  const total = (name: string, help: string, read: () => number | undefined) => {
    let last = 0;
    return new Counter({
      name,
      help,
      registers,
      collect() {
        const v = read();
        if (v !== undefined && v > last) {
          this.inc(v - last);
          last = v;
        }
      },
    });
  };
  const { pool, agents, exports, sql, cache, ready, redis } = sources;
  if (redis) {
    gauge(
      'landuse_redis_up',
      '1 while the shared Redis answers, 0 while this instance uses its local level only.',
      () => (redis().status === 'up' ? 1 : 0),
    );
    total(
      'landuse_redis_errors_total',
      'Redis commands that failed or timed out (the local level answered instead).',
      () => redis().errors,
    );
    total(
      'landuse_redis_skipped_total',
      'Redis commands not sent because Redis was down or cooling off after failures.',
      () => redis().skipped,
    );
    total(
      'landuse_redis_reconnects_total',
      'Attempts to reconnect to Redis.',
      () => redis().reconnects,
    );
  }
  if (pool) {
    gauge(
      'landuse_db_connections_max',
      'DuckDB connections the pool may open (LANDUSE_POOL_SIZE).',
      () => pool().size,
    );
    gauge('landuse_db_connections_open', 'DuckDB connections open.', () => pool().open);
    gauge(
      'landuse_db_connections_in_use',
      'DuckDB connections running a query.',
      () => pool().inUse,
    );
    gauge(
      'landuse_db_connections_waiting',
      'Callers waiting for a DuckDB connection.',
      () => pool().waiting,
    );
  }
  if (agents) {
    gauge(
      'landuse_agent_pool_size',
      'Questions answered at once at most (LANDUSE_AGENT_POOL_SIZE).',
      () => agents().size,
    );
    gauge('landuse_agent_pool_busy', 'Questions being answered now.', () => agents().active);
    gauge(
      'landuse_agent_pool_queued',
      'Questions waiting for a free agent.',
      () => agents().waiting,
    );
    total(
      'landuse_agent_pool_rejected_total',
      'Questions refused with 503 because the line was full.',
      () => agents().rejected,
    );
    total(
      'landuse_agent_pool_timeouts_total',
      'Questions refused with 503 after waiting too long for an agent.',
      () => agents().timedOut,
    );
  }
  if (exports)
    gauge(
      'landuse_export_slots_busy',
      'Exports streaming now (at most LANDUSE_MAX_EXPORTS).',
      () => exports().active,
    );
  if (sql)
    gauge('landuse_sql_slots_busy', 'Free-form SQL queries running now.', () => sql().active);
  if (cache) {
    gauge(
      'landuse_cache_bytes',
      'Approximate bytes the in-process (l1) result cache holds.',
      () => cache()?.bytes,
    );
    gauge(
      'landuse_cache_max_bytes',
      'Size bound of the l1 result cache (LANDUSE_CACHE_MAX_BYTES).',
      () => cache()?.maxBytes,
    );
    gauge('landuse_cache_entries', 'Entries in the l1 result cache.', () => cache()?.entries);
    total(
      'landuse_cache_evictions_total',
      'Entries evicted from the l1 cache to stay under its size bound.',
      () => cache()?.evictions,
    );
  }
  if (ready)
    gauge('landuse_ready', '1 when the server takes traffic (warm, not shutting down).', () =>
      ready() ? 1 : 0,
    );
}
