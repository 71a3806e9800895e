/**
 * The agent's tool argument conventions: one zod schema per tool. They are the contract that the
 * offline planner and LLM providers produce, the JSON schema an LLM sees, and the TypeScript
 * types of the arguments. Objects are strict: an argument a tool does not take is an error, never
 * a silently dropped filter.
 */
import { z } from 'zod';
import { params } from '../../analytics/common.ts';
import { METRICS, queryPlanSchema } from '../../analytics/index.ts';
import { LAND_USE_KEYS } from '../../domain/index.ts';

// One list of tool names, shared with the planner that produces the calls.
import type { ToolName } from './types.ts';

/** Metrics of the analytics API, with the aliases models and the planner use. */
export const TOOL_METRICS = [...METRICS, 'urban_growth', 'land_area'] as const;
export type ToolMetric = (typeof TOOL_METRICS)[number];
export const AREA_METRICS = METRICS.filter((m) => m.endsWith('_area'));

const states = params.states.describe(
  'Two-letter state codes, e.g. ["CA","TX"] (names and regions work too); omit for the whole US',
);
const scenario = params.scenario.describe('OVERALL (default, ensemble mean), LM, HM, HL or HH');
const scenarios = params.scenarios.describe('Scenarios to compare, e.g. ["LM","HH"]; omit for all');
const year = params.year.describe('A year 2012-2070: a point in time for areas, "by" for changes');
const yearRange = params.year_range.describe(
  'Years of a change, e.g. "2020-2050" (default 2020-2070)',
);
const limit = params.limit.describe('How many rows (default 10)');
const landUse = (what: string) => z.enum(LAND_USE_KEYS).optional().describe(what);
const metric = z
  .enum(TOOL_METRICS)
  .describe(
    'Flows over years (urban_expansion = urban_growth, forest_*, ag/crop/pasture_loss) or areas at a year (*_area; land_area needs land_use)',
  );

export const TOOL_SCHEMAS = {
  query_land_use_area: z.strictObject({
    states,
    land_use: landUse('crop, pasture, rangeland, forest or urban; omit for all five'),
    year: year.describe('The year of the areas, 2012-2070 (default 2020)'),
    scenario,
    county: params.county,
  }),
  query_land_use_transitions: z.strictObject({
    states,
    from_use: landUse('The use land leaves; omit for any'),
    to_use: landUse('The use land becomes; omit for any'),
    year_range: yearRange,
    year,
    scenario,
    limit,
  }),
  query_urban_expansion: z.strictObject({
    states,
    year_range: yearRange,
    year,
    scenario,
    source_land_use: landUse('Only new urban land from this use (the total is still given)'),
  }),
  query_forest_change: z.strictObject({
    states,
    year_range: yearRange,
    year,
    scenario,
    change_type: z
      .enum(['net', 'loss', 'gain'])
      .optional()
      .describe('Which figure leads: net (default), loss or gain'),
  }),
  query_agricultural_change: z.strictObject({
    states,
    year_range: yearRange,
    year,
    scenario,
    ag_type: z
      .enum(['crop', 'pasture', 'agriculture'])
      .optional()
      .describe('crop, pasture or agriculture (both, the default)'),
  }),
  compare_scenarios: z.strictObject({
    metric: metric.optional().describe('What to compare (default urban_expansion)'),
    scenarios,
    states,
    year_range: yearRange,
    year,
  }),
  compare_states: z.strictObject({
    metric,
    states: states.describe('States to rank (codes or a region); omit for all'),
    scenario,
    year_range: yearRange,
    year,
    limit,
    land_use: landUse('The use measured when metric is land_area'),
  }),
  query_time_series: z.strictObject({
    states,
    scenario,
    scenarios,
    metric: metric.optional().describe('Narrows to one use, e.g. forest_area; omit for all uses'),
    land_use: landUse('One use; omit for all five'),
  }),
  query_by_county: z.strictObject({
    county: z
      .string()
      .min(1)
      .max(80)
      .describe('County name, e.g. "Los Angeles", or a five-digit FIPS code'),
    state: z.string().min(1).max(40).optional().describe('Its state, e.g. "CA"'),
    scenario,
    year: year.describe('Also give the areas at this year'),
  }),
  query_top_counties: z.strictObject({
    metric,
    states: states.describe('Rank counties within these states or region; omit for all'),
    scenario,
    year_range: yearRange,
    year,
    limit,
  }),
  compare_climate_models: z.strictObject({
    metric,
    scenario: scenario.describe('LM, HM, HL or HH; OVERALL (default) shows all 20 runs'),
    states,
    year_range: yearRange,
  }),
  get_data_summary: z.strictObject({}),
  query_land_use: z.strictObject(queryPlanSchema.shape),
} as const;

/** The guarded free-form SQL tool's arguments; the tool exists only when enabled. */
export const RUN_SQL_SCHEMA = z.strictObject({
  sql: z.string().min(1).describe('One read-only SELECT over the land use tables (fact_*, dim_*)'),
  limit: z.number().int().min(1).optional().describe('Most rows to return'),
});

export type ToolArgs<N extends ToolName> = z.infer<(typeof TOOL_SCHEMAS)[N]>;

/** One line per tool for an LLM's tool list. */
export const TOOL_DESCRIPTIONS: Readonly<Record<ToolName | 'run_sql', string>> = {
  query_land_use_area:
    'Acres of each land use (or one) at a year, for states, a county or the US, under a scenario.',
  query_land_use_transitions:
    'Acres moving from one land use to another over years (e.g. forest to urban), largest first.',
  query_urban_expansion:
    'New urban land over years and the land uses it comes from (forest, crop, pasture, rangeland).',
  query_forest_change: 'Forest gained, lost and net change over years, and to or from which uses.',
  query_agricultural_change:
    'Change in agricultural land (crop, pasture or both): losses, gains and net over years.',
  compare_scenarios:
    'One metric under each scenario (OVERALL, LM, HM, HL, HH), with gaps to OVERALL.',
  compare_states: 'States ranked by a metric (all, or a list or region), largest first.',
  query_time_series:
    'Area of each land use (or one) at every period boundary 2012-2070, per scenario.',
  query_by_county:
    "One county's land use at every period boundary and its urban and forest change.",
  query_top_counties: 'Counties ranked by a metric, nationally or within states or a region.',
  compare_climate_models:
    'A metric for each climate-model run (5 models x 4 pathways): spread, highest and lowest.',
  get_data_summary: 'What the data covers: dataset, scenarios, periods, models, states, counties.',
  query_land_use:
    'Any question the tools above do not fit, as a plan: a measure of uses in places, split by up to two breakdowns, over years and scenarios, sorted.',
  run_sql:
    'Run one read-only SQL query on the star schema (fact_landuse_transitions, dim_*); acres are actual acres.',
};
