import { z } from 'zod';
import { LAND_USES } from '../../domain/index.ts';
import { sql, type SqlFragment } from '../../data/sql.ts';
import { num, params, parse, result, yearsLabel } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import {
  areaAt,
  factLevel,
  factsFrom,
  geographyFilter,
  METRIC_LABELS,
  METRICS,
  metricSql,
  placeAlias,
} from '../parts.ts';
import { resolveGeography, resolveHorizon, resolveScenario, resolveYear } from '../resolve.ts';
import type { AnalyticsResult } from '../result.ts';

/** Percent change of a use's area over the horizon: `urban_change_pct`, `forest_change_pct`... */
const CHANGE_METRICS = [
  'crop_change_pct',
  'pasture_change_pct',
  'rangeland_change_pct',
  'forest_change_pct',
  'urban_change_pct',
] as const;
type ChangeMetric = (typeof CHANGE_METRICS)[number];

/** What a map can colour places by: every metric in acres, and each use's percent change. */
export const MAP_METRICS = [...METRICS, ...CHANGE_METRICS] as const;
type MapMetric = (typeof MAP_METRICS)[number];

export const MAP_LEVELS = ['county', 'state'] as const;

export const mapValuesParams = z.object({
  metric: z
    .enum(MAP_METRICS)
    .default('urban_expansion')
    .describe('What to measure: a metric in acres, or a use’s area change in percent'),
  level: z.enum(MAP_LEVELS).default('county').describe('One value per county or per state'),
  states: params.states,
  scenario: params.scenario,
  year_range: params.year_range,
  year: params.year,
});

const isChange = (m: MapMetric): m is ChangeMetric =>
  (CHANGE_METRICS as readonly string[]).includes(m);

/**
 * One value per county (or state) for a metric: the numbers behind a choropleth. Every place in
 * the geography gets a row; a percent change from zero area is null.
 */
export async function mapValues(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const p = parse(mapValuesParams, input);
  const geo = resolveGeography({ states: p.states }, ctx.counties);
  const scenario = resolveScenario(p.scenario);
  const horizon = resolveHorizon(p.year_range, p.year, ctx.periods);
  let value: SqlFragment;
  let where: SqlFragment;
  let years: AnalyticsResult['years'];
  let label: string;
  if (isChange(p.metric)) {
    const use = LAND_USES.find((u) => `${u.key}_change_pct` === p.metric)!;
    const start = areaAt(use.id, horizon.start);
    const end = areaAt(use.id, horizon.end);
    value = sql`100 * (${end.value} - ${start.value}) / nullif(${start.value}, 0)`;
    where = sql`(${start.where} OR ${end.where})`;
    years = { ...horizon, kind: 'horizon' };
    label = `${use.name} area change ${yearsLabel(horizon)}`;
  } else {
    const m = metricSql(p.metric, horizon, resolveYear(p.year, ctx.periods, horizon.end));
    ({ value, where, years } = m);
    label = `${METRIC_LABELS[p.metric]} ${m.years.kind === 'horizon' ? yearsLabel(m.years) : `in ${m.years.start}`}`;
  }
  const county = p.level === 'county';
  const level = factLevel(ctx, geo, { counties: county, places: true });
  const from = factsFrom(level);
  const g = placeAlias(level);
  const q = await runRows(
    ctx,
    county
      ? sql`SELECT g.fips_code AS fips, any_value(g.county_name) AS name, any_value(g.state_abbrev) AS state,
                 ${value} AS value
            FROM ${from}
            WHERE f.scenario_id = ${scenario.id} AND ${where} ${geographyFilter(geo, level)}
            GROUP BY g.fips_code ORDER BY g.fips_code`
      : sql`SELECT ${g}.state_abbrev AS state, any_value(${g}.state_name) AS name, ${value} AS value
            FROM ${from}
            WHERE f.scenario_id = ${scenario.id} AND ${where} ${geographyFilter(geo, level)}
            GROUP BY ${g}.state_abbrev ORDER BY ${g}.state_abbrev`,
  );
  const rows = q.rows.map((r) => ({
    ...(county ? { fips: String(r.fips) } : {}),
    name: String(r.name),
    state: String(r.state),
    value: r.value === null || r.value === undefined ? null : num(r.value),
  }));
  const values = rows.map((r) => r.value).filter((v): v is number => v !== null);
  const unit = isChange(p.metric) ? 'percent' : 'acres';
  return result(ctx, {
    title: `${label} by ${p.level} in ${geo.label} (${scenario.code})`,
    columns: [...(county ? ['fips'] : []), 'name', 'state', 'value'],
    rows,
    units: { value: unit },
    scenarios: [scenario],
    years,
    geography: geo,
    figures: {
      metric: p.metric,
      level: p.level,
      label,
      unit,
      min: values.length > 0 ? round2(Math.min(...values)) : null,
      max: values.length > 0 ? round2(Math.max(...values)) : null,
      places: rows.length,
    },
    sql: q.sql,
    params: q.params,
  });
}

const round2 = (v: number) => Math.round(v * 100) / 100;
