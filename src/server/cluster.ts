/**
 * `landuse serve --workers N`: a primary process that serves nothing itself and N worker
 * processes (node:cluster) that each open the database read-only and share one port.
 *
 * The primary
 * - forks the workers, and restarts one that dies: at once after a stable run, with a doubling
 *   delay (capped) while it keeps dying soon after starting, and not at all after
 *   `maxQuickDeaths` such deaths in a row (said in the log; the others go on serving);
 * - keeps the per-client counters (rate limit, daily quota, failed keys) and the model calls'
 *   rate limit, which the workers ask for over IPC (cluster-ipc.ts);
 * - sums every worker's metrics for /metrics (prom-client's AggregatorRegistry.aggregate);
 * - on SIGTERM or SIGINT asks every worker to drain (stop accepting, finish in-flight requests,
 *   close) and exits once all are gone, or after a bounded wait.
 *
 * One worker, the leader, evaluates the alerts and writes the performance history; the others
 * read the history from its file. A worker replacing the leader becomes the leader. Every
 * worker signs anonymous owner cookies with the same key, made by the primary.
 */
import Database from 'better-sqlite3';
import cluster, { type Worker } from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { processRateLimiter } from '../agent/models/rate-limit.ts';
import type { Config } from '../config/index.ts';
import {
  isMessage,
  ALERTS_REQUEST,
  ALERTS_RESPONSE,
  METRICS_REQUEST,
  METRICS_TIMEOUT_MS,
  METRICS_RESPONSE,
  REQUEST,
  RESPONSE,
  SHUTDOWN,
  type AlertsRequestMessage,
  type AlertsResponseMessage,
  type MetricsRequestMessage,
  type MetricsResponseMessage,
  type PrimaryAnswers,
  type PrimaryRequest,
  type RequestMessage,
  type ResponseMessage,
  type WorkerInit,
  type WorkerMetrics,
} from './cluster-ipc.ts';
import { ownerCookieSecret } from './callers.ts';
import { MemoryLimitStore } from './limiter.ts';

export interface RestartPolicy {
  /** Delay before the first restart after a quick death; doubled at each further one. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A worker that lived this long died "after a stable run": its count of quick deaths resets. */
  stableMs: number;
  /** Quick deaths in a row after which a slot is given up. */
  maxQuickDeaths: number;
}

export const DEFAULT_RESTART: RestartPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  stableMs: 30_000,
  maxQuickDeaths: 5,
};

/**
 * What follows a worker's death after `livedMs`, its slot having died `quickDeaths` times in a
 * row soon after starting: a restart after `delayMs` (at once after a stable run; 250 ms, 500 ms
 * ... while it keeps dying soon after starting), or null: given up.
 */
export function afterDeath(
  policy: RestartPolicy,
  quickDeaths: number,
  livedMs: number,
): { quickDeaths: number; delayMs: number | null } {
  const quick = livedMs < policy.stableMs ? quickDeaths + 1 : 0;
  if (quick >= policy.maxQuickDeaths) return { quickDeaths: quick, delayMs: null };
  const delayMs =
    quick === 0 ? 0 : Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (quick - 1));
  return { quickDeaths: quick, delayMs };
}

export interface PrimaryOptions {
  workers: number;
  /** Lines for the person who started the server (stderr). */
  log: (line: string) => void;
  /** Once every worker listens (the first time). */
  onReady?: (url: string) => void;
  restart?: Partial<RestartPolicy>;
}

interface Slot {
  slot: number;
  worker: Worker | undefined;
  startedAt: number;
  ready: boolean;
  quickDeaths: number;
  gaveUp: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** A free port on `host`, for --port 0: every worker, and every restarted one, gets the same. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Creates the SQLite files every worker opens at start (the conversations and the performance
 * history), so the workers find them made and in WAL mode instead of racing to set them up: a
 * journal-mode change does not wait for a busy file.
 */
function prepareStores(config: Config): void {
  if (!config.enableMemory || config.threadsDbPath === ':memory:') return;
  const history =
    config.metricsHistoryPath ?? join(dirname(config.threadsDbPath), 'metrics.sqlite');
  for (const path of [config.threadsDbPath, history]) {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.close();
  }
}

/**
 * Runs the primary until the workers are gone; resolves with the process's exit code (0 after
 * a clean drain, 1 when the workers could not start, all were given up, or the drain overran).
 */
export async function runPrimary(config: Config, options: PrimaryOptions): Promise<number> {
  const policy = { ...DEFAULT_RESTART, ...options.restart };
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const { log } = options;
  const limits = new MemoryLimitStore();
  // Made (or read from its file) once, here: workers making their own at the same time would
  // each sign cookies the others refuse.
  const cookieSecret = ownerCookieSecret(config, config.enableMemory);
  prepareStores(config);
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({
    slot: i + 1,
    worker: undefined,
    startedAt: 0,
    ready: false,
    quickDeaths: 0,
    gaveUp: false,
    timer: undefined,
  }));
  let leader: number | undefined;
  let everReady = false;
  let closing: { signal: string; codes: number[] } | undefined;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  // The primary's own figures, summed with the workers' at /metrics.
  const registry = new Registry();
  const restarts = new Counter({
    name: 'landuse_cluster_worker_restarts_total',
    help: 'Worker processes restarted by the primary after they died (serve --workers N).',
    registers: [registry],
  });
  new Gauge({
    name: 'landuse_cluster_workers',
    help: 'Worker processes serving now (serve --workers N).',
    registers: [registry],
    collect() {
      this.set(slots.filter((s) => s.ready).length);
    },
  });
  const workerMemory = new Gauge({
    name: 'landuse_cluster_worker_resident_memory_bytes',
    help: "Each worker's resident memory, by worker slot (process_resident_memory_bytes is the largest).",
    labelNames: ['worker'],
    registers: [registry],
  });

