import { useQuery } from '@tanstack/react-query';
import { ApiError, getHealth, getJson } from '../api.ts';
import { PlotFigure } from '../components/PlotChart.tsx';
import { formatNumber } from '../format.ts';

interface Point {
  t: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  cacheHitRate: number | null;
  inputTokens: number;
  outputTokens: number;
  rssBytes: number;
  agentsBusy: number;
  agentPoolSize: number;
  dbConnectionsInUse: number;
  dbPoolSize: number;
}
interface History {
  intervalSeconds: number;
  points: Point[];
}
interface Alerts {
  active: { alert: string; severity: string; summary: string; since: string }[];
  recent: {
    alert: string;
    state: string;
    startsAt: string;
    endsAt: string | null;
    summary?: string;
  }[];
  window: {
    seconds: number;
    requests: number;
    errors: number;
    errorRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    cacheHitRate: number | null;
    rssBytes: number;
  };
}

const REFRESH_MS = 5000;
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${formatNumber(v * 100, 1)} %`;
const ms = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${formatNumber(v, v < 10 ? 1 : 0)} ms`;
const mib = (v: number | undefined) =>
  v === undefined ? '–' : `${formatNumber(v / 1048576, 0)} MiB`;

/** A 404 means the route is not on this server (an older build): the page says so and shows /health. */
const optional =
  <T,>(url: string) =>
  async (): Promise<T | null> => {
    try {
      return await getJson<T>(url);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  };

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="card kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value" data-figure={label}>
        {value}
      </div>
      {detail && <div className="muted small">{detail}</div>}
    </div>
  );
}

function Trend({
  points,
  title,
  series,
}: {
  points: Point[];
  title: string;
  series: { key: keyof Point; label: string; scale?: number }[];
}) {
  const data = series.flatMap((s) =>
    points.flatMap((p) => {
      const v = p[s.key];
      return typeof v === 'number'
        ? [{ t: new Date(p.t), value: v * (s.scale ?? 1), series: s.label }]
        : [];
    }),
  );
  return (
    <section className="card panel" aria-label={title}>
      <h2>{title}</h2>
      {data.length === 0 ? (
        <p className="muted">No figures yet.</p>
      ) : (
        <PlotFigure
          label={`${title} over the last hour`}
          deps={[points, title]}
          make={(Plot, width) =>
            Plot.plot({
              width,
              height: 180,
              marginLeft: 50,
              x: { type: 'time', label: null },
              y: { grid: true, label: null, zero: true },
              color: series.length > 1 ? { legend: true } : undefined,
              marks: [
                Plot.lineY(data, {
                  x: 't',
                  y: 'value',
                  stroke: series.length > 1 ? 'series' : 'currentColor',
                  strokeWidth: 1.5,
                }),
              ],
            })
          }
        />
      )}
    </section>
  );
}

