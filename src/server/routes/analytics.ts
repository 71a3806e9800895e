import { z } from 'zod';
import { MAP_LEVELS, MAP_METRICS, METRICS, type AnalyticsResult } from '../../analytics/index.ts';
import { DEMO_NOTE } from '../../analytics/common.ts';
import { AppError, LAND_USES } from '../../domain/index.ts';
import type { ServerDeps } from '../deps.ts';
import type { ZodApp } from '../types.ts';

const TAGS = ['Analytics'];

/** A comma-separated query-string list (`states=TX,CA`) as an array; absent or empty = omitted. */
const list = (what: string) =>
  z
    .string()
    .max(2000)
    .optional()
    .transform((text) => {
      const items = (text ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return items.length > 0 ? items : undefined;
    })
    .describe(`Comma-separated ${what}`);

const text = (max: number, what: string) => z.string().min(1).max(max).optional().describe(what);

/** The dashboard's filters, by their query-string names. */
const filters = {
  scenario: text(
    40,
    'Scenario: OVERALL (default, the ensemble mean), LM, HM, HL, HH, or a name/RCP/SSP',
  ),
  year_range: z
    .string()
    .regex(/^\d{4}-\d{4}$/, 'must be years like 2020-2050')
    .optional()
    .describe('Years of a change, like "2020-2050" (default 2020-2070, clipped to the data)'),
  period: z
    .string()
    .regex(/^\d{4}-\d{4}$/, 'must be years like 2020-2050')
    .optional()
    .describe('The older name of year_range (the name the tools and the CLI use); still accepted'),
  year: z.coerce
    .number()
    .int()
    .min(2012)
    .max(2070)
    .optional()
    .describe('A year 2012-2070: a point in time for areas, a horizon end for flows'),
  states: list(
    'states (names or two-letter codes) or regions (RPA or Census); omit for the whole US',
  ),
  county: text(80, 'A county: "Orange County, FL" or a FIPS code'),
};
const landUse = (what: string) =>
  z
    .enum(LAND_USES.map((u) => u.key) as [string, ...string[]])
    .optional()
    .describe(what);

const overviewQuery = z.object({
  scenario: filters.scenario,
  year_range: filters.year_range,
  period: filters.period,
  states: filters.states,
  county: filters.county,
});
const scenariosQuery = z.object({
  metric: z.enum(METRICS).default('urban_expansion').describe('What to compare'),
  scenarios: list('scenarios to compare (default all five)'),
  year_range: filters.year_range,
  period: filters.period,
  year: filters.year,
  states: filters.states,
  county: filters.county,
});
const transitionsQuery = z.object({
  from_use: landUse('Only land leaving this use'),
  to_use: landUse('Only land becoming this use'),
  scenario: filters.scenario,
  year_range: filters.year_range,
  period: filters.period,
  year: filters.year,
  states: filters.states,
  county: filters.county,
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Most flows (default 25)'),
});
const timeseriesQuery = z.object({
  scenario: filters.scenario,
  scenarios: list('scenarios, one series each (instead of `scenario`)'),
  land_use: landUse('One land use (default all five)'),
  states: filters.states,
  county: filters.county,
});
const mapQuery = z.object({
  metric: z
    .enum(MAP_METRICS)
    .default('urban_expansion')
    .describe('A metric in acres, or `<use>_change_pct`: the percent change of a use’s area'),
  level: z.enum(MAP_LEVELS).default('county').describe('One value per county or per state'),
  scenario: filters.scenario,
  year_range: filters.year_range,
  period: filters.period,
  year: filters.year,
  states: filters.states,
});
const countyParams = z.object({
  fips: z.string().regex(/^\d{5}$/, 'must be a five-digit FIPS code, like 06037'),
});
const countyQuery = z.object({
  scenario: filters.scenario,
  year_range: filters.year_range,
  period: filters.period,
});

/**
 * The dashboard's data: overview figures, scenario comparison, transitions, time series, map
 * values and county detail. Each handler maps query-string names to a domain query's parameters
 * and returns its result (cached whole by `deps.service.analytics`) with the dataset labelled.
 */
export function analyticsRoutes(app: ZodApp, deps: ServerDeps): Promise<void> {
  const { analytics, ctx } = deps.service;
  // Read per request: a data reload may switch between demo and RPA data.
  const dataset = () => ({
    dataset: ctx.dataset,
    notice: ctx.dataset === 'demo' ? DEMO_NOTE : null,
  });
  const labelled = (r: AnalyticsResult) => ({ ...dataset(), ...r });

  app.get(
    '/api/analytics/overview',
    {
      schema: {
        tags: TAGS,
        summary: 'Headline figures for the dashboard',
        description:
          'What the data covers, and for the chosen scenario, period and geography: new urban land, forest and agricultural change, and the area of each use at the start and end of the period.',
        querystring: overviewQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const args = {
        scenario: q.scenario,
        year_range: q.year_range ?? q.period,
        states: q.states,
        county: q.county,
      };
      const [summary, urban, forest, agriculture] = await Promise.all([
        analytics.dataSummary(),
        analytics.urbanExpansion(args),
        analytics.forestChange(args),
        analytics.agriculturalChange(args),
      ]);
      // The horizon the flows resolved to: the areas are read at its two ends.
      const [areaStart, areaEnd] = await Promise.all([
        analytics.landUseArea({ ...areaArgs(args), year: urban.years.start }),
        analytics.landUseArea({ ...areaArgs(args), year: urban.years.end }),
      ]);
      return {
        ...dataset(),
        title: `Overview: ${urban.geography.label}, ${urban.years.start}-${urban.years.end} (${urban.scenario.join(', ')})`,
        scenario: urban.scenario,
        years: urban.years,
        geography: urban.geography,
        summary: summary.figures,
        coverage: summary.rows,
        figures: {
          urban_expansion_acres: urban.figures.total_acres ?? null,
          urban_expansion_acres_per_year: urban.figures.acres_per_year ?? null,
          urban_from_forest_pct: urban.figures.from_forest_pct ?? null,
          forest_gain_acres: forest.figures.gain_acres ?? null,
          forest_loss_acres: forest.figures.loss_acres ?? null,
          forest_net_acres: forest.figures.net_acres ?? null,
          forest_net_change_pct: forest.figures.net_change_pct ?? null,
          agriculture_net_acres: agriculture.figures.net_acres ?? null,
          agriculture_net_change_pct: agriculture.figures.net_change_pct ?? null,
        },
        land_use: areaEnd.rows.map((row) => {
          const before = areaStart.rows.find((r) => r.land_use === row.land_use);
          const acresStart = Number(before?.acres ?? 0);
          const acresEnd = Number(row.acres ?? 0);
          return {
            land_use: String(row.land_use),
            acres_start: acresStart,
            acres_end: acresEnd,
            change: acresEnd - acresStart,
            change_pct:
              acresStart === 0
                ? null
                : Math.round((10000 * (acresEnd - acresStart)) / acresStart) / 100,
          };
        }),
        units: { figures: 'acres (percent where named _pct)', land_use: 'acres' },
        notes: [...new Set([...urban.notes, ...forest.notes])],
      };
    },
  );

  app.get(
    '/api/analytics/scenarios',
    {
      schema: {
        tags: TAGS,
        summary: 'One metric under each scenario',
        description:
          'The metric (urban expansion by default) under each scenario, with each one’s gap to OVERALL in percent.',
        querystring: scenariosQuery,
      },
    },
    async (request) => {
      const q = request.query;
      return labelled(
        await analytics.scenarioComparison({
          metric: q.metric,
          scenarios: q.scenarios,
          year_range: q.year_range ?? q.period,
          year: q.year,
          states: q.states,
          county: q.county,
        }),
      );
    },
  );

  app.get(
    '/api/analytics/transitions',
    {
      schema: {
        tags: TAGS,
        summary: 'Land moving between uses',
        description:
          'Acres changing from one use to another over the period (largest first), and the same flows as a from × to matrix (`matrix.acres[from][to]`, in the order of `matrix.uses`).',
        querystring: transitionsQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const r = await analytics.transitions({
        from_use: q.from_use,
        to_use: q.to_use,
        scenario: q.scenario,
        year_range: q.year_range ?? q.period,
        year: q.year,
        states: q.states,
        county: q.county,
        limit: q.limit,
      });
      const uses: string[] = LAND_USES.map((u) => u.key);
      const acres = uses.map(() => uses.map(() => 0));
      for (const row of r.rows) {
        const from = uses.indexOf(String(row.from_use));
        const to = uses.indexOf(String(row.to_use));
        if (from >= 0 && to >= 0) acres[from]![to] = Number(row.acres ?? 0);
      }
      return { ...labelled(r), matrix: { uses, acres } };
    },
  );

  app.get(
    '/api/analytics/timeseries',
    {
      schema: {
        tags: TAGS,
        summary: 'Area of each use over time',
        description:
          'Area of each land use at every period boundary (2012, 2020, ..., 2070), per scenario.',
        querystring: timeseriesQuery,
      },
    },
    async (request) => {
      const q = request.query;
      return labelled(
        await analytics.timeSeries({
          scenario: q.scenario,
          scenarios: q.scenarios,
          land_use: q.land_use,
          states: q.states,
          county: q.county,
        }),
      );
    },
  );

  app.get(
    '/api/analytics/map',
    {
      schema: {
        tags: TAGS,
        summary: 'One value per county or state, for a choropleth',
        description:
          'The metric for every county (`level=county`, keyed by FIPS) or state (`level=state`, keyed by abbreviation), with the range of values for a colour scale.',
        querystring: mapQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const r = await analytics.mapValues({
        metric: q.metric,
        level: q.level,
        scenario: q.scenario,
        year_range: q.year_range ?? q.period,
        year: q.year,
        states: q.states,
      });
      return {
        ...dataset(),
        title: r.title,
        metric: q.metric,
        label: r.figures.label,
        level: q.level,
        unit: r.units.value,
        scenario: r.scenario,
        years: r.years,
        geography: r.geography,
        values: r.rows,
        min: r.figures.min,
        max: r.figures.max,
        notes: r.notes,
      };
    },
  );

  app.get(
    '/api/analytics/county/:fips',
    {
      schema: {
        tags: TAGS,
        summary: 'One county: land use over time and headline changes',
        params: countyParams,
        querystring: countyQuery,
      },
    },
    async (request) => {
      const { fips } = request.params;
      if (!ctx.counties.some((c) => c.fips === fips)) {
        throw new AppError('not_found:county', `No county with FIPS code ${fips} in the data.`);
      }
      const q = request.query;
      return labelled(
        await analytics.countyDetail({
          county: fips,
          scenario: q.scenario,
          year_range: q.year_range ?? q.period,
        }),
      );
    },
  );
  // Declaring routes is synchronous; the Promise keeps the signature every route module shares.
  return Promise.resolve();
}

/** The area query's arguments from the flow filters (it has no horizon, only a year). */
function areaArgs(args: {
  scenario?: string | undefined;
  states?: string[] | undefined;
  county?: string | undefined;
}) {
  return { scenario: args.scenario, states: args.states, county: args.county };
}
