import { z } from 'zod';
import { AppError, CLIMATE_MODELS, SCENARIOS, type Scenario } from '../../domain/index.ts';
import { sql } from '../../data/sql.ts';
import { num, params, parse, pct, result, yearsLabel } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import {
  factLevel,
  factsFrom,
  geographyFilter,
  inList,
  metricSql,
  METRIC_LABELS,
  type Metric,
} from '../parts.ts';
import {
  resolveGeography,
  resolveHorizon,
  resolveScenario,
  resolveScenarios,
  resolveYear,
} from '../resolve.ts';
import type { QueryPlan } from '../plan.ts';
import type { AnalyticsResult } from '../result.ts';
import { runPlan } from '../run-plan.ts';

const metricParams = {
  metric: params.metric,
  states: params.states,
  year_range: params.year_range,
  year: params.year,
};

function metricOf(
  ctx: AnalyticsContext,
  p: { metric: Metric; year_range?: string | undefined; year?: number | undefined },
) {
  const horizon = resolveHorizon(p.year_range, p.year, ctx.periods);
  // An area without a year means the end of the horizon ("forest area by 2070").
  const m = metricSql(p.metric, horizon, resolveYear(p.year, ctx.periods, horizon.end));
  const label = `${METRIC_LABELS[p.metric]} ${m.years.kind === 'horizon' ? yearsLabel(m.years) : `in ${m.years.start}`}`;
  return { ...m, label };
}

/** Each metric as the query plan that measures it: the rankings are presets of the plan. */
const METRIC_PLANS: Readonly<Record<Metric, { measure: QueryPlan['measure']; uses: string[] }>> = {
  urban_expansion: { measure: 'gain', uses: ['urban'] },
  forest_loss: { measure: 'loss', uses: ['forest'] },
  forest_gain: { measure: 'gain', uses: ['forest'] },
  forest_net: { measure: 'change', uses: ['forest'] },
  ag_loss: { measure: 'loss', uses: ['agricultural'] },
  crop_loss: { measure: 'loss', uses: ['crop'] },
  pasture_loss: { measure: 'loss', uses: ['pasture'] },
  crop_area: { measure: 'area', uses: ['crop'] },
  pasture_area: { measure: 'area', uses: ['pasture'] },
  rangeland_area: { measure: 'area', uses: ['rangeland'] },
  forest_area: { measure: 'area', uses: ['forest'] },
  urban_area: { measure: 'area', uses: ['urban'] },
};

/** The plan of a metric over its years: a horizon for a flow, a point for an area. */
function metricPlan(metric: Metric, years: AnalyticsResult['years']): QueryPlan {
  return {
    ...METRIC_PLANS[metric],
    ...(years.kind === 'point'
      ? { year: years.start }
      : { years: { start: years.start, end: years.end } }),
  };
}

export const scenarioComparisonParams = z.object({
  ...metricParams,
  county: params.county,
  scenarios: params.scenarios,
});

/** One metric under several scenarios (all five by default), with each one's gap to OVERALL. */
export async function scenarioComparison(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(scenarioComparisonParams, input);
  const geo = resolveGeography(p, ctx.counties);
  const scenarios = resolveScenarios(p.scenarios);
  const m = metricOf(ctx, p);
  const planned = await runPlan(ctx, {
    ...metricPlan(p.metric, m.years),
    ...(p.county ? { counties: [p.county] } : p.states ? { states: p.states } : {}),
    breakdown: ['scenario'],
    scenarios: scenarios.map((s) => s.code),
  });
  const value = (s: Scenario) => num(planned.rows.find((r) => r.scenario === s.code)?.acres);
  const overall = SCENARIOS[0]!;
  const base = scenarios.includes(overall) ? value(overall) : undefined;
  const rows = scenarios.map((s) => ({
    scenario: s.code,
    scenario_name: s.name,
    rcp: s.rcp,
    ssp: s.ssp,
    value: value(s),
    vs_overall_pct: base === undefined || s === overall ? null : pct(value(s) - base, base),
  }));
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  return result(ctx, {
    title: `${m.label} by scenario in ${geo.label}`,
    columns: ['scenario', 'scenario_name', 'rcp', 'ssp', 'value', 'vs_overall_pct'],
    rows,
    units: { value: 'acres', vs_overall_pct: 'percent' },
    scenarios,
    years: m.years,
    geography: geo,
    figures: {
      metric: p.metric,
      highest: sorted[0]?.scenario ?? null,
      highest_value: sorted[0]?.value ?? null,
      lowest: sorted.at(-1)?.scenario ?? null,
      lowest_value: sorted.at(-1)?.value ?? null,
    },
    sql: planned.sql,
    params: planned.params,
  });
}

export const stateComparisonParams = z.object({
  ...metricParams,
  scenario: params.scenario,
  limit: params.limit,
  order: z.enum(['desc', 'asc']).optional().describe('desc (largest first, default) or asc'),
});

/** States ranked by a metric (all states, or a list), largest first unless asked otherwise. */
export async function stateComparison(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(stateComparisonParams, input);
  return rank(ctx, p, 'state');
}