export default function PerformancePage() {
  const history = useQuery({
    queryKey: ['history'],
    queryFn: optional<History>('/api/metrics/history'),
    refetchInterval: REFRESH_MS,
    staleTime: 0,
  });
  const alerts = useQuery({
    queryKey: ['alerts'],
    queryFn: optional<Alerts>('/api/alerts'),
    refetchInterval: REFRESH_MS,
    staleTime: 0,
  });
  const health = useQuery({
    queryKey: ['health', 'live'],
    queryFn: getHealth,
    refetchInterval: REFRESH_MS,
    staleTime: 0,
  });
  const points = history.data?.points ?? [];
  const last = points.at(-1);
  const lastMinute = points.filter((p) => p.t >= (last?.t ?? 0) - 60_000);
  const perMinute = lastMinute.reduce((n, p) => n + p.requests, 0);
  const tokens = points.reduce((n, p) => n + p.inputTokens + p.outputTokens, 0);
  const w = alerts.data?.window;
  const checks = health.data?.checks;

  return (
    <div className="page performance">
      <h1>Performance</h1>
      <p className="muted" aria-live="polite">
        Live figures of this server, refreshed every {REFRESH_MS / 1000} s
        {history.dataUpdatedAt
          ? ` (last at ${new Date(history.dataUpdatedAt).toLocaleTimeString()})`
          : ''}
        .
      </p>
      {(history.data === null || alerts.data === null) && (
        <p className="notice">
          This server does not offer {history.data === null ? '/api/metrics/history' : ''}
          {history.data === null && alerts.data === null ? ' or ' : ''}
          {alerts.data === null ? '/api/alerts' : ''} yet: shown here is what /health reports.
          Prometheus metrics are at <a href="/metrics">/metrics</a>.
        </p>
      )}
      <section className="kpis" aria-label="Current figures">
        <Figure
          label="p50 response"
          value={ms(w?.p50Ms)}
          detail={w ? `last ${w.seconds} s` : undefined}
        />
        <Figure label="p95 response" value={ms(w?.p95Ms)} />
        <Figure label="Requests per minute" value={history.data ? formatNumber(perMinute) : '–'} />
        <Figure label="Requests in window" value={w ? formatNumber(w.requests) : '–'} />
        <Figure label="Error rate" value={pct(w?.errorRate)} />
        <Figure
          label="Cache hit rate"
          value={pct(w?.cacheHitRate)}
          detail={checks?.cache?.detail}
        />
        <Figure
          label="Memory (resident)"
          value={mib((checks?.memory?.rssBytes as number | undefined) ?? w?.rssBytes)}
          detail={checks?.memory?.detail}
        />
        <Figure
          label="Agents busy"
          value={
            checks?.agentPool
              ? `${String(checks.agentPool.active)} of ${String(checks.agentPool.size)}`
              : '–'
          }
          detail={checks?.agentPool ? `${String(checks.agentPool.waiting)} waiting` : undefined}
        />
        <Figure
          label="Database connections in use"
          value={last ? `${last.dbConnectionsInUse} of ${last.dbPoolSize}` : '–'}
          detail={checks?.database?.detail}
        />
        <Figure
          label="Model tokens (hour)"
          value={history.data ? formatNumber(tokens) : '–'}
          detail={checks?.provider?.detail}
        />
      </section>
      <section className="card panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts</h2>
        {alerts.data ? (
          alerts.data.active.length === 0 ? (
            <p>No alert is firing.</p>
          ) : (
            <ul>
              {alerts.data.active.map((a) => (
                <li key={a.alert} className={a.severity === 'critical' ? 'error' : 'notice'}>
                  <strong>{a.alert}</strong> ({a.severity}, since{' '}
                  {new Date(a.since).toLocaleTimeString()}): {a.summary}
                </li>
              ))}
            </ul>
          )
        ) : (
          <p className="muted">
            {alerts.data === null ? 'Not available on this server.' : 'Loading…'}
          </p>
        )}
        {alerts.data && alerts.data.recent.length > 0 && (
          <details>
            <summary>Recent alert events ({alerts.data.recent.length})</summary>
            <ul className="small">
              {alerts.data.recent.map((r, i) => (
                <li key={i}>
                  {r.alert}: {r.state} at {new Date(r.endsAt ?? r.startsAt).toLocaleTimeString()}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      {history.data && (
        <div className="grid-2">
          <Trend
            points={points}
            title="Response time (ms)"
            series={[
              { key: 'p50Ms', label: 'p50' },
              { key: 'p95Ms', label: 'p95' },
            ]}
          />
          <Trend
            points={points}
            title="Requests per second"
            series={[{ key: 'requestsPerSecond', label: 'requests/s' }]}
          />
          <Trend
            points={points}
            title="Error and cache hit rates (%)"
            series={[
              { key: 'errorRate', label: 'errors', scale: 100 },
              { key: 'cacheHitRate', label: 'cache hits', scale: 100 },
            ]}
          />
          <Trend
            points={points}
            title="Memory (MiB)"
            series={[{ key: 'rssBytes', label: 'resident', scale: 1 / 1048576 }]}
          />
        </div>
      )}
    </div>
  );
}
