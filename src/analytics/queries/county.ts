import { z } from 'zod';
import { params, parse, result } from '../common.ts';
import type { AnalyticsContext } from '../context.ts';
import { resolveCounty, resolveScenario } from '../resolve.ts';
import type { AnalyticsResult } from '../result.ts';
import { timeSeries } from './area.ts';
import { forestChange, urbanExpansion } from './flows.ts';

export const countyDetailParams = z.object({
  county: z
    .string()
    .min(1)
    .max(80)
    .describe('A county: "Orange County, FL", "Travis, Texas" or a FIPS code'),
  scenario: params.scenario,
  year_range: params.year_range,
});

/** One county: its land use at every period boundary and its headline changes. */
export async function countyDetail(
  ctx: AnalyticsContext,
  input: unknown,
): Promise<AnalyticsResult> {
  const p = parse(countyDetailParams, input);
  const county = resolveCounty(p.county, ctx.counties);
  const scenario = resolveScenario(p.scenario);
  const args = { county: county.fips, scenario: scenario.code, year_range: p.year_range };
  const [series, urban, forest] = await Promise.all([
    timeSeries(ctx, { county: county.fips, scenario: scenario.code }),
    urbanExpansion(ctx, args),
    forestChange(ctx, args),
  ]);
  return result(ctx, {
    title: `${county.name}, ${county.state} (FIPS ${county.fips}): land use ${series.years.start}-${series.years.end} (${scenario.code})`,
    columns: series.columns,
    rows: series.rows,
    units: series.units,
    scenarios: [scenario],
    years: series.years,
    geography: series.geography,
    figures: {
      fips: county.fips,
      ...series.figures,
      urban_expansion_acres: urban.figures.total_acres ?? null,
      urban_from_forest_pct: urban.figures.from_forest_pct ?? null,
      forest_net_acres: forest.figures.net_acres ?? null,
      change_years: `${urban.years.start}-${urban.years.end}`,
    },
    sql: series.sql,
    params: series.params,
  });
}
