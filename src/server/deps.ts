import type { AgentGraph } from '../agent/index.ts';
import { providerAvailability, providerCircuit, type CircuitStats } from '../agent/models/index.ts';
import {
  createAgent,
  createCheckpointer,
  openThreadStore,
  type ThreadCheckpointer,
} from '../agent/index.ts';
import { openAnalytics, withGuard, type AnalyticsService } from '../analytics/open.ts';
import { ConfigError, type Config, type Provider } from '../config/index.ts';
import { AppError } from '../domain/index.ts';
import { instrumentPool, Observability, observedGuard } from '../observability/index.ts';
import { dirname, join } from 'node:path';
import { ownerCookieSecret } from './callers.ts';
import { Limiter, type LimitStore } from './limiter.ts';
import { openShared, serdeCodec } from './shared.ts';
import type { RedisLink } from '../cache/redis.ts';
import { SqlLimiter } from './sql-limiter.ts';
import { createProviderCheck, type ProviderCheck } from './provider-check.ts';

/**
 * What the routes share, opened once per server: the analytics service (read-only pool, guard,
 * cache), the conversation store, one agent graph per provider (made on first use), and the
 * limiters that bound concurrent questions and exports.
 */
export interface ServerDeps {
  config: Config;
  service: AnalyticsService;
  checkpointer: ThreadCheckpointer;
  /** Signs the anonymous owner cookie (callers.ts). */
  ownerSecret: string;
  /**
   * The agent for a provider (LANDUSE_PROVIDER unless the request names another). A provider
   * that is not configured (providerAvailability) is refused at once with
   * bad_request:provider_unavailable, before any connection or agent slot.
   */
  agentFor(provider?: Provider): { agent: AgentGraph; provider: string };
  /** The circuit breaker of each LLM provider used so far, for /health. */
  providerCircuits(): Record<string, CircuitStats>;
  agents: Limiter;
  exports: Limiter;
  /** Free-form SQL (/api/sql): fewer slots than pool connections, one per client. */
  sql: SqlLimiter;
  /** The shared Redis (LANDUSE_REDIS_URL), for /health; undefined when not configured. */
  redis?: RedisLink | undefined;
  /** Per-client limits counted in Redis across instances (app.ts), when Redis is configured. */
  sharedLimits?: LimitStore | undefined;
  /** Metrics, alerts and the performance history (observability/). */
  observability: Observability;
  /** The configured provider's reachability, checked at most once a minute. */
  checkProvider: () => Promise<ProviderCheck>;
  startedAt: Date;
  /** `ready` once the cache is warm; `closing` from the start of a shutdown. */
  state: { ready: boolean; closing: boolean };
  close(): Promise<void>;
}

