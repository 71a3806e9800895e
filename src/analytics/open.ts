import type { Config } from '../config/index.ts';
import { createMemoryCache, memoryCacheOptions, type ResultCache } from '../cache/index.ts';
import { createSqlGuard, type SqlGuard } from '../data/guard.ts';
import { ConnectionPool } from '../data/pool.ts';
import { createAnalyticsContext, type AnalyticsContext } from './context.ts';
import { createAnalytics, type Analytics } from './index.ts';

/** Everything a client of the analytics layer needs, opened together and closed together. */
export interface AnalyticsService {
  ctx: AnalyticsContext;
  analytics: Analytics;
  pool: ConnectionPool;
  guard: SqlGuard;
  cache: ResultCache | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database read-only as a pool sized by config, with the guard, and (unless
 * `cache: false`, as for one-shot CLI commands) the in-process result cache.
 */
export async function openAnalytics(
  config: Pick<
    Config,
    | 'dbPath'
    | 'poolSize'
    | 'poolTimeoutSeconds'
    | 'maxExecutionTimeSeconds'
    | 'memoryLimit'
    | 'queryThreads'
    | 'cacheTtlSeconds'
    | 'cacheMaxBytes'
  >,
  options: {
    path?: string;
    /**
     * false for none (one-shot CLI commands), a cache to use (the server's two-level cache when
     * Redis is configured; closed with the service), else the in-process LRU sized by config.
     */
    cache?: boolean | ResultCache;
    poolSize?: number;
  } = {},
): Promise<AnalyticsService> {
  const path = options.path ?? config.dbPath;
  const pool = await ConnectionPool.open({
    path,
    size: options.poolSize ?? config.poolSize,
    acquireTimeoutMs: config.poolTimeoutSeconds * 1000,
    queryTimeoutMs: config.maxExecutionTimeSeconds * 1000,
    memoryLimit: config.memoryLimit,
    threads: config.queryThreads,
  });
  const cache =
    options.cache === false
      ? undefined
      : typeof options.cache === 'object'
        ? options.cache
        : createMemoryCache(memoryCacheOptions(config));
  const guard = createSqlGuard();
  try {
    const ctx = await createAnalyticsContext({ pool, path, ...(cache ? { cache } : {}) });
    return {
      ctx,
      analytics: createAnalytics(ctx),
      pool,
      guard,
      cache,
      async close() {
        guard.close();
        await cache?.close();
        await pool.close();
      },
    };
  } catch (error) {
    guard.close();
    await pool.close();
    throw error;
  }
}
