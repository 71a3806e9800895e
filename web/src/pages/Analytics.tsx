import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { getJson, withQuery, type Row, type Table } from '../api.ts';
import { shapeOf } from '../components/chart-shape.ts';
import { Choropleth, Legend, makeScale, type MapValue } from '../components/Choropleth.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { TableChart } from '../components/PlotChart.tsx';
import { formatCompact, formatNumber } from '../format.ts';
import { setParams, useLocation } from '../router.ts';

const SCENARIOS = [
  { code: 'OVERALL', name: 'Ensemble mean (all 20 runs)' },
  { code: 'LM', name: 'LM: lower warming, moderate growth (RCP4.5/SSP1)' },
  { code: 'HM', name: 'HM: high warming, moderate growth (RCP8.5/SSP2)' },
  { code: 'HL', name: 'HL: high warming, low growth (RCP8.5/SSP3)' },
  { code: 'HH', name: 'HH: high warming, high growth (RCP8.5/SSP5)' },
];
const FLOW_METRICS: Record<string, string> = {
  urban_expansion: 'Urban expansion (acres)',
  forest_loss: 'Forest loss (acres)',
  forest_gain: 'Forest gain (acres)',
  forest_net: 'Net forest change (acres)',
  ag_loss: 'Agricultural land loss (acres)',
  crop_loss: 'Cropland loss (acres)',
  pasture_loss: 'Pasture loss (acres)',
};
const MAP_METRICS: Record<string, string> = {
  ...FLOW_METRICS,
  urban_change_pct: 'Urban area change (%)',
  forest_change_pct: 'Forest area change (%)',
  crop_change_pct: 'Cropland area change (%)',
  pasture_change_pct: 'Pasture area change (%)',
  rangeland_change_pct: 'Rangeland area change (%)',
  urban_area: 'Urban area at the end year (acres)',
  forest_area: 'Forest area at the end year (acres)',
  crop_area: 'Cropland area at the end year (acres)',
};
const PERIODS = ['2020-2070', '2020-2030', '2020-2050', '2030-2050', '2050-2070'];
const REGIONS = ['', 'South', 'North', 'Rocky Mountain', 'Pacific Coast'];

interface Overview {
  title: string;
  years: { start: number; end: number };
  figures: Record<string, number>;
  land_use: {
    land_use: string;
    acres_start: number;
    acres_end: number;
    change: number;
    change_pct: number;
  }[];
}
interface Result extends Table {
  units?: Record<string, string>;
}
interface MapResult {
  title: string;
  label: string;
  unit: string;
  values: { fips: string; name: string; state: string; value: number | null }[];
}

function Kpi({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="card kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {detail && <div className="muted small">{detail}</div>}
    </div>
  );
}

