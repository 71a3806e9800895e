import type { Config } from '../config/index.ts';
import {
  createMemoryCache,
  databaseFingerprint,
  memoryCacheOptions,
  type ResultCache,
} from '../cache/index.ts';
import { AppError } from '../domain/index.ts';
import { createSqlGuard, type SqlGuard } from '../data/guard.ts';
import { ConnectionPool } from '../data/pool.ts';
import { createAnalyticsContext, type AnalyticsContext } from './context.ts';
import { Generations, liveAnalytics, liveContext, type Generation } from './generations.ts';
import { createAnalytics, type Analytics } from './index.ts';

/**
 * Everything a client of the analytics layer needs, opened together and closed together.
 * `ctx`, `analytics` and `pool` are those of the current database generation (the one the
 * running request is pinned to, else the newest): a server switches to a replaced file without
 * its readers noticing (server/reload.ts). `ctx` and `analytics` are stable objects that may be
 * kept; `pool` is read anew each time.
 */
export interface AnalyticsService {
  readonly ctx: AnalyticsContext;
  readonly analytics: Analytics;
  readonly pool: ConnectionPool;
  guard: SqlGuard;
  cache: ResultCache | undefined;
  /** The database generations behind ctx, analytics and pool. */
  readonly generations: Generations;
  close(): Promise<void>;
}

type PoolConfig = Pick<
  Config,
  'poolSize' | 'poolTimeoutSeconds' | 'maxExecutionTimeSeconds' | 'memoryLimit' | 'queryThreads'
>;

let generationCount = 0;

/**
 * Opens a database file as a generation: the read-only pool (schema version checked), its
 * context and analytics API. The file's identity is taken before and after opening, so the
 * generation describes the file the pool reads (`db:changed` when it was replaced meanwhile).
 */
export async function openGeneration(
  config: PoolConfig,
  props: { path: string; cache: ResultCache | undefined; poolSize?: number },
): Promise<Generation> {
  const { path } = props;
  const before = await databaseFingerprint(path).catch(() => undefined);
  const pool = await ConnectionPool.open({
    path,
    size: props.poolSize ?? config.poolSize,
    acquireTimeoutMs: config.poolTimeoutSeconds * 1000,
    queryTimeoutMs: config.maxExecutionTimeSeconds * 1000,
    memoryLimit: config.memoryLimit,
    threads: config.queryThreads,
  });
  try {
    const after = await databaseFingerprint(path).catch(() => undefined);
    if (before === undefined || after !== before) {
      throw new AppError(
        'db:changed',
        `${path} was replaced while it was being opened: open it again once it stays put.`,
      );
    }
    const ctx = await createAnalyticsContext({
      pool,
      path,
      fileFingerprint: before,
      ...(props.cache ? { cache: props.cache } : {}),
    });
    return {
      id: ++generationCount,
      path,
      fileId: before,
      pool,
      ctx,
      analytics: createAnalytics(ctx),
      openedAt: new Date(),
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/**
 * Opens the database read-only as a pool sized by config, with the guard, and (unless
 * `cache: false`, as for one-shot CLI commands) the in-process result cache.
 */
export async function openAnalytics(
  config: PoolConfig & Pick<Config, 'dbPath' | 'cacheTtlSeconds' | 'cacheMaxBytes'>,
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
  const cache =
    options.cache === false
      ? undefined
      : typeof options.cache === 'object'
        ? options.cache
        : createMemoryCache(memoryCacheOptions(config));
  const first = await openGeneration(config, {
    path,
    cache,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
  }).catch(async (error: unknown) => {
    // A cache passed in belongs to the caller; one made here dies with the failed open.
    if (typeof options.cache !== 'object') await cache?.close();
    throw error;
  });
  const generations = new Generations(first);
  const guard = createSqlGuard();
  return {
    ctx: liveContext(generations),
    analytics: liveAnalytics(generations),
    get pool() {
      return generations.current().pool;
    },
    guard,
    cache,
    generations,
    async close() {
      guard.close();
      await cache?.close();
      await generations.close();
    },
  };
}

/**
 * The service with another guard (the server's, counting refusals) and everything else read
 * through to `service`, the current pool included (a spread would freeze it).
 */
export function withGuard(service: AnalyticsService, guard: SqlGuard): AnalyticsService {
  return {
    ctx: service.ctx,
    analytics: service.analytics,
    get pool() {
      return service.pool;
    },
    guard,
    cache: service.cache,
    generations: service.generations,
    close: () => service.close(),
  };
}
