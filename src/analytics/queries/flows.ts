import { z } from 'zod';
import { AppError, FIRST_YEAR, LAND_USES, PERIODS, type LandUse } from '../../domain/index.ts';
import { sql, when } from '../../data/sql.ts';
import { num, params, parse, pct, result, yearsLabel } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import {
  areaAt,
  factLevel,
  factsFrom,
  geographyFilter,
  horizonFilter,
  inList,
  into,
  LAND_USE_IDS,
  outOf,
} from '../parts.ts';
import {
  resolveGeography,
  resolveHorizon,
  resolveLandUse,
  resolveScenario,
  type Geography,
  type Horizon,
} from '../resolve.ts';
import type { AnalyticsResult } from '../result.ts';
import type { Scenario } from '../../domain/index.ts';

const flowParams = {
  states: params.states,
  county: params.county,
  scenario: params.scenario,
  year_range: params.year_range,
  year: params.year,
};

export const transitionsParams = z.object({
  from_use: params.land_use,
  to_use: params.land_use,
  ...flowParams,
  limit: params.limit,
});

/** Acres moving between uses over a horizon (changes only, largest first). */
export async function transitions(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const p = parse(transitionsParams, input);
  const { geo, scenario, horizon } = common(ctx, p);
  const from = p.from_use ? resolveLandUse(p.from_use) : undefined;
  const to = p.to_use ? resolveLandUse(p.to_use) : undefined;
  const level = factLevel(ctx, geo);
  const q = await runRows(
    ctx,
    sql`SELECT f.from_landuse_id AS from_id, f.to_landuse_id AS to_id, sum(f.acres) AS acres
        FROM ${factsFrom(level)}
        WHERE f.scenario_id = ${scenario.id} AND ${horizonFilter(horizon)} ${geographyFilter(geo, level)}
          AND f.from_landuse_id <> f.to_landuse_id
          ${when(from, sql`AND f.from_landuse_id = ${from?.id ?? 0}`)}
          ${when(to, sql`AND f.to_landuse_id = ${to?.id ?? 0}`)}
        GROUP BY ALL ORDER BY acres DESC LIMIT ${p.limit ?? 25}`,
  );
  const total = q.rows.reduce((s, r) => s + num(r.acres), 0);
  const rows = q.rows.map((r) => ({
    from_use: useOf(r.from_id).key,
    to_use: useOf(r.to_id).key,
    acres: num(r.acres),
    share_pct: pct(num(r.acres), total),
  }));
  const what = `${from ? from.name : 'Any use'} to ${to ? to.name : 'any other use'}`;
  return result(ctx, {
    title: `Land use transitions (${what}) in ${geo.label}, ${yearsLabel(horizon)} (${scenario.code})`,
    columns: ['from_use', 'to_use', 'acres', 'share_pct'],
    rows,
    units: { acres: 'acres', share_pct: 'percent of the changes listed' },
    scenarios: [scenario],
    years: { ...horizon, kind: 'horizon' },
    geography: geo,
    figures: { total_acres: total },
    sql: q.sql,
    params: q.params,
  });
}

const useOf = (id: unknown): LandUse => LAND_USES[num(id) - 1]!;

/** The periods whose rows give the area at a boundary year. */
function periodsAround(year: number): number[] {
  return PERIODS.filter((p) => (year === FIRST_YEAR ? p.start === year : p.end === year)).map(
    (p) => p.id,
  );
}

function common(
  ctx: AnalyticsContext,
  p: {
    states?: string[] | undefined;
    county?: string | undefined;
    scenario?: string | undefined;
    year_range?: string | undefined;
    year?: number | undefined;
  },
) {
  return {
    geo: resolveGeography(p, ctx.counties),
    scenario: resolveScenario(p.scenario),
    horizon: resolveHorizon(p.year_range, p.year, ctx.periods),
  };
}

interface Exchange {
  rows: { land_use: string; gained_from: number; lost_to: number; net: number }[];
  gain: number;
  loss: number;
  start: number;
  end: number;
  sql: string;
  params: unknown[];
}

/**
 * Gains into and losses out of a group of uses, per other use, over a horizon, and the group's
 * area at the horizon's start and end: the shared core of urban, forest and agricultural change.
 */
