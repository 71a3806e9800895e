import { useQuery } from '@tanstack/react-query';
import { getJson, withQuery, type Table } from '../api.ts';
import { setParams, useLocation } from '../router.ts';
import { CountyDetail } from './analytics/CountyDetail.tsx';
import { CountyMap } from './analytics/CountyMap.tsx';
import { Filters } from './analytics/Filters.tsx';
import { KeyFigures, type Overview } from './analytics/KeyFigures.tsx';
import { FLOW_METRICS } from './analytics/options.ts';
import { ChartOf, Loading, Section } from './analytics/parts.tsx';
import { TransitionMatrix } from './analytics/TransitionMatrix.tsx';
import { TransitionSankey } from './analytics/TransitionSankey.tsx';

/**
 * Analytics: key figures, the county map (or twin maps), land use over time, the scenarios
 * compared and the transitions, for the scenario, years and states in the URL.
 */
export default function AnalyticsPage() {
  const { params } = useLocation();
  const scenario = params.get('scenario') ?? 'OVERALL';
  const metric = params.get('metric') ?? 'urban_expansion';
  const period = params.get('period') ?? '2020-2070';
  const states = params.get('states') ?? '';
  const compare = params.get('compare') ?? '';
  const county = params.get('county');
  const sankey = params.get('flows') === 'sankey';
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
      getJson<Table>(
        withQuery('/api/analytics/scenarios', { metric: flowMetric, year_range: period, states }),
      ),
  });
  const timeseries = useQuery({
    queryKey: ['timeseries', scenario, states],
    queryFn: () => getJson<Table>(withQuery('/api/analytics/timeseries', { scenario, states })),
  });
  const toUrban = useQuery({
    queryKey: ['transitions', 'urban', scenario, period, states],
    queryFn: () =>
      getJson<Table>(
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
      getJson<Table>(
        withQuery('/api/analytics/transitions', {
          scenario,
          year_range: period,
          states,
          limit: 30,
        }),
      ),
  });

  return (
    <div className="page analytics">
      <h1>Analytics</h1>
      <Filters scenario={scenario} period={period} states={states} />
      <KeyFigures data={overview.data} error={overview.error} />
      <CountyMap
        metric={metric}
        scenario={scenario}
        compare={compare}
        period={period}
        states={states}
        county={county}
      />
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
        <Section
          title={
            sankey
              ? 'Transitions: from (left) to (right), acres'
              : 'Transitions: from (rows) to (columns), acres'
          }
          id="matrix-title"
        >
          <label className="field inline-field">
            View
            <select
              value={sankey ? 'sankey' : 'matrix'}
              onChange={(e) => setParams({ flows: e.target.value === 'sankey' ? 'sankey' : null })}
            >
              <option value="matrix">Matrix</option>
              <option value="sankey">Sankey</option>
            </select>
          </label>
          {allFlows.data ? (
            sankey ? (
              <>
                <TransitionSankey rows={allFlows.data.rows} focus="urban" />
                <p className="muted small">
                  Flows into urban land are highlighted; hover a ribbon for its acres.
                </p>
              </>
            ) : (
              <TransitionMatrix rows={allFlows.data.rows} />
            )
          ) : (
            <Loading error={allFlows.error} what="the transitions" />
          )}
        </Section>
      </div>
    </div>
  );
}
