import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics, AnalyticsResult, Cell } from '../src/analytics/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { openHandMade } from './helpers.ts';

// The named queries as presets of the query plan: for each, a plan that gives the same numbers.
// Run on the hand-made fixture, and on the full demo database when one has been built (all 20
// runs, 3,108 counties), where rounding and conservation are tested for real.

/** Equal up to the results' 2-decimal rounding (sums in another order may round apart). */
function near(actual: Cell | undefined, expected: Cell | undefined): void {
  expect(typeof actual).toBe('number');
  const a = Number(actual);
  const b = Number(expected);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(0.011 + 1e-9 * Math.abs(b));
}

const byKey = (r: AnalyticsResult, key: string, value: string) =>
  new Map(r.rows.map((x) => [String(x[key]), x[value]]));

function samePairs(
  named: AnalyticsResult,
  namedKey: string,
  namedValue: string,
  plan: AnalyticsResult,
  planKey: string,
  planValue = 'acres',
): void {
  const want = byKey(named, namedKey, namedValue);
  const got = byKey(plan, planKey, planValue);
  for (const [k, v] of want) {
    if (v === 0 && !got.has(k)) continue; // a named query lists zero rows a plan leaves out
    near(got.get(k), v);
  }
  expect(got.size).toBeLessThanOrEqual(want.size);
}