export const topCountiesParams = z.object({
  ...metricParams,
  scenario: params.scenario,
  limit: params.limit,
  order: z.enum(['desc', 'asc']).optional(),
});

/** Counties ranked by a metric, nationally or within states/regions. */
export async function topCounties(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const p = parse(topCountiesParams, input);
  return rank(ctx, p, 'county');
}

/**
 * States or counties ranked by a metric: the plan of the metric broken down by state or county,
 * its rows numbered and named as the rankings always were.
 */
async function rank(
  ctx: AnalyticsContext,
  p: z.infer<typeof stateComparisonParams>,
  level: 'state' | 'county',
): Promise<AnalyticsResult> {
  const geo = resolveGeography(p, ctx.counties);
  const scenario = resolveScenario(p.scenario);
  const m = metricOf(ctx, p);
  const limit = p.limit ?? (level === 'state' && geo.states.length > 0 ? geo.states.length : 10);
  const planned = await runPlan(ctx, {
    ...metricPlan(p.metric, m.years),
    ...(p.states ? { states: p.states } : {}),
    breakdown: [level],
    scenarios: [scenario.code],
    sort: p.order ?? 'desc',
    limit,
  });
  const rows = planned.rows.map((r, i) => ({
    rank: i + 1,
    ...(level === 'state'
      ? { state: String(r.state), state_name: String(r.state_name) }
      : { fips: String(r.fips), county: String(r.county), state: String(r.state) }),
    value: num(r.acres),
  }));
  const columns =
    level === 'state'
      ? ['rank', 'state', 'state_name', 'value']
      : ['rank', 'county', 'state', 'fips', 'value'];
  return result(ctx, {
    title: `${level === 'state' ? 'States' : 'Counties'} by ${m.label.toLowerCase()}${geo.level === 'nation' ? '' : ` in ${geo.label}`} (${scenario.code})`,
    columns,
    rows,
    units: { value: 'acres' },
    scenarios: [scenario],
    years: m.years,
    geography: geo,
    figures: {
      metric: p.metric,
      top: rows[0] ? placeName(rows[0]) : null,
      top_value: rows[0]?.value ?? null,
      listed_total: rows.reduce((s, r) => s + r.value, 0),
    },
    sql: planned.sql,
    params: planned.params,
  });
}

export const climateModelSpreadParams = z.object({
  ...metricParams,
  county: params.county,
  scenario: params.scenario,
});

/** A metric for each of the 20 GCM runs of a pathway (or all four): mean, min, max, which is highest. */
export async function climateModelSpread(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(climateModelSpreadParams, input);
  const geo = resolveGeography(p, ctx.counties);
  const scenario = resolveScenario(p.scenario);
  const pathways = scenario.code === 'OVERALL' ? SCENARIOS.slice(1) : [scenario];
  const m = metricOf(ctx, p);
  const level = factLevel(ctx, geo);
  const q = await runRows(
    ctx,
    sql`SELECT f.scenario_id, f.climate_model_id, ${m.value} AS value
        FROM ${factsFrom(level, { runs: true })}
        WHERE ${inList(
          sql`f.scenario_id`,
          pathways.map((s) => s.id),
        )} AND ${m.where} ${geographyFilter(geo, level)}
        GROUP BY ALL ORDER BY f.scenario_id, f.climate_model_id`,
  );
  if (q.rows.length === 0) {
    throw new AppError(
      'bad_request:no_runs',
      `The database holds no climate-model runs for ${scenario.code}.`,
    );
  }
  const rows = q.rows.map((r) => {
    const model = CLIMATE_MODELS[num(r.climate_model_id) - 1]!;
    return {
      scenario: SCENARIOS[num(r.scenario_id) - 1]!.code,
      climate_model: model.name,
      nickname: model.nickname,
      value: num(r.value),
    };
  });
  const values = rows.map((r) => r.value);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const top = rows.reduce((a, b) => (b.value > a.value ? b : a));
  const bottom = rows.reduce((a, b) => (b.value < a.value ? b : a));
  return result(ctx, {
    title: `${m.label} across climate models (${pathways.map((s) => s.code).join(', ')}) in ${geo.label}`,
    columns: ['scenario', 'climate_model', 'nickname', 'value'],
    rows,
    units: { value: 'acres' },
    scenarios: pathways,
    years: m.years,
    geography: geo,
    figures: {
      metric: p.metric,
      mean,
      min: bottom.value,
      max: top.value,
      spread: top.value - bottom.value,
      spread_pct: pct(top.value - bottom.value, mean),
      highest_model: `${top.climate_model} (${top.nickname}, ${top.scenario})`,
      lowest_model: `${bottom.climate_model} (${bottom.nickname}, ${bottom.scenario})`,
    },
    sql: q.sql,
    params: q.params,
  });
}

function placeName(r: { state: string; state_name?: string; county?: string }): string {
  return r.county ? `${r.county}, ${r.state}` : (r.state_name ?? r.state);
}
