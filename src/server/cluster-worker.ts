/**
 * The worker side of `landuse serve --workers N` (cluster.ts is the primary's): the server as a
 * single process runs it, with its per-client counters and model-call turns kept in the primary.
 */
import cluster from 'node:cluster';
import { shareRateLimiters } from '../agent/models/rate-limit.ts';
import type { Config } from '../config/index.ts';
import {
  answerAlertsRequests,
  answerMetricsRequests,
  ClusterLimitStore,
  isMessage,
  METRICS_TIMEOUT_MS,
  PrimaryClient,
  primaryRateLimiter,
  SHUTDOWN,
  type Channel,
} from './cluster-ipc.ts';
import type { startServer } from './index.ts';

/**
 * A worker: asks the primary for its slot and port, then runs the server as a single process
 * would, with its per-client counters and model-call turns in the primary and /metrics summed
 * over all workers. It drains on the primary's request, on SIGTERM or SIGINT (once: the
 * primary escalates), and when the primary is gone.
 */
export async function runWorker(
  config: Config,
  options: { logger?: boolean | 'pretty' } = {},
): Promise<void> {
  const channel = process as unknown as Channel;
  const primary = new PrimaryClient(channel);
  const init = await primary.call({ op: 'init' }, 30_000).catch((error: unknown) => {
    exitAfterReport();
    throw error;
  });
  shareRateLimiters((calls, windowSeconds) => primaryRateLimiter(primary, calls, windowSeconds));
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    // Imported here: the primary, which serves nothing, does not load the server.
    const server = await import('./index.ts');
    running = await server.startServer(
      { ...config, port: init.port, cookieSecret: init.cookieSecret },
      {
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        limitStore: new ClusterLimitStore(primary),
        workerId: init.slot,
        snapshots: init.leader,
      },
    );
  } catch (error) {
    // The channel would keep the process alive: let go of it, so the error ends the worker.
    exitAfterReport();
    throw error;
  }
  const { observability } = running.deps;
  const { metrics } = observability;
  metrics.aggregateWith(() => primary.call({ op: 'metrics' }, METRICS_TIMEOUT_MS + 2000));
  answerMetricsRequests(channel, () => metrics.registry.getMetricsAsJSON());
  if (init.leader) {
    answerAlertsRequests(channel, () => observability.alertsView());
  } else {
    // The alerts as the leader judged them, fetched once an interval, for GET /api/alerts here.
    const fetchAlerts = () =>
      primary.call({ op: 'alerts' }, 3000).then(
        (view) => {
          if (view) observability.showLeaderAlerts(view);
        },
        () => {},
      );
    void fetchAlerts();
    setInterval(() => void fetchAlerts(), config.metricsIntervalSeconds * 1000).unref();
  }

  let closing = false;
  const drain = (why: string) => {
    if (closing) return;
    closing = true;
    running.app.log.info(`${why}: finishing in-flight requests`);
    void running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  channel.on('message', (message) => {
    if (isMessage<{ type: typeof SHUTDOWN }>(message, SHUTDOWN)) drain('asked to stop');
  });
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));
  process.on('disconnect', () => drain('the primary process is gone'));
  await primary.call({ op: 'ready', url: running.url }, 10_000);
}

/**
 * A worker that fails to start ends once the command line has reported the error and set the
 * exit code (the IPC channel would keep it alive; letting go of the channel would exit 0).
 */
function exitAfterReport(): void {
  setImmediate(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 1));
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