function presets(get: () => Analytics, place: string[], horizon: { start: number; end: number }) {
  const a = () => get();
  const years = { start: horizon.start, end: horizon.end };
  const yearRange = `${horizon.start}-${horizon.end}`;

  it('urbanExpansion = gain of urban (by from_use), areas at the horizon ends', async () => {
    const named = await a().urbanExpansion({ states: place, year_range: yearRange });
    const total = await a().queryLandUse({ measure: 'urban_expansion', states: place, years });
    near(total.rows[0]!.acres, named.figures.total_acres);
    const sources = await a().queryLandUse({
      measure: 'gain',
      uses: ['urban'],
      breakdown: ['from_use'],
      states: place,
      years,
    });
    samePairs(named, 'from_use', 'acres', sources, 'from_use');
    expect(sources.rows.map((x) => x.from_use)).toEqual(named.rows.map((x) => x.from_use));
    const start = await a().queryLandUse({
      measure: 'area',
      uses: ['urban'],
      states: place,
      year: horizon.start,
    });
    const end = await a().queryLandUse({
      measure: 'area',
      uses: ['urban'],
      states: place,
      year: horizon.end,
    });
    near(start.rows[0]!.acres, named.figures.urban_area_start);
    near(end.rows[0]!.acres, named.figures.urban_area_end);
  });

  it('forestChange = gain, loss, change and percent_change of forest', async () => {
    const named = await a().forestChange({ states: place, year_range: yearRange });
    const plan = { uses: ['forest'], states: place, years };
    near(
      (await a().queryLandUse({ ...plan, measure: 'gain' })).rows[0]!.acres,
      named.figures.gain_acres,
    );
    near(
      (await a().queryLandUse({ ...plan, measure: 'loss' })).rows[0]!.acres,
      named.figures.loss_acres,
    );
    const pc = await a().queryLandUse({ ...plan, measure: 'percent_change' });
    near(pc.rows[0]!.acres, named.figures.net_acres);
    // The plan's start area is DATA.md's "area at the start of a period" (from-sums of the first
    // period), the named query's the area at the start year (to-sums of the period before):
    // equal up to the source's rounding (conservation), a few acres in millions.
    expect(Number(pc.rows[0]!.base_acres) / Number(named.figures.area_start)).toBeCloseTo(1, 6);
    expect(Number(pc.rows[0]!.percent)).toBeCloseTo(Number(named.figures.net_change_pct), 1);
  });

  it('agriculturalChange = loss and change of the agricultural group', async () => {
    const named = await a().agriculturalChange({ states: place, year_range: yearRange });
    const plan = { uses: ['agricultural'], states: place, years };
    near(
      (await a().queryLandUse({ ...plan, measure: 'loss' })).rows[0]!.acres,
      named.figures.loss_acres,
    );
    near(
      (await a().queryLandUse({ ...plan, measure: 'change' })).rows[0]!.acres,
      named.figures.net_acres,
    );
  });

  it('landUseArea = area by land_use (and at an interpolated year)', async () => {
    for (const year of [horizon.end, horizon.start + 5]) {
      const named = await a().landUseArea({ states: place, year });
      const plan = await a().queryLandUse({
        measure: 'area',
        breakdown: ['land_use'],
        states: place,
        year,
      });
      samePairs(named, 'land_use', 'acres', plan, 'land_use');
      const share = await a().queryLandUse({
        measure: 'share',
        breakdown: ['land_use'],
        states: place,
        year,
      });
      samePairs(named, 'land_use', 'share_pct', share, 'land_use', 'percent');
    }
  });

  it('timeSeries = area by year and land_use since 2012', async () => {
    const named = await a().timeSeries({ states: place });
    const plan = await a().queryLandUse({
      measure: 'area',
      breakdown: ['year', 'land_use'],
      states: place,
      years: { start: 2012 },
    });
    for (const row of named.rows) {
      for (const use of ['crop', 'pasture', 'rangeland', 'forest', 'urban']) {
        const hit = plan.rows.find((x) => x.year === row.year && x.land_use === use);
        near(hit?.acres, row[use]);
      }
    }
  });

  it('stateComparison and topCounties = breakdowns by state and county', async () => {
    const states = await a().stateComparison({ metric: 'urban_expansion', year_range: yearRange });
    const plan = await a().queryLandUse({
      measure: 'urban_expansion',
      breakdown: ['state'],
      years,
      limit: 10,
    });
    expect(plan.rows.map((x) => x.state)).toEqual(states.rows.map((x) => x.state));
    samePairs(states, 'state', 'value', plan, 'state');
    const forest = await a().stateComparison({
      metric: 'forest_area',
      year: horizon.end,
      order: 'asc',
    });
    const forestPlan = await a().queryLandUse({
      measure: 'area',
      uses: ['forest'],
      year: horizon.end,
      breakdown: ['state'],
      sort: 'asc',
      limit: 10,
    });
    samePairs(forest, 'state', 'value', forestPlan, 'state');
    const counties = await a().topCounties({
      metric: 'forest_loss',
      states: place,
      year_range: yearRange,
      limit: 5,
    });
    const countyPlan = await a().queryLandUse({
      measure: 'loss',
      uses: ['forest'],
      states: place,
      years,
      breakdown: ['county'],
      limit: 5,
    });
    samePairs(counties, 'fips', 'value', countyPlan, 'fips');
  });

  it('scenarioComparison and climateModelSpread = scenario and climate_model breakdowns', async () => {
    const named = await a().scenarioComparison({
      metric: 'urban_expansion',
      year_range: yearRange,
    });
    const plan = await a().queryLandUse({
      measure: 'urban_expansion',
      breakdown: ['scenario'],
      years,
    });
    samePairs(named, 'scenario', 'value', plan, 'scenario');
    const spread = await a().climateModelSpread({ metric: 'forest_loss', year_range: yearRange });
    const runs = await a().queryLandUse({
      measure: 'loss',
      uses: ['forest'],
      breakdown: ['scenario', 'climate_model'],
      years,
    });
    for (const row of spread.rows) {
      const hit = runs.rows.find(
        (x) => x.scenario === row.scenario && x.climate_model === row.climate_model,
      );
      near(hit?.acres, row.value);
    }
    // OVERALL per model is the mean over its pathways, so their mean is the ensemble mean.
    const models = await a().queryLandUse({
      measure: 'loss',
      uses: ['forest'],
      breakdown: ['climate_model'],
      years,
    });
    const mean = models.rows.reduce((s, x) => s + Number(x.acres), 0) / models.rows.length;
    expect(mean).toBeCloseTo(Number(spread.figures.mean), 0);
    const overall = await a().queryLandUse({ measure: 'loss', uses: ['forest'], years });
    expect(mean).toBeCloseTo(Number(overall.rows[0]!.acres), 0);
  });

  it('transitions = flow by from_use and to_use', async () => {
    const named = await a().transitions({ states: place, year_range: yearRange, limit: 25 });
    const plan = await a().queryLandUse({
      measure: 'flow',
      breakdown: ['from_use', 'to_use'],
      states: place,
      years,
    });
    for (const row of named.rows) {
      const hit = plan.rows.find((x) => x.from_use === row.from_use && x.to_use === row.to_use);
      near(hit?.acres, row.acres);
    }
  });

  it('mapValues (percent change by state) = percent_change by state', async () => {
    const named = await a().mapValues({
      metric: 'forest_change_pct',
      level: 'state',
      year_range: yearRange,
    });
    const plan = await a().queryLandUse({
      measure: 'percent_change',
      uses: ['forest'],
      breakdown: ['state'],
      years,
    });
    for (const row of named.rows) {
      const hit = plan.rows.find((x) => x.state === row.state);
      if (row.value === null) expect(hit?.percent ?? null).toBeNull();
      else expect(Number(hit?.percent)).toBeCloseTo(Number(row.value), 1);
    }
  });
}

describe('named queries as plans: hand-made fixture', () => {
  let service: AnalyticsService;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ service, cleanup } = await openHandMade());
  });
  afterAll(() => cleanup());
  presets(() => service.analytics, ['AL'], { start: 2020, end: 2030 });
});

const DEMO = join(import.meta.dirname, '..', 'data', 'landuse.duckdb');

describe.skipIf(!existsSync(DEMO))('named queries as plans: demo database', () => {
  let service: AnalyticsService;
  beforeAll(async () => {
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: DEMO }), {
      cache: false,
      poolSize: 2,
    });
  });
  afterAll(() => service.close());
  presets(() => service.analytics, ['South'], { start: 2020, end: 2050 });
});