function Section({
  title,
  children,
  id,
}: {
  title: string;
  children: React.ReactNode;
  id: string;
}) {
  return (
    <section className="card panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Loading({ error, what }: { error: unknown; what: string }) {
  if (error)
    return (
      <p className="error">{`${what} could not be loaded: ${error instanceof Error ? error.message : 'unknown error'}`}</p>
    );
  return <p className="muted">Loading {what}…</p>;
}

function ChartOf({ table, kind }: { table: Table; kind: 'bar' | 'line' }) {
  const shape = useMemo(() => shapeOf(table), [table]);
  return <TableChart table={table} shape={shape} kind={kind} />;
}

function CountyDetail({ fips, scenario }: { fips: string; scenario: string }) {
  const q = useQuery({
    queryKey: ['county', fips, scenario],
    queryFn: () => getJson<Result>(withQuery(`/api/analytics/county/${fips}`, { scenario })),
  });
  return (
    <Section title={q.data?.title ?? `County ${fips}`} id="county-detail">
      <button type="button" className="link" onClick={() => setParams({ county: null })}>
        Close county detail
      </button>
      {q.data ? (
        <>
          <ChartOf table={q.data} kind="line" />
          <DataTable title={q.data.title} columns={q.data.columns} rows={q.data.rows} hideCaption />
        </>
      ) : (
        <Loading error={q.error} what="the county" />
      )}
    </Section>
  );
}

export default function AnalyticsPage() {
  const { params } = useLocation();
  const scenario = params.get('scenario') ?? 'OVERALL';
  const metric = params.get('metric') ?? 'urban_expansion';
  const period = params.get('period') ?? '2020-2070';
  const states = params.get('states') ?? '';
  const compare = params.get('compare') ?? '';
  const county = params.get('county');
  const flowMetric = metric in FLOW_METRICS ? metric : 'urban_expansion';

  const overview = useQuery({
    queryKey: ['overview', scenario, period, states],
    queryFn: () =>
      getJson<Overview>(
        withQuery('/api/analytics/overview', { scenario, year_range: period, states }),
      ),
  });
  const scenarios = useQuery({
    queryKey: ['scenarios', flowMetric, period, states],
    queryFn: () =>
      getJson<Result>(
        withQuery('/api/analytics/scenarios', { metric: flowMetric, year_range: period, states }),
      ),
  });
  const timeseries = useQuery({
    queryKey: ['timeseries', scenario, states],
    queryFn: () => getJson<Result>(withQuery('/api/analytics/timeseries', { scenario, states })),
  });
  const toUrban = useQuery({
    queryKey: ['transitions', 'urban', scenario, period, states],
    queryFn: () =>
      getJson<Result>(
        withQuery('/api/analytics/transitions', {
          to_use: 'urban',
          scenario,
          year_range: period,
          states,
        }),
      ),
  });
  const allFlows = useQuery({
    queryKey: ['transitions', 'all', scenario, period, states],
    queryFn: () =>
      getJson<Result>(
        withQuery('/api/analytics/transitions', {
          scenario,
          year_range: period,
          states,
          limit: 30,
        }),
      ),
  });
  const maps = useQueries({
    queries: [scenario, ...(compare ? [compare] : [])].map((s) => ({
      queryKey: ['map', metric, s, period, states],
      queryFn: () =>
        getJson<MapResult>(
          withQuery('/api/analytics/map', { metric, scenario: s, year_range: period, states }),
        ),
    })),
  });

  const mapValues = maps.map((m) =>
    (m.data?.values ?? []).map<MapValue>((v) => ({
      id: v.fips,
      value: v.value,
      name: `${v.name}, ${v.state}`,
    })),
  );
  const diverging = metric.endsWith('_pct') || metric === 'forest_net';
  // One scale over both maps, so the twins compare.
  const scale = useMemo(
    () =>
      makeScale(
        mapValues.flat().flatMap((v) => (v.value === null ? [] : [v.value])),
        diverging,
      ),
    [maps.map((m) => m.dataUpdatedAt).join(','), diverging],
  );
  const mapsReady = maps.every((m) => m.data);
  const unit = maps[0]?.data?.unit ?? (metric.endsWith('_pct') ? 'percent' : 'acres');

  const uses = overview.data?.land_use ?? [];
  const years = overview.data?.years;
  const f = overview.data?.figures;
  const matrix = useMemo(() => {
    const rows = allFlows.data?.rows ?? [];
    const names = ['crop', 'pasture', 'rangeland', 'forest', 'urban'];
    return names.map<Row>((from) => ({
      from,
      ...Object.fromEntries(
        names.map((to) => [
          to,
          from === to
            ? null
            : (rows.find((r) => r.from_use === from && r.to_use === to)?.acres ?? 0),
        ]),
      ),
    }));
  }, [allFlows.data]);
  const matrixMax = Math.max(
    1,
    ...matrix.flatMap((r) => Object.values(r).filter((v): v is number => typeof v === 'number')),
  );

  return (
    <div className="page analytics">
      <h1>Analytics</h1>
      <form className="filters row" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          Scenario
          <select
            value={scenario}
            onChange={(e) =>
              setParams({ scenario: e.target.value === 'OVERALL' ? null : e.target.value })
            }
          >
            {SCENARIOS.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Years
          <select
            value={period}
            onChange={(e) =>
              setParams({ period: e.target.value === '2020-2070' ? null : e.target.value })
            }
          >
            {PERIODS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Region or states
          <select
            value={REGIONS.includes(states) ? states : 'custom'}
            onChange={(e) =>
              setParams({
                states: e.target.value === 'custom' ? states : e.target.value,
                county: null,
              })
            }
          >
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r || 'Conterminous US'}
              </option>
            ))}
            {!REGIONS.includes(states) && <option value="custom">{states}</option>}
          </select>
        </label>
        <label className="field">
          States (codes)
          <input
            type="text"
            placeholder="e.g. TX,OK"
            defaultValue={REGIONS.includes(states) ? '' : states}
            key={states}
            onBlur={(e) =>
              setParams({ states: e.target.value.toUpperCase().replace(/\s+/g, ''), county: null })
            }
            onKeyDown={(e) =>
              e.key === 'Enter' &&
              setParams({
                states: e.currentTarget.value.toUpperCase().replace(/\s+/g, ''),
                county: null,
              })
            }
          />
        </label>
      </form>

      <section aria-label="Key figures" className="kpis">
        {overview.data && f ? (
          <>
            <Kpi
              label={`Urban expansion ${years?.start}-${years?.end}`}
              value={`${formatCompact(f.urban_expansion_acres ?? 0)} acres`}
              detail={`${formatNumber(f.urban_from_forest_pct ?? 0, 1)} % from forest`}
            />
            <Kpi
              label="Forest net change"
              value={`${formatCompact(f.forest_net_acres ?? 0)} acres`}
              detail={`${formatNumber(f.forest_net_change_pct ?? 0, 2)} %`}
            />
            <Kpi
              label="Agricultural net change"
              value={`${formatCompact(f.agriculture_net_acres ?? 0)} acres`}
              detail={`${formatNumber(f.agriculture_net_change_pct ?? 0, 2)} %`}
            />
            {uses.map((u) => (
              <Kpi
                key={u.land_use}
                label={`${u.land_use[0]!.toUpperCase()}${u.land_use.slice(1)} area`}
                value={`${formatCompact(u.acres_start)} → ${formatCompact(u.acres_end)}`}
                detail={`${years?.start} → ${years?.end}: ${u.change_pct > 0 ? '+' : ''}${formatNumber(u.change_pct, 2)} %`}
              />
            ))}
          </>
        ) : (
          <Loading error={overview.error} what="the key figures" />
        )}
      </section>

      <Section title="County map" id="map-title">
        <div className="row">
          <label className="field">
            Map metric
            <select
              value={metric}
              onChange={(e) =>
                setParams({ metric: e.target.value === 'urban_expansion' ? null : e.target.value })
              }
            >
              {Object.entries(MAP_METRICS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Compare with
            <select value={compare} onChange={(e) => setParams({ compare: e.target.value })}>
              <option value="">(one map)</option>
              {SCENARIOS.filter((s) => s.code !== scenario).map((s) => (
                <option key={s.code} value={s.code}>
                  {s.code} side by side
                </option>
              ))}
            </select>
          </label>
        </div>
        {mapsReady ? (
          <>
            <Legend
              scale={scale}
              label={maps[0]!.data!.label}
              unit={unit === 'percent' ? 'percent' : unit}
            />
            <div className={compare ? 'twin-maps' : undefined}>
              {maps.map((m, i) => (
                <figure key={i} className="map-figure">
                  {compare && <figcaption>{i === 0 ? scenario : compare}</figcaption>}
                  <Choropleth
                    level="county"
                    values={mapValues[i]!}
                    scale={scale}
                    label={m.data!.title}
                    unit={unit}
                    selected={county}
                    onSelect={(id) => setParams({ county: id })}
                  />
                </figure>
              ))}
            </div>
            <p className="muted small">
              Hover a county for its value; click it for its own charts. Grey: no value in this
              selection.
            </p>
          </>
        ) : (
          <Loading error={maps.find((m) => m.error)?.error} what="the map" />
        )}
      </Section>

      {county && <CountyDetail fips={county} scenario={scenario} />}

      <div className="grid-2">
        <Section title="Land use over time" id="ts-title">
          {timeseries.data ? (
            <ChartOf table={timeseries.data} kind="line" />
          ) : (
            <Loading error={timeseries.error} what="the series" />
          )}
        </Section>
        <Section title={`Scenarios compared: ${FLOW_METRICS[flowMetric]}`} id="sc-title">
          {scenarios.data ? (
            <ChartOf
              table={{
                ...scenarios.data,
                columns: ['scenario', 'value'],
                rows: scenarios.data.rows,
              }}
              kind="bar"
            />
          ) : (
            <Loading error={scenarios.error} what="the scenarios" />
          )}
        </Section>
        <Section title="Where new urban land comes from" id="urban-title">
          {toUrban.data ? (
            <ChartOf
              table={{ ...toUrban.data, columns: ['from_use', 'acres'], rows: toUrban.data.rows }}
              kind="bar"
            />
          ) : (
            <Loading error={toUrban.error} what="the transitions" />
          )}
        </Section>
        <Section title="Transitions: from (rows) to (columns), acres" id="matrix-title">
          {allFlows.data ? (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Transition matrix">
              <table className="matrix">
                <caption className="visually-hidden">
                  Acres moving from each use (rows) to each other use (columns)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">from \ to</th>
                    {['crop', 'pasture', 'rangeland', 'forest', 'urban'].map((u) => (
                      <th key={u} scope="col" className="num">
                        {u}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {matrix.map((r) => (
                    <tr key={String(r.from)}>
                      <th scope="row">{String(r.from)}</th>
                      {['crop', 'pasture', 'rangeland', 'forest', 'urban'].map((u) => {
                        const v = r[u] as number | null;
                        return (
                          <td
                            key={u}
                            className="num"
                            style={
                              v
                                ? {
                                    background: `color-mix(in srgb, var(--accent) ${Math.round((v / matrixMax) * 45)}%, transparent)`,
                                  }
                                : undefined
                            }
                          >
                            {v === null ? '—' : formatCompact(v)}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <Loading error={allFlows.error} what="the transitions" />
          )}
        </Section>
      </div>
    </div>
  );
}
