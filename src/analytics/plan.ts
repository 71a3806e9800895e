/**
 * The query plan: one composable description of a land use question (what to measure, of which
 * uses, where, when, under which scenarios, broken down how). The named domain queries are
 * presets of it; the agent's planner and the routes can build plans directly. plan-resolve.ts
 * fills its defaults and resolves its names; compile.ts turns a resolved plan into SQL.
 */
import { z } from 'zod';
import type { Scenario } from '../domain/index.ts';
import { params } from './common.ts';
import type { Geography, Horizon } from './resolve.ts';

/** What a plan measures. share = area in percent of all land; percent_change = change / start area. */
export const MEASURES = [
  'area',
  'change',
  'gain',
  'loss',
  'flow',
  'share',
  'percent_change',
] as const;
export type Measure = (typeof MEASURES)[number];

/** How a plan's rows are split: at most two of these (`none` is the same as leaving it out). */
export const BREAKDOWNS = [
  'none',
  'scenario',
  'climate_model',
  'period',
  'year',
  'rpa_region',
  'rpa_subregion',
  'census_region',
  'state',
  'county',
  'land_use',
  'from_use',
  'to_use',
] as const;
export type Breakdown = Exclude<(typeof BREAKDOWNS)[number], 'none'>;

const useList = z.array(z.string().min(1).max(40)).min(1).max(8);

/** The plan as callers write it. Every field but `measure` is optional. */
export const queryPlanSchema = z.object({
  measure: z
    .enum([...MEASURES, 'urban_expansion'])
    .describe(
      'area (at a year), change (net = end - start), gain, loss, flow (from -> to), share ' +
        '(percent of all land), percent_change (net / start area); urban_expansion = gain of urban',
    ),
  uses: useList
    .optional()
    .describe(
      'Land uses: crop, pasture, rangeland, forest, urban, or a group: agricultural (crop + ' +
        'pasture), natural (rangeland + forest). Listed uses form one group unless broken down by land_use',
    ),
  from: useList.optional().describe('flow: uses the acres leave (default: any use not in `to`)'),
  to: useList.optional().describe('flow: uses the acres enter (default: any use not in `from`)'),
  states: params.states,
  counties: z
    .array(z.string().min(1).max(80))
    .max(50)
    .optional()
    .describe(
      'Counties: "Orange County, FL" or FIPS codes (with `states`, names are looked up there)',
    ),
  breakdown: z
    .array(z.enum(BREAKDOWNS))
    .max(2)
    .optional()
    .describe('Up to two ways to split the rows, e.g. ["state"] or ["scenario", "period"]'),
  years: z
    .object({ start: z.number().int().optional(), end: z.number().int().optional() })
    .optional()
    .describe(
      'Horizon of a change (default 2020-2070; {start: 2012} for "since 2012", {end: 2050} for ' +
        '"by 2050"); for areas broken down by year, the years shown',
    ),
  year: z
    .number()
    .int()
    .optional()
    .describe('A point in time for area/share (default 2020); for changes, the horizon end'),
  scenarios: z
    .array(z.string().min(1).max(40))
    .min(1)
    .max(5)
    .optional()
    .describe('Scenario codes or names (default OVERALL; with a scenario breakdown, all five)'),
  sort: z
    .enum(['desc', 'asc'])
    .optional()
    .describe(
      'desc: largest first (default); asc for "least". Time breakdowns read in time order unless named',
    ),
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('How many rows (county breakdown: 10)'),
  unit: z
    .enum(['acres', 'percent', 'share_of_total'])
    .optional()
    .describe(
      'percent: area as a share of all land, a change as a percent of the start area; ' +
        'share_of_total: each row in percent of the same measure over `within` (default the whole US)',
    ),
  within: params.states.describe(
    'share_of_total: the whole a share is of, as states or a region (default the conterminous US)',
  ),
});
export type QueryPlan = z.infer<typeof queryPlanSchema>;
export type QueryPlanInput = z.input<typeof queryPlanSchema>;

/** A land use or a group of uses measured as one (moves inside a group are not gain or loss). */
export interface UseItem {
  key: string;
  name: string;
  ids: number[];
}

/** A plan with every name resolved and every default filled in: what compile.ts reads. */
export interface ResolvedPlan {
  measure: Measure;
  /** The measure in acres that the value is built on (share reads area, percent_change change). */
  base: 'area' | 'change' | 'gain' | 'loss' | 'flow';
  unit: 'acres' | 'percent' | 'share_of_total';
  /** share_of_total: the geography whose total each row is a share of. */
  within: Geography | undefined;
  /** Uses measured: one group, or one item per row with a land_use breakdown. Empty for flows. */
  items: UseItem[];
  from: number[];
  to: number[];
  geo: Geography;
  breakdown: Breakdown[];
  horizon: Horizon;
  /** The point in time of an area without a year breakdown. */
  year: number | undefined;
  /** The period boundaries of an area with a year breakdown. */
  years: number[];
  scenarios: Scenario[];
  sort: 'asc' | 'desc' | 'time';
  limit: number | undefined;
  notes: string[];
  /** The plan as it ran, defaults filled in, names as canonical keys and codes. */
  normalized: QueryPlan;
}
