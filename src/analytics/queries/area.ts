import { z } from 'zod';
import { LAND_USES, PERIOD_BOUNDARIES, FIRST_YEAR, type LandUse } from '../../domain/index.ts';
import { ident, join, sql, when } from '../../data/sql.ts';
import { params, parse, pct, num, result, yearsLabel } from '../common.ts';
import { runRows, type AnalyticsContext } from '../context.ts';
import { areaAt, factLevel, factsFrom, geographyFilter, inList, placeAlias } from '../parts.ts';
import {
  resolveGeography,
  resolveLandUse,
  resolveScenario,
  resolveScenarios,
  resolveYear,
} from '../resolve.ts';
import type { AnalyticsResult } from '../result.ts';

const ALIASES = LAND_USES.map((_, i) => `a${i}`);

export const landUseAreaParams = z.object({
  land_use: params.land_use,
  states: params.states,
  county: params.county,
  scenario: params.scenario,
  year: params.year,
  by_state: z.boolean().optional().describe('One row per state and use instead of one total'),
});

/** Area of each land use (or one) at a year, in a geography, under a scenario. */
export async function landUseArea(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const p = parse(landUseAreaParams, input);
  const geo = resolveGeography(p, ctx.counties);
  const scenario = resolveScenario(p.scenario);
  const year = resolveYear(p.year, ctx.periods);
  const uses: LandUse[] = p.land_use ? [resolveLandUse(p.land_use)] : [...LAND_USES];
  const all = LAND_USES.map((u) => areaAt(u.id, year));
  const where = all[0]!.where;
  const level = factLevel(ctx, geo, { places: p.by_state });
  const g = placeAlias(level);
  const q = await runRows(
    ctx,
    sql`SELECT ${when(p.by_state, sql`${g}.state_abbrev AS state,`)}
          ${join(
            all.map((a, i) => sql`${a.value} AS ${ident(`a${i}`, ALIASES)}`),
            ', ',
          )}
        FROM ${factsFrom(level)}
        WHERE f.scenario_id = ${scenario.id} AND ${where} ${geographyFilter(geo, level)}
        ${when(p.by_state, sql`GROUP BY ${g}.state_abbrev ORDER BY ${g}.state_abbrev`)}`,
  );
  const rows = q.rows.flatMap((r) => {
    const areas = LAND_USES.map((_, i) => num(r[`a${i}`]));
    const total = areas.reduce((s, a) => s + a, 0);
    return uses.map((u) => ({
      ...(p.by_state ? { state: String(r.state) } : {}),
      land_use: u.key,
      acres: areas[u.id - 1]!,
      share_pct: pct(areas[u.id - 1]!, total),
    }));
  });
  const total = rows.reduce((s, r) => s + r.acres, 0);
  return result(ctx, {
    title: `${uses.length === 1 ? uses[0]!.name : 'Land use'} area in ${geo.label}, ${year} (${scenario.code})`,
    columns: [...(p.by_state ? ['state'] : []), 'land_use', 'acres', 'share_pct'],
    rows,
    units: { acres: 'acres', share_pct: 'percent of the area tracked' },
    scenarios: [scenario],
    years: { start: year, end: year, kind: 'point' },
    geography: geo,
    figures: { total_acres: total, year },
    sql: q.sql,
    params: q.params,
    notes: PERIOD_BOUNDARIES.includes(year)
      ? []
      : [`${year} lies inside a period: areas are interpolated between its boundaries.`],
  });
}

export const timeSeriesParams = z.object({
  states: params.states,
  county: params.county,
  scenario: params.scenario,
  scenarios: params.scenarios,
  land_use: params.land_use,
});

/** Area of each use at every period boundary (2012, 2020, ..., 2070), per scenario. */
export async function timeSeries(ctx: AnalyticsContext, input: unknown): Promise<AnalyticsResult> {
  const p = parse(timeSeriesParams, input);
  const geo = resolveGeography(p, ctx.counties);
  const scenarios = p.scenarios?.length
    ? resolveScenarios(p.scenarios)
    : [resolveScenario(p.scenario)];
  const uses = p.land_use ? [resolveLandUse(p.land_use)] : [...LAND_USES];
  const ids = scenarios.map((s) => s.id);
  const level = factLevel(ctx, geo);
  const from = factsFrom(level, { time: true });
  const q = await runRows(
    ctx,
    sql`SELECT scenario_id, year, landuse_id, sum(acres) AS acres FROM (
          SELECT f.scenario_id, t.end_year AS year, f.to_landuse_id AS landuse_id, f.acres
          FROM ${from} WHERE ${inList(sql`f.scenario_id`, ids)} ${geographyFilter(geo, level)}
          UNION ALL
          SELECT f.scenario_id, t.start_year, f.from_landuse_id, f.acres
          FROM ${from} WHERE ${inList(sql`f.scenario_id`, ids)} AND t.start_year = ${FIRST_YEAR} ${geographyFilter(geo, level)})
        GROUP BY ALL ORDER BY scenario_id, year`,
  );
  const byKey = new Map<string, Record<string, number | string>>();
  for (const r of q.rows) {
    const s = scenarios.find((x) => x.id === num(r.scenario_id))!;
    const key = `${s.code}:${num(r.year)}`;
    const row = byKey.get(key) ?? { scenario: s.code, year: num(r.year) };
    const use = LAND_USES[num(r.landuse_id) - 1]!;
    if (uses.includes(use)) row[use.key] = num(r.acres);
    byKey.set(key, row);
  }
  const rows = [...byKey.values()].map((r) => {
    for (const u of uses) r[u.key] ??= 0;
    return r;
  });
  const first = rows[0];
  const last = rows.filter((r) => r.scenario === first?.scenario).at(-1);
  const figures: Record<string, number | null> = {};
  for (const u of uses) {
    if (!first || !last) break;
    const a = num(first[u.key]);
    const b = num(last[u.key]);
    figures[`${u.key}_change`] = b - a;
    figures[`${u.key}_change_pct`] = pct(b - a, a);
  }
  const years = rows.map((r) => num(r.year));
  const span = { start: Math.min(...years), end: Math.max(...years) };
  return result(ctx, {
    title: `${uses.length === 1 ? uses[0]!.name : 'Land use'} area over time in ${geo.label} (${scenarios.map((s) => s.code).join(', ')}), ${yearsLabel(span)}`,
    columns: ['scenario', 'year', ...uses.map((u) => u.key)],
    rows,
    units: Object.fromEntries(uses.map((u) => [u.key, 'acres'])),
    scenarios,
    years: { ...span, kind: 'series' },
    geography: geo,
    figures,
    sql: q.sql,
    params: q.params,
  });
}
