import type { FastifyInstance } from 'fastify';
import { removeStaleScratchDirs } from '../analytics/export/index.ts';
import type { AnalyticsService } from '../analytics/open.ts';
import type { ThreadCheckpointer } from '../agent/index.ts';
import type { Config } from '../config/index.ts';
import { AppError } from '../domain/index.ts';
import { defaultKnowledgeBase } from '../knowledge/index.ts';
import { buildApp, WARM_UP_TOKEN } from './app.ts';
import { isLoopback } from './edges.ts';
import { openServerDeps, type ServerDeps } from './deps.ts';
import type { LimitStore } from './limiter.ts';
import { DatabaseReloader } from './reload.ts';

export { buildApp } from './app.ts';
export { openServerDeps, type ServerDeps } from './deps.ts';

/** The dashboard's default views: fetched once at start so the first visitor finds them cached. */
export const WARM_UP_PATHS = [
  '/api/analytics/overview',
  '/api/analytics/scenarios',
  '/api/analytics/transitions',
  '/api/analytics/timeseries',
  '/api/analytics/map',
] as const;

export interface RunningServer {
  app: FastifyInstance;
  deps: ServerDeps;
  /** http://host:port */
  url: string;
  /** Stops taking requests, lets in-flight ones finish (up to the deadline), closes everything. */
  close(): Promise<void>;
}

/**
 * Opens the database and the stores, builds the app, listens, and warms the cache. With
 * `handleSignals`, SIGTERM and SIGINT shut it down gracefully (once; a second signal exits).
 */
export async function startServer(
  config: Config,
  options: {
    logger?: boolean | 'pretty';
    /** Milliseconds between SSE heartbeats on /api/chat (default 5000). */
    heartbeatMs?: number;
    handleSignals?: boolean;
    service?: AnalyticsService;
    checkpointer?: ThreadCheckpointer;
    onReady?: (url: string) => void;
    /** Where per-client counters live (default: this process's memory). */
    limitStore?: LimitStore;
    /** A worker of `serve --workers N`: its slot, sent as the x-landuse-worker header. */
    workerId?: number;
    /** false: no history snapshots or alerts here (a worker that is not the leader). */
    snapshots?: boolean;
  } = {},
): Promise<RunningServer> {
  // Export scratch folders of a server that was killed (kill -9) are removed before serving.
  const leftovers = await removeStaleScratchDirs();
  const deps = await openServerDeps(config, options);
  let app: FastifyInstance;
  try {
    app = await buildApp(deps, {
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.limitStore === undefined ? {} : { limitStore: options.limitStore }),
      ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
    });
    await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
      throw listenError(error, config);
    });
  } catch (error) {
    await deps.close();
    throw error;
  }
  if (leftovers.length > 0) {
    app.log.info(`removed ${leftovers.length} export folder(s) left by a stopped server`);
  }
  if (config.apiKeys.length === 0 && !isLoopback(config.host)) {
    app.log.warn(
      `the API needs no key and listens on ${config.host}: anyone who can reach it may use it (set LANDUSE_API_KEYS)`,
    );
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  await warmUp(app, deps);
  deps.state.ready = true;
  // Snapshots for the history, and the alerts, from now on (the warm-up is not traffic).
  deps.observability.start({ snapshots: options.snapshots ?? true });
  options.onReady?.(url);

  // A replaced database file is opened, warmed and switched to without a restart.
  const reloader = new DatabaseReloader(deps, app.log, () => warmUp(app, deps)).start();

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= reloader.stop().then(() => shutdown(app, deps)));
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        app.log.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      app.log.info(
        `${signal}: finishing in-flight requests (up to ${config.shutdownTimeoutSeconds} s)`,
      );
      void close().then(() => process.exit(0));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { app, deps, url, close };
}

/** A listen failure in words that say what to change. */
function listenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new AppError(
      'server:port_in_use',
      `Another program is already listening on ${where}. Stop it, or choose another port with --port N or LANDUSE_PORT.`,
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new AppError(
      'server:cannot_listen',
      `Cannot listen on ${where} (${code === 'EACCES' ? 'permission denied' : 'no such address on this machine'}). Choose another LANDUSE_HOST or port.`,
      { cause: error },
    );
  }
  return error;
}

/** Runs the dashboard's default queries and one question, so their results are cached. */
async function warmUp(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const started = performance.now();
  const headers = {
    'x-landuse-warm-up': WARM_UP_TOKEN,
    ...(deps.config.apiKeys[0] ? { 'x-api-key': deps.config.apiKeys[0] } : {}),
  };
  for (const url of WARM_UP_PATHS) {
    const res = await app.inject({ method: 'GET', url, headers });
    if (res.statusCode !== 200) app.log.warn(`warm-up: ${url} answered ${res.statusCode}`);
  }
  // The knowledge base's full-text index and example questions, which the offline planner reads
  // for every question: built now rather than on the first visitor's question.
  await defaultKnowledgeBase().likeness('warm up');
  app.log.info(`cache warmed in ${(performance.now() - started).toFixed(0)} ms`);
}

async function shutdown(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  deps.state.closing = true;
  // Past the deadline, open connections (a long stream, a slow client) are cut.
  const deadline = setTimeout(() => {
    app.log.warn('shutdown deadline reached: closing the remaining connections');
    app.server.closeAllConnections();
  }, deps.config.shutdownTimeoutSeconds * 1000);
  // server.close() closes only the connections idle when it is called: a keep-alive connection
  // whose in-flight request finishes afterwards would stay open until the deadline. Close each
  // one as soon as it is idle.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
    clearInterval(sweep);
    // After the last request: the agents' store is flushed and closed, then the pools.
    await deps.close();
  }
}