  const metricsRequests = new Map<
    number,
    { waiting: Set<number>; got: { slot: number; metrics: WorkerMetrics }[]; done: () => void }
  >();
  let nextMetricsId = 1;

  /** Every ready worker's metrics (those that answer in time), summed with the primary's. */
  const collect = async (): Promise<string> => {
    const id = nextMetricsId++;
    const asked = slots.filter((s) => s.ready && s.worker?.isConnected());
    const got = await new Promise<{ slot: number; metrics: WorkerMetrics }[]>((resolve) => {
      const entry = {
        waiting: new Set(asked.map((s) => s.slot)),
        got: [] as { slot: number; metrics: WorkerMetrics }[],
        done: () => {
          clearTimeout(timer);
          metricsRequests.delete(id);
          resolve(entry.got);
        },
      };
      const timer = setTimeout(() => {
        log(
          `metrics: no answer from worker ${[...entry.waiting].join(', ')} within ${METRICS_TIMEOUT_MS} ms; summing the others`,
        );
        entry.done();
      }, METRICS_TIMEOUT_MS);
      metricsRequests.set(id, entry);
      if (asked.length === 0) entry.done();
      for (const s of asked) {
        s.worker?.send({ type: METRICS_REQUEST, id } satisfies MetricsRequestMessage);
      }
    });
    workerMemory.reset();
    for (const { slot, metrics } of got) {
      const rss = metrics.find((m) => m.name === 'process_resident_memory_bytes');
      const value = rss?.values[0]?.value;
      if (value !== undefined) workerMemory.set({ worker: String(slot) }, value);
      // The largest worker's, not the sum: the memory alert and target are per process.
      if (rss) rss.aggregator = 'max';
    }
    const all = [...got.map((g) => g.metrics), await registry.getMetricsAsJSON()];
    return AggregatorRegistry.aggregate(all).metrics();
  };

