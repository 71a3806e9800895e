import { sql } from '../../data/sql.ts';
import { SCENARIOS } from '../../domain/index.ts';
import { num, result } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import type { AnalyticsResult } from '../result.ts';

/** What the data covers: dataset kind, scenarios, periods, runs, states, counties, acres. */
export async function dataSummary(ctx: AnalyticsContext): Promise<AnalyticsResult> {
  const q = await runRows(
    ctx,
    sql`SELECT
      (SELECT count(*) FROM dim_geography) AS counties,
      (SELECT count(DISTINCT state_abbrev) FROM dim_geography) AS states,
      (SELECT string_agg(year_range, ', ' ORDER BY start_year) FROM dim_time
        WHERE time_id IN (SELECT DISTINCT time_id FROM fact_landuse_transitions)) AS periods,
      (SELECT string_agg(rpa_code || ' (' || gcm_count || ' runs)', ', ' ORDER BY scenario_id) FROM dim_scenario) AS scenarios,
      (SELECT count(*) FROM dim_climate_model) AS climate_models,
      (SELECT sum(acres) FROM fact_landuse_transitions f JOIN dim_time t USING (time_id)
        WHERE f.scenario_id = ${SCENARIOS[0]!.id} AND t.start_year = 2012) AS acres_tracked,
      (SELECT count(*) FROM fact_landuse_transitions) AS transition_rows,
      (SELECT count(*) FROM fact_landuse_transitions_gcm) AS gcm_rows`,
  );
  const r = q.rows[0] ?? {};
  const rows = [
    {
      item: 'dataset',
      value: ctx.dataset === 'demo' ? 'demo (generated)' : 'rpa (2020 RPA Assessment)',
    },
    { item: 'scenarios', value: String(r.scenarios) },
    { item: 'periods', value: String(r.periods) },
    { item: 'climate models', value: num(r.climate_models) },
    { item: 'states', value: num(r.states) },
    { item: 'counties', value: num(r.counties) },
    { item: 'acres tracked', value: num(r.acres_tracked) },
    { item: 'transition rows', value: num(r.transition_rows) },
    { item: 'climate-model rows', value: num(r.gcm_rows) },
  ];
  return result(ctx, {
    title: 'What the data covers',
    columns: ['item', 'value'],
    rows,
    units: {},
    scenarios: [...SCENARIOS],
    years: {
      start: ctx.periods[0]?.start ?? 2012,
      end: ctx.periods.at(-1)?.end ?? 2070,
      kind: 'series',
    },
    geography: { label: 'the conterminous US', level: 'nation', states: [], counties: [] },
    figures: {
      dataset: ctx.dataset,
      counties: num(r.counties),
      acres_tracked: num(r.acres_tracked),
    },
    sql: q.sql,
    params: q.params,
  });
}
