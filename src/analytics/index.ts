/**
 * The analytics API: typed domain queries that the agent's tools, the HTTP routes, the dashboard
 * and the exports share. Each takes unvalidated input, checks it with its zod schema, and returns
 * an AnalyticsResult.
 */
import type { AnalyticsContext } from './context.ts';
import { landUseArea, landUseAreaParams, timeSeries, timeSeriesParams } from './queries/area.ts';
import {
  climateModelSpread,
  climateModelSpreadParams,
  scenarioComparison,
  scenarioComparisonParams,
  stateComparison,
  stateComparisonParams,
  topCounties,
  topCountiesParams,
} from './queries/compare.ts';
import { countyDetail, countyDetailParams } from './queries/county.ts';
import {
  agriculturalChange,
  agriculturalChangeParams,
  forestChange,
  forestChangeParams,
  transitions,
  transitionsParams,
  urbanExpansion,
  urbanExpansionParams,
} from './queries/flows.ts';
import { mapValues, mapValuesParams } from './queries/map.ts';
import { dataSummary } from './queries/summary.ts';
import { queryPlanSchema } from './plan.ts';
import { runPlan } from './run-plan.ts';
import type { AnalyticsResult } from './result.ts';
import { z } from 'zod';
import { cacheKey } from '../cache/index.ts';

export { createAnalyticsContext, type AnalyticsContext } from './context.ts';
export type { AnalyticsResult, Cell } from './result.ts';
export { METRICS, type Metric } from './parts.ts';
export { queryPlanSchema, type QueryPlan, type QueryPlanInput } from './plan.ts';
export { MAP_LEVELS, MAP_METRICS } from './queries/map.ts';

/** Every domain query: its name, parameter schema and function. */
export const QUERIES = {
  landUseArea: { params: landUseAreaParams, run: landUseArea },
  transitions: { params: transitionsParams, run: transitions },
  urbanExpansion: { params: urbanExpansionParams, run: urbanExpansion },
  forestChange: { params: forestChangeParams, run: forestChange },
  agriculturalChange: { params: agriculturalChangeParams, run: agriculturalChange },
  scenarioComparison: { params: scenarioComparisonParams, run: scenarioComparison },
  stateComparison: { params: stateComparisonParams, run: stateComparison },
  timeSeries: { params: timeSeriesParams, run: timeSeries },
  countyDetail: { params: countyDetailParams, run: countyDetail },
  topCounties: { params: topCountiesParams, run: topCounties },
  climateModelSpread: { params: climateModelSpreadParams, run: climateModelSpread },
  mapValues: { params: mapValuesParams, run: mapValues },
  dataSummary: { params: z.object({}), run: (ctx: AnalyticsContext) => dataSummary(ctx) },
  /** Any composable question as a query plan (the named queries are presets of it). */
  queryLandUse: { params: queryPlanSchema, run: runPlan },
} as const;

export type QueryName = keyof typeof QUERIES;
export type Analytics = {
  [K in QueryName]: (input?: z.input<(typeof QUERIES)[K]['params']>) => Promise<AnalyticsResult>;
};

/**
 * The analytics API bound to a context: `analytics.urbanExpansion({states: ['TX']})`. With a
 * cache, whole results are cached by query name, arguments and database too, so a repeated
 * question skips even the SQL-level cache (different spellings of one question still meet there).
 */
export function createAnalytics(ctx: AnalyticsContext): Analytics {
  const api = {} as Record<QueryName, (input?: unknown) => Promise<AnalyticsResult>>;
  for (const [name, q] of Object.entries(QUERIES) as [QueryName, (typeof QUERIES)[QueryName]][]) {
    api[name] = async (input?: unknown) => {
      const cache = ctx.cache;
      if (!cache) return q.run(ctx, input);
      const key = cacheKey({
        sql: name,
        params: [input ?? {}],
        fingerprint: ctx.fingerprint,
        namespace: 'r',
      });
      const hit = await cache.get<AnalyticsResult>(key);
      if (hit) return hit;
      const result = await q.run(ctx, input);
      await cache.set(key, result);
      return result;
    };
  }
  return api;
}
export { runGuardedSql, type SqlResult } from './free-sql.ts';