async function exchange(
  ctx: AnalyticsContext,
  group: LandUse[],
  scenario: Scenario,
  geo: Geography,
  horizon: Horizon,
): Promise<Exchange> {
  const ids = group.map((u) => u.id);
  const startArea = group.map((u) => areaAt(u.id, horizon.start).value);
  const endArea = group.map((u) => areaAt(u.id, horizon.end).value);
  const startWhere = periodsAround(horizon.start);
  const endWhere = periodsAround(horizon.end);
  const add = (parts: ReturnType<typeof sql>[]) => parts.reduce((a, b) => sql`${a} + ${b}`);
  const level = factLevel(ctx, geo);
  const from = factsFrom(level);
  const q = await runRows(
    ctx,
    sql`WITH flows AS (
          SELECT CASE WHEN ${into(ids)} THEN f.from_landuse_id ELSE f.to_landuse_id END AS other_id,
                 sum(f.acres) FILTER (WHERE ${into(ids)}) AS gained_from,
                 sum(f.acres) FILTER (WHERE ${outOf(ids)}) AS lost_to
          FROM ${from}
          WHERE f.scenario_id = ${scenario.id} AND ${horizonFilter(horizon)} ${geographyFilter(geo, level)}
            AND (${outOf(ids)}) <> (${into(ids)})
          GROUP BY other_id),
        areas AS (
          SELECT ${add(startArea)} AS area_start, ${add(endArea)} AS area_end
          FROM ${from}
          WHERE f.scenario_id = ${scenario.id}
            AND ${inList(sql`f.time_id`, [...new Set([...startWhere, ...endWhere])])} ${geographyFilter(geo, level)})
        SELECT flows.*, areas.* FROM areas LEFT JOIN flows ON true ORDER BY other_id`,
  );
  const rows = q.rows
    .filter((r) => r.other_id !== null)
    .map((r) => ({
      land_use: useOf(r.other_id).key,
      gained_from: num(r.gained_from),
      lost_to: num(r.lost_to),
      net: num(r.gained_from) - num(r.lost_to),
    }));
  return {
    rows,
    gain: rows.reduce((s, r) => s + r.gained_from, 0),
    loss: rows.reduce((s, r) => s + r.lost_to, 0),
    start: num(q.rows[0]?.area_start),
    end: num(q.rows[0]?.area_end),
    sql: q.sql,
    params: q.params,
  };
}

export const urbanExpansionParams = z.object(flowParams);

/** New urban land (acres becoming urban) and where it comes from. */
export async function urbanExpansion(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(urbanExpansionParams, input);
  const { geo, scenario, horizon } = common(ctx, p);
  const urban = useOf(LAND_USE_IDS.urban);
  const x = await exchange(ctx, [urban], scenario, geo, horizon);
  const rows = x.rows
    .map((r) => ({
      from_use: r.land_use,
      acres: r.gained_from,
      share_pct: pct(r.gained_from, x.gain),
    }))
    .sort((a, b) => b.acres - a.acres);
  const years = horizon.end - horizon.start;
  return result(ctx, {
    title: `Urban expansion in ${geo.label}, ${yearsLabel(horizon)} (${scenario.code})`,
    columns: ['from_use', 'acres', 'share_pct'],
    rows,
    units: { acres: 'acres', share_pct: 'percent of new urban land' },
    scenarios: [scenario],
    years: { ...horizon, kind: 'horizon' },
    geography: geo,
    figures: {
      total_acres: x.gain,
      acres_per_year: x.gain / years,
      urban_area_start: x.start,
      urban_area_end: x.end,
      urban_increase_pct: pct(x.end - x.start, x.start),
      from_forest_pct: pct(rows.find((r) => r.from_use === 'forest')?.acres ?? 0, x.gain),
    },
    sql: x.sql,
    params: x.params,
  });
}

export const forestChangeParams = z.object(flowParams);

/** Forest gain, loss and net change, with where lost forest goes and where new forest comes from. */
export async function forestChange(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(forestChangeParams, input);
  return groupChange(ctx, p, [useOf(LAND_USE_IDS.forest)], 'Forest');
}

export const agriculturalChangeParams = z.object({
  ...flowParams,
  land_use: z
    .enum(['crop', 'pasture', 'agriculture'])
    .optional()
    .describe('crop, pasture or agriculture (both, the default)'),
});

/** Change in agricultural land (crop, pasture or both): losses to, gains from, net. */
export async function agriculturalChange(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(agriculturalChangeParams, input);
  const which = p.land_use ?? 'agriculture';
  const group =
    which === 'agriculture'
      ? [useOf(LAND_USE_IDS.crop), useOf(LAND_USE_IDS.pasture)]
      : [resolveLandUse(which)];
  const label = which === 'agriculture' ? 'Agricultural land (crop and pasture)' : group[0]!.name;
  return groupChange(ctx, p, group, label);
}

async function groupChange(
  ctx: AnalyticsContext,
  p: z.infer<typeof forestChangeParams>,
  group: LandUse[],
  label: string,
): Promise<AnalyticsResult> {
  const { geo, scenario, horizon } = common(ctx, p);
  if (group.some((u) => u.id === LAND_USE_IDS.urban)) {
    throw new AppError('bad_request:invalid_params', 'Use urban expansion for urban land.');
  }
  const x = await exchange(ctx, group, scenario, geo, horizon);
  const rows = [...x.rows].sort((a, b) => b.lost_to + b.gained_from - (a.lost_to + a.gained_from));
  const net = x.gain - x.loss;
  return result(ctx, {
    title: `${label} change in ${geo.label}, ${yearsLabel(horizon)} (${scenario.code})`,
    columns: ['land_use', 'gained_from', 'lost_to', 'net'],
    rows,
    units: { gained_from: 'acres', lost_to: 'acres', net: 'acres' },
    scenarios: [scenario],
    years: { ...horizon, kind: 'horizon' },
    geography: geo,
    figures: {
      gain_acres: x.gain,
      loss_acres: x.loss,
      net_acres: net,
      area_start: x.start,
      area_end: x.end,
      net_change_pct: pct(net, x.start),
    },
    sql: x.sql,
    params: x.params,
  });
}
