import { sql } from '../../data/sql.ts';
import { FIRST_YEAR, PERIODS, SCENARIOS } from '../../domain/index.ts';
import { inList } from '../parts.ts';
import { num, result } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import type { AnalyticsResult } from '../result.ts';

/** Said by the summary of a database built before the rollups. */
export const NO_ROLLUPS_NOTE =
  'This database was built before the rollups (schema version 1): every query reads the county ' +
  'facts. Re-run `landuse load` to build them; state and national questions then answer faster.';

/**
 * What the data covers: dataset kind, scenarios, periods, runs, states, counties, acres. The
 * counties, states and periods come from the context (read once per database); the acres tracked
 * from the nation's rollup when the database has it. Counting a table's rows reads its metadata.
 */
export async function dataSummary(ctx: AnalyticsContext): Promise<AnalyticsResult> {
  const first = PERIODS.filter((p) => p.start === FIRST_YEAR).map((p) => p.id);
  const q = await runRows(
    ctx,
    sql`SELECT
      (SELECT string_agg(rpa_code || ' (' || gcm_count || ' runs)', ', ' ORDER BY scenario_id) FROM dim_scenario) AS scenarios,
      (SELECT count(*) FROM dim_climate_model) AS climate_models,
      (SELECT sum(acres) FROM ${ctx.rollups ? sql`agg_transitions_nation` : sql`fact_landuse_transitions`}
        WHERE scenario_id = ${SCENARIOS[0]!.id} AND ${inList(sql`time_id`, first)}) AS acres_tracked,
      (SELECT count(*) FROM fact_landuse_transitions) AS transition_rows,
      (SELECT count(*) FROM fact_landuse_transitions_gcm) AS gcm_rows`,
  );
  const counties = ctx.counties.length;
  const states = new Set(ctx.counties.map((c) => c.state)).size;
  const periods = ctx.periods.map((p) => `${p.start}-${p.end}`).join(', ');
  const r = q.rows[0] ?? {};
  const rows = [
    {
      item: 'dataset',
      value: ctx.dataset === 'demo' ? 'demo (generated)' : 'rpa (2020 RPA Assessment)',
    },
    { item: 'scenarios', value: String(r.scenarios) },
    { item: 'periods', value: periods },
    { item: 'climate models', value: num(r.climate_models) },
    { item: 'states', value: states },
    { item: 'counties', value: counties },
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
      counties,
      acres_tracked: num(r.acres_tracked),
    },
    sql: q.sql,
    params: q.params,
    notes: ctx.rollups ? [] : [NO_ROLLUPS_NOTE],
  });
}