  const alertsRequests = new Map<number, (view: PrimaryAnswers['alerts']) => void>();
  let nextAlertsId = 1;
  /** The leader's alerts view, for the other workers to show (null: no leader, or no answer). */
  const leaderAlerts = (): Promise<PrimaryAnswers['alerts']> => {
    const worker = leader === undefined ? undefined : slots[leader - 1]?.worker;
    if (!worker?.isConnected()) return Promise.resolve(null);
    const id = nextAlertsId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        alertsRequests.delete(id);
        resolve(null);
      }, 2000);
      alertsRequests.set(id, (view) => {
        clearTimeout(timer);
        alertsRequests.delete(id);
        resolve(view);
      });
      worker.send({ type: ALERTS_REQUEST, id } satisfies AlertsRequestMessage);
    });
  };

  const answer = async (s: Slot, body: PrimaryRequest): Promise<unknown> => {
    switch (body.op) {
      case 'init': {
        const alive = leader !== undefined && slots[leader - 1]?.worker !== undefined;
        if (!alive || leader === s.slot) leader = s.slot;
        return {
          slot: s.slot,
          port,
          leader: leader === s.slot,
          cookieSecret,
        } satisfies WorkerInit;
      }
      case 'ready': {
        s.ready = true;
        log(`worker ${s.slot} (pid ${s.worker?.process.pid}) is serving`);
        if (!everReady && slots.every((x) => x.ready || x.gaveUp)) {
          everReady = true;
          options.onReady?.(url);
        }
        return null;
      }
      case 'limit':
        return limits.incrNow(body.key, body.windowMs, body.by) satisfies PrimaryAnswers['limit'];
      case 'model-call':
        await processRateLimiter(body.calls, body.windowSeconds).acquire();
        return null;
      case 'metrics':
        return collect();
      case 'alerts':
        return leaderAlerts();
    }
  };

  const onMessage = (s: Slot, worker: Worker, message: unknown) => {
    if (isMessage<RequestMessage>(message, REQUEST)) {
      answer(s, message.body).then(
        (value) => reply(worker, { type: RESPONSE, id: message.id, value }),
        (error: unknown) => reply(worker, { type: RESPONSE, id: message.id, error: String(error) }),
      );
    } else if (isMessage<AlertsResponseMessage>(message, ALERTS_RESPONSE)) {
      alertsRequests.get(message.id)?.(message.view);
    } else if (isMessage<MetricsResponseMessage>(message, METRICS_RESPONSE)) {
      const entry = metricsRequests.get(message.id);
      if (!entry || !entry.waiting.delete(s.slot)) return;
      if (message.metrics) entry.got.push({ slot: s.slot, metrics: message.metrics });
      if (entry.waiting.size === 0) entry.done();
    }
  };

  const reply = (worker: Worker, message: ResponseMessage) => {
    // A worker that died meanwhile gets no answer; it is being replaced.
    if (worker.isConnected()) worker.send(message);
  };

  const fork = (s: Slot) => {
    s.timer = undefined;
    s.ready = false;
    s.startedAt = Date.now();
    const worker = cluster.fork();
    s.worker = worker;
    log(`worker ${s.slot} starting (pid ${worker.process.pid})`);
    worker.on('message', (message: unknown) => onMessage(s, worker, message));
    worker.once('exit', (code, signal) => onExit(s, code, signal));
  };

  const onExit = (s: Slot, code: number | null, signal: string | null) => {
    const pid = s.worker?.process.pid;
    s.worker = undefined;
    s.ready = false;
    if (leader === s.slot) leader = undefined;
    for (const entry of metricsRequests.values()) {
      if (entry.waiting.delete(s.slot) && entry.waiting.size === 0) entry.done();
    }
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (closing) {
      // A worker still starting is stopped with SIGTERM, which is no failure.
      closing.codes.push(code ?? (signal === 'SIGTERM' ? 0 : 1));
      if (slots.every((x) => !x.worker)) finish(closing.codes.every((c) => c === 0) ? 0 : 1);
      return;
    }
    if (!everReady) {
      // A worker that cannot start (no database, port taken) says why on stderr; its
      // siblings would fail the same way.
      log(`worker ${s.slot} (pid ${pid}) ${how} before the server was ready: stopping`);
      void shutdown('startup failure', 1);
      return;
    }
    const lived = Date.now() - s.startedAt;
    const next = afterDeath(policy, s.quickDeaths, lived);
    s.quickDeaths = next.quickDeaths;
    if (next.delayMs === null) {
      s.gaveUp = true;
      const left = slots.filter((x) => x.worker).length;
      log(
        `worker ${s.slot} (pid ${pid}) ${how}: it died ${s.quickDeaths} times in a row within ${Math.round(policy.stableMs / 1000)} s of starting, so it is not restarted again (${left} worker(s) left)`,
      );
      if (left === 0) {
        log('no worker left: exiting');
        finish(1);
      }
      return;
    }
    const delay = next.delayMs;
    log(
      `worker ${s.slot} (pid ${pid}) ${how} after ${(lived / 1000).toFixed(1)} s: restarting it${delay > 0 ? ` in ${delay} ms` : ''}`,
    );
    restarts.inc();
    s.timer = setTimeout(() => fork(s), delay);
  };

  const shutdown = (signal: string, code = 0): Promise<number> => {
    if (closing) return finished;
    closing = { signal, codes: code === 0 ? [] : [code] };
    for (const s of slots) clearTimeout(s.timer);
    const alive = slots.filter((s) => s.worker);
    if (alive.length === 0) {
      finish(code);
      return finished;
    }
    log(
      code === 0
        ? `${signal}: each worker finishes its in-flight requests (up to ${config.shutdownTimeoutSeconds} s)`
        : `${signal}: stopping the other workers`,
    );
    for (const s of alive) {
      // A worker still starting has no requests to finish, nor a listener for the message.
      if (s.ready && s.worker?.isConnected()) s.worker.send({ type: SHUTDOWN });
      else s.worker?.process.kill('SIGTERM');
    }
    // The workers cut their own connections at LANDUSE_SHUTDOWN_TIMEOUT; a few seconds more for
    // closing the stores, then whatever is left is killed.
    setTimeout(
      () => {
        const stuck = slots.filter((s) => s.worker);
        if (stuck.length === 0) return;
        log(`worker(s) ${stuck.map((s) => s.slot).join(', ')} still running: killing them`);
        for (const s of stuck) s.worker?.process.kill('SIGKILL');
        closing?.codes.push(1);
      },
      config.shutdownTimeoutSeconds * 1000 + 5000,
    ).unref();
    return finished;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} again: stopping the workers now`);
      for (const s of slots) s.worker?.process.kill('SIGKILL');
      finish(1);
      return;
    }
    void shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // The workers run this same command line; the exit code is the primary's to set.
  cluster.setupPrimary({});
  log(`starting ${options.workers} workers on ${url}`);
  for (const s of slots) fork(s);
  const code = await finished;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}