export async function openServerDeps(
  config: Config,
  options: {
    service?: AnalyticsService;
    checkpointer?: ThreadCheckpointer;
    /**
     * The performance history's SQLite file. Default: LANDUSE_METRICS_HISTORY_PATH (or
     * metrics.sqlite beside the threads) when the threads are kept on disk, else memory only.
     */
    historyPath?: string;
  } = {},
): Promise<ServerDeps> {
  // Redis first (the cache and the conversation store sit on it); its changes go to the log.
  const redisLog: { to?: Observability } = {};
  const shared = await openShared(config, {
    onStatus: (status, reason) =>
      redisLog.to?.note(
        status === 'up' ? 'info' : 'warn',
        status === 'up'
          ? 'Redis answers again: shared cache, conversations and limits back in use'
          : `Redis unavailable (${reason}): serving from this instance's own cache, conversation copies and limits until it is back`,
      ),
  });
  const localThreads = (): ThreadCheckpointer =>
    config.enableMemory
      ? openThreadStore(config)
      : createCheckpointer({ kind: 'memory', maxThreads: config.maxThreads });
  const checkpointer =
    options.checkpointer ??
    (shared && config.enableMemory ? shared.checkpointer(localThreads()) : localThreads());
  const opened =
    options.service ??
    (await openAnalytics(
      config,
      shared ? { cache: shared.cache(serdeCodec(checkpointer.serde)) } : {},
    ));
  // Every query counts in its request's figures; every refused statement in the metrics.
  instrumentPool(opened.pool);
  const state = { ready: false, closing: false };
  const agents = new Limiter({
    name: 'agent',
    size: config.agentPoolSize,
    queueSize: config.agentQueueSize,
    waitTimeoutMs: config.agentQueueTimeoutSeconds * 1000,
    setting: 'LANDUSE_AGENT_POOL_SIZE',
  });
  const exports = new Limiter({
    name: 'export',
    size: config.maxExports,
    queueSize: 0,
    waitTimeoutMs: 10_000,
    setting: 'LANDUSE_MAX_EXPORTS',
  });
  // Free SQL may hold at most all but one connection (2 at most), so a flood of slow
  // explorer queries leaves the agent and the dashboards a connection; the pool's own size
  // counts, since a caller may pass a service opened with a smaller pool than the config's.
  const sql = new SqlLimiter({
    size: Math.max(1, Math.min(2, opened.pool.stats().size - 1)),
    perClient: 1,
    queueSize: 2,
    waitTimeoutMs: 5_000,
  });
  const persisted = !options.checkpointer && config.enableMemory;
  const observability = new Observability({
    config,
    sources: {
      pool: () => opened.pool.stats(),
      agents: () => agents.stats(),
      exports: () => exports.stats(),
      sql: () => sql.stats(),
      cache: () => opened.cache?.stats(),
      ready: () => state.ready && !state.closing,
      ...(shared ? { redis: () => shared.link.stats() } : {}),
    },
    ...(shared ? { claim: (key: string, ttlMs: number) => shared.claim(key, ttlMs) } : {}),
    historyPath:
      options.historyPath ??
      (persisted
        ? (config.metricsHistoryPath ?? join(dirname(config.threadsDbPath), 'metrics.sqlite'))
        : undefined),
  });
  // withGuard, not a spread: a spread would freeze the pool of the first database generation.
  redisLog.to = observability;
  const service = withGuard(
    opened,
    observedGuard(opened.guard, (reason) => observability.metrics.sqlRefusal(reason)),
  );
  const graphs = new Map<Provider, { agent: AgentGraph; provider: string }>();
  return {
    config,
    service,
    checkpointer,
    redis: shared?.link,
    sharedLimits: shared?.limits,
    ownerSecret:
      shared && !config.cookieSecret
        ? await shared.ownerSecret(ownerCookieSecret(config, persisted))
        : ownerCookieSecret(config, persisted),
    agentFor(provider = config.provider) {
      let made = graphs.get(provider);
      if (!made) {
        const allowed = providerAvailability(config, provider);
        if (!allowed.ok) throw new AppError('bad_request:provider_unavailable', allowed.message);
        try {
          made = createAgent(service, { ...config, ...allowed.config }, { checkpointer });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          // A provider the request names but the server has no key or URL for.
          const needs = error.issues.map((i) => i.key).join(', ');
          throw new AppError(
            'bad_request:provider_unavailable',
            `The provider "${provider}" is not set up on this server (it needs ${needs}). Ask without "provider" to use ${config.provider}.`,
          );
        }
        graphs.set(provider, made);
      }
      return made;
    },
    providerCircuits() {
      const out: Record<string, CircuitStats> = {};
      for (const provider of graphs.keys()) {
        const allowed = providerAvailability(config, provider);
        const circuit = allowed.ok ? providerCircuit({ ...config, ...allowed.config }) : undefined;
        if (circuit) out[provider] = circuit.stats();
      }
      return out;
    },
    agents,
    exports,
    sql,
    observability,
    checkProvider: createProviderCheck(config),
    startedAt: new Date(),
    state,
    // Closes what it opened; a service or checkpointer passed in belongs to the caller.
    async close() {
      await observability.close();
      if (!options.checkpointer) checkpointer.close();
      if (!options.service) await service.close();
      await shared?.close();
    },
  };
}
