import { AppError } from '../../domain/index.ts';
import type { AlertsView, HistoryView, Snapshot } from '../../observability/index.ts';
import { cliConfig } from '../context.ts';
import { formatBytes, table } from '../format.ts';

/** Minutes of history the sparklines show. */
const SPARK_MINUTES = 5;
const SPARKS = '▁▂▃▄▅▆▇█';

export interface MonitorOptions {
  url?: string;
  /** Seconds between refreshes. */
  interval: number;
  /** One view, then exit (scripts, a non-terminal). */
  once?: boolean;
}

/** What one refresh reads from the server. */
export interface MonitorData {
  url: string;
  alerts: AlertsView;
  history: HistoryView;
}

/**
 * `landuse monitor`: the figures of GET /api/metrics/history and GET /api/alerts as a live view
 * that refreshes in place (requests/s, p50/p95, error rate, cache hit rate, memory, pools,
 * tokens, active alerts), for an operator on a server without a browser.
 */
export async function monitorCommand(opts: MonitorOptions): Promise<void> {
  const config = cliConfig();
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  const url = (
    opts.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
  ).replace(/\/+$/, '');
  // The operator on the server has its keys; the first one will do.
  const headers: Record<string, string> = config.apiKeys[0]
    ? { 'x-api-key': config.apiKeys[0] }
    : {};
  const tty = process.stdout.isTTY && !opts.once;
  if (!tty) {
    process.stdout.write(`${renderMonitor(await readMonitor(url, headers), new Date())}\n`);
    return;
  }
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write('\u001b[?25l');
  try {
    while (!stopped) {
      let frame: string;
      try {
        frame = renderMonitor(await readMonitor(url, headers), new Date());
      } catch (error) {
        // A restart or a blip: say so and keep trying.
        const why = error instanceof Error ? error.message : String(error);
        frame = `landuse monitor  ${url}  ${new Date().toLocaleTimeString('en-GB')}\n\n${why}\nRetrying every ${opts.interval} s; Ctrl-C to stop.`;
      }
      process.stdout.write(`\u001b[H\u001b[2J${frame}\n\nCtrl-C to stop.\n`);
      await sleep(opts.interval * 1000, () => stopped);
    }
  } finally {
    process.stdout.write('\u001b[?25h');
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function readMonitor(url: string, headers: Record<string, string>): Promise<MonitorData> {
  const get = async <T>(path: string): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(5000) });
    } catch {
      throw new AppError(
        'monitor:unreachable',
        `Cannot reach ${url} (is \`landuse serve\` running there? Name another with --url).`,
      );
    }
    if (res.status === 401) {
      throw new AppError(
        'monitor:unauthorized',
        `${url} wants an API key: set LANDUSE_API_KEYS to include one of the server's keys.`,
      );
    }
    if (!res.ok) {
      throw new AppError('monitor:failed', `${url}${path} answered HTTP ${res.status}.`);
    }
    return (await res.json()) as T;
  };
  const [alerts, history] = await Promise.all([
    get<AlertsView>('/api/alerts'),
    get<HistoryView>(`/api/metrics/history?since=${SPARK_MINUTES}m`),
  ]);
  return { url, alerts, history };
}

function sleep(ms: number, stopped: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (stopped() || Date.now() - started >= ms) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
}

/** One view of the figures: a pure function of what the server said, for tests. */
export function renderMonitor(data: MonitorData, now: Date): string {
  const { alerts, history } = data;
  const points = history.points;
  const last: Snapshot | undefined = points.at(-1);
  const w = alerts.window;
  const ms = (v: number | null | undefined) =>
    v === null || v === undefined
      ? '-'
      : v < 1000
        ? `${v.toFixed(v < 10 ? 1 : 0)} ms`
        : `${(v / 1000).toFixed(2)} s`;
  const pct = (v: number | null | undefined) =>
    v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)} %`;
  const sum = (k: 'inputTokens' | 'outputTokens' | 'modelCalls' | 'requests') =>
    points.reduce((s, p) => s + p[k], 0);
  const t = alerts.thresholds;
  const lines = [
    `landuse monitor  ${data.url}  ${now.toLocaleTimeString('en-GB')}  (every ${history.intervalSeconds} s; window ${Math.round(w.seconds)} s)`,
    '',
    table(
      [
        '',
        `last ${last ? `${last.seconds.toFixed(0)} s` : 'interval'}`,
        `last ${Math.round(w.seconds)} s`,
        `${SPARK_MINUTES} min`,
      ],
      [
        [
          'requests/s',
          last ? last.requestsPerSecond.toFixed(1) : '-',
          w.seconds > 0 ? (w.requests / w.seconds).toFixed(1) : '-',
          spark(points.map((p) => p.requestsPerSecond)),
        ],
        ['p50', ms(last?.p50Ms), ms(w.p50Ms), ''],
        [
          `p95 (alert > ${t.p95Seconds} s)`,
          ms(last?.p95Ms),
          ms(w.p95Ms),
          spark(points.map((p) => p.p95Ms ?? 0)),
        ],
        [`error rate (> ${pct(t.errorRate)})`, pct(last?.errorRate), pct(w.errorRate), ''],
        [
          `cache hit rate (< ${pct(t.cacheHitRate)})`,
          pct(last?.cacheHitRate),
          pct(w.cacheHitRate),
          '',
        ],
        [
          `memory (> ${(t.memoryBytes / 1e9).toFixed(1)} GB)`,
          last ? `${formatBytes(last.rssBytes)} rss, ${formatBytes(last.heapUsedBytes)} heap` : '-',
          formatBytes(w.rssBytes),
          spark(points.map((p) => p.rssBytes)),
        ],
        [
          'agents busy / size (queued)',
          last ? `${last.agentsBusy} / ${last.agentPoolSize} (${last.agentsQueued})` : '-',
          `saturation ${pct(w.poolSaturation)}`,
          '',
        ],
        [
          'db connections in use / size (waiting)',
          last
            ? `${last.dbConnectionsInUse} / ${last.dbPoolSize} (${last.dbConnectionsWaiting})`
            : '-',
          '',
          '',
        ],
        ['streams open', last ? String(last.activeStreams) : '-', '', ''],
        [
          'model calls, tokens in / out',
          last ? `${last.modelCalls}, ${last.inputTokens} / ${last.outputTokens}` : '-',
          '',
          `${sum('modelCalls')}, ${sum('inputTokens')} / ${sum('outputTokens')}`,
        ],
      ],
    ),
    '',
    alerts.active.length === 0
      ? 'Alerts: none firing'
      : [
          `Alerts firing (${alerts.active.length}):`,
          ...alerts.active.map(
            (a) =>
              `  ${a.severity.toUpperCase()} ${a.alert}: ${a.summary} since ${a.since.slice(11, 19)}`,
          ),
        ].join('\n'),
  ];
  const recent = alerts.recent.slice(0, 3);
  if (recent.length > 0) {
    lines.push(
      'Recent:',
      ...recent.map(
        (e) => `  ${(e.endsAt ?? e.startsAt).slice(11, 19)} ${e.alert} ${e.state}: ${e.summary}`,
      ),
    );
  }
  return lines.join('\n');
}

/** A sparkline of the values, scaled to their maximum. */
function spark(values: number[]): string {
  const xs = values.slice(-30);
  const max = Math.max(0, ...xs);
  if (xs.length === 0) return '';
  return xs
    .map(
      (v) =>
        SPARKS[
          max > 0 ? Math.min(SPARKS.length - 1, Math.floor((v / max) * (SPARKS.length - 1))) : 0
        ],
    )
    .join('');
}
